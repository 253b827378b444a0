"""The revocation API (docs/DOMAIN.md §5): the office proposes with a reason, the chairman signs the numbered
revocation decision; bad input is a 422 naming the field and writes nothing. The LĐTT signed on 16 June 2025 paid
0.3 × 2,340,000 = 702,000, rounded up to 710,000 VND (DOMAIN.md §3.4): that is what is to be recovered."""

from __future__ import annotations

from sqlalchemy import select

from models import RegistryEntry, db
from tests.decision_helpers import awaiting_decision, awaiting_signature
from tests.web.test_api import api, problem  # noqa: F401  (the fixture)
from tests.workflow_helpers import table_counts
from workflow.decisions import signing


def _entry(user) -> RegistryEntry:
    decision = awaiting_signature(user, awaiting_decision(names=("Nguyễn Văn An",)))
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    return db.session.scalar(select(RegistryEntry).where(RegistryEntry.decision_id == decision.id))


def test_propose_then_sign(api, user):  # noqa: F811
    entry = _entry(user)
    body = {"registry_entry_id": entry.id, "reason_category": "false_documents", "comment": "Giả mạo hồ sơ"}
    proposed = api.post("noivu", "/revocations", json=body)
    assert proposed.status_code == 201, proposed.json
    assert proposed.json["state"] == "awaiting_signature" and proposed.json["number"] is None
    assert proposed.json["revokes_number"] == "1/QĐ-UBND"
    assert proposed.json["recovery"]["amount_vnd"] == 710_000
    revocation_id = proposed.json["id"]
    assert problem(api.post("noivu", f"/revocations/{revocation_id}/sign", json={}), 403)
    signed = api.post("chutich", f"/revocations/{revocation_id}/sign", json={"version": proposed.json["version"]})
    assert signed.status_code == 200, signed.json
    assert (signed.json["state"], signed.json["number"]) == ("signed", "2/QĐ-UBND")
    listed = api.get("chutich", "/revocations").json["items"]
    assert [(r["id"], r["awardee"]) for r in listed] == [(revocation_id, "Nguyễn Văn An")]
    # Signing twice is refused.
    assert problem(api.post("chutich", f"/revocations/{revocation_id}/sign", json={}), 409)


def test_bad_input_names_the_field_and_writes_nothing(api, user):  # noqa: F811
    entry = _entry(user)
    api.headers("noivu")  # the token is issued before counting
    before = table_counts()
    bad = problem(api.post("noivu", "/revocations", json={"registry_entry_id": entry.id, "reason_category": "x"}), 422)
    assert {"reason_category", "comment"} <= set(bad["errors"])
    unknown = {"registry_entry_id": 999_999, "reason_category": "fraud", "comment": "Khai man"}
    assert "registry_entry_id" in problem(api.post("noivu", "/revocations", json=unknown), 422)["errors"]
    assert table_counts() == before


def test_the_revocation_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/revocations", "/api/v1/revocations/{decision_id}/sign"} <= set(paths)
