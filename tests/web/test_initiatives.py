"""The initiative register over HTTP: the API round trip (a unit proposes, the office records the recognition, the
unit names it on a nomination), problems that name the field, another unit kept out, and the pages from the
proposal form to the appraisal page showing the recognition decision."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Initiative, db
from tests.conftest import AuthActions, csrf_token_from
from workflow.accounts.tokens import issue_token
from workflow.registry import initiatives as register

API = "/api/v1"


@pytest.fixture
def call(client, demo, user):
    tokens: dict[str, str] = {}

    def send(method: str, username: str, path: str, **kwargs):
        if username not in tokens:
            tokens[username] = issue_token(db.session, user(username)).token
            db.session.commit()
        return client.open(API + path, method=method, headers={"Authorization": f"Bearer {tokens[username]}"}, **kwargs)

    return send


@pytest.fixture
def draft(make_dossier):
    """A Plei Kần draft dossier with Nguyễn Văn An and Trần Thị Bình nominated."""
    return make_dossier(complete=False)


def _proposal(nominee_id: int, **changes) -> dict:
    return {
        "title": "Số hóa hồ sơ một cửa",
        "year": 2024,
        "kind": "initiative",
        "field": "Cải cách hành chính",
        "authors": [{"nominee_id": nominee_id, "share": 100}],
    } | changes


RECOGNITION = {
    "decision_number": "45/QĐ-HĐSK",
    "recognised_on": "2025-01-10",
    "recognised_by": "Hội đồng sáng kiến tỉnh Kon Tum",
    "scope": "province",
}


def test_create_recognise_and_link_round_trip(call, draft):
    nomination = draft.nominations[0]
    created = call("POST", "canbo.pleikan", "/initiatives", json=_proposal(nomination.nominee_id))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["state"], body["unit"]["name"], body["authors"][0]["share"]) == ("proposed", "Thị trấn Plei Kần", 100)
    assert created.headers["Location"].endswith(f"/initiatives/{body['id']}")

    path = f"/initiatives/{body['id']}/recognition"
    recognised = call("POST", "noivu", path, json={"version": body["version"], **RECOGNITION})
    assert recognised.status_code == 200, recognised.get_json()
    assert {k: recognised.get_json()[k] for k in ("state", *RECOGNITION)} == {"state": "recognised", **RECOGNITION}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recognise"))
    assert (entry.entity_type, entry.entity_id, entry.to_state) == ("initiative", body["id"], "recognised")
    # Recorded once: a second recording is refused with the state it is in.
    again = call("POST", "noivu", path, json={"version": recognised.get_json()["version"], **RECOGNITION})
    assert again.status_code == 409

    linked = call(
        "PUT", "canbo.pleikan", f"/nominations/{nomination.id}/initiatives", json={"initiative_ids": [body["id"]]}
    )
    assert linked.status_code == 200, linked.get_json()
    assert [i["id"] for i in linked.get_json()] == [body["id"]]
    assert [i["id"] for i in call("GET", "canbo.pleikan", "/initiatives").get_json()["items"]] == [body["id"]]


def test_problems_name_the_field_and_nothing_is_written(call, draft):
    nominee_id = draft.nominations[0].nominee_id
    over = call("POST", "canbo.pleikan", "/initiatives", json=_proposal(nominee_id, authors=[
        {"nominee_id": nominee_id, "share": 60}, {"nominee_id": draft.nominations[1].nominee_id, "share": 50},
    ]))  # fmt: skip
    assert over.status_code == 422
    assert over.content_type == "application/problem+json"
    assert list(over.get_json()["errors"]) == ["authors"]
    created = call("POST", "canbo.pleikan", "/initiatives", json=_proposal(nominee_id)).get_json()
    missing = call("POST", "noivu", f"/initiatives/{created['id']}/recognition", json={"version": created["version"]})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"decision_number", "recognised_on", "recognised_by", "scope"}
    future = call(
        "POST", "noivu", f"/initiatives/{created['id']}/recognition",
        json={"version": created["version"], **RECOGNITION, "recognised_on": "2025-07-01"},
    )  # fmt: skip
    assert list(future.get_json()["errors"]) == ["recognised_on"]
    stale = call("POST", "noivu", f"/initiatives/{created['id']}/recognition", json={"version": 99, **RECOGNITION})
    assert stale.status_code == 409
    assert db.session.get(Initiative, created["id"]).state == "proposed"


def test_another_unit_can_neither_see_nor_link(call, draft, make_dossier):
    nominee_id = draft.nominations[0].nominee_id
    created = call("POST", "canbo.pleikan", "/initiatives", json=_proposal(nominee_id)).get_json()
    assert call("GET", "canbo.dakxu", f"/initiatives/{created['id']}").status_code == 403
    assert call("GET", "canbo.dakxu", "/initiatives").get_json()["items"] == []
    assert call("POST", "canbo.dakxu", f"/initiatives/{created['id']}/recognition",
                json={"version": 1, **RECOGNITION}).status_code == 403  # fmt: skip
    # Plei Kần's nomination is not Đắk Xú's to change.
    link = {"initiative_ids": [created["id"]]}
    assert (
        call("PUT", "canbo.dakxu", f"/nominations/{draft.nominations[0].id}/initiatives", json=link).status_code == 403
    )
    # Đắk Xú's own nomination of someone else cannot name it: it reads as unknown.
    dakxu = make_dossier(officer="canbo.dakxu", nominees=("Y Blong",), complete=False)
    refused = call("PUT", "canbo.dakxu", f"/nominations/{dakxu.nominations[0].id}/initiatives", json=link)
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["initiative_ids"]
    # Nor can Plei Kần name it on Trần Thị Bình's nomination: she is not an author.
    other = call("PUT", "canbo.pleikan", f"/nominations/{draft.nominations[1].id}/initiatives", json=link)
    assert other.status_code == 422


def test_the_openapi_document_lists_the_register(client, demo):
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    assert {
        "/api/v1/initiatives",
        "/api/v1/initiatives/{initiative_id}",
        "/api/v1/initiatives/{initiative_id}/recognition",
        "/api/v1/initiatives/{initiative_id}/refusal",
        "/api/v1/initiatives/import",
        "/api/v1/nominations/{nomination_id}/initiatives",
    } <= set(paths)
    assert "put" in paths["/api/v1/nominations/{nomination_id}/initiatives"]


def test_pages_from_proposal_to_the_appraisal(app, draft, user):
    nomination = draft.nominations[0]
    officer = app.test_client()
    AuthActions(officer).login("canbo.pleikan")
    page = officer.get("/initiatives/new")
    assert page.status_code == 200 and "Nguyễn Văn An" in page.get_data(as_text=True)
    answer = officer.post("/initiatives/new", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "title": "Số hóa hồ sơ một cửa", "year": "2024",
        "kind": "initiative", "field": "", "author_1": str(nomination.nominee_id), "share_1": "100",
    })  # fmt: skip
    assert answer.status_code == 302, answer.get_data(as_text=True)
    initiative = db.session.scalar(select(Initiative))
    assert initiative.state == "proposed"

    office = app.test_client()
    AuthActions(office).login("noivu")
    shown = office.get(f"/initiatives/{initiative.id}")
    assert 'data-testid="recognition-form"' in shown.get_data(as_text=True)
    token = csrf_token_from(shown.get_data(as_text=True))
    refused = office.post(f"/initiatives/{initiative.id}/recognition", data={
        "csrf_token": token, "version": str(initiative.version), "decision_number": "", "recognised_on": "",
        "recognised_by": "", "scope": "",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "Vui lòng nhập số quyết định." in refused.get_data(as_text=True)
    done = office.post(f"/initiatives/{initiative.id}/recognition", data={
        "csrf_token": token, "version": str(initiative.version), "decision_number": "45/QĐ-HĐSK",
        "recognised_on": "2025-01-10", "recognised_by": "Hội đồng sáng kiến tỉnh Kon Tum", "scope": "province",
    })  # fmt: skip
    assert done.status_code == 302
    db.session.refresh(initiative)
    assert (initiative.state, initiative.recognised_on) == ("recognised", date(2025, 1, 10))

    # The officer names it on the nomination; the office's appraisal page shows the decision.
    register.link_nomination(db.session, nomination, [initiative.id], actor=user("canbo.pleikan"))
    db.session.commit()
    appraisal = office.get(f"/nominations/{nomination.id}/appraisal")
    text = appraisal.get_data(as_text=True)
    assert appraisal.status_code == 200
    assert "45/QĐ-HĐSK" in text and "10/01/2025" in text and "Hội đồng sáng kiến tỉnh Kon Tum" in text
    assert "Cấp tỉnh" in text
