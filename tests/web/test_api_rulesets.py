import shutil

import pytest

from models import db
from workflow.accounts.tokens import issue_token
from workflow.rules.rulesets import DEFAULT_DIRECTORY, load_rulesets

API = "/api/v1/rulesets"


@pytest.fixture
def get(client, demo, user):
    """`get(path, username="noivu")`: a GET with that user's bearer token."""

    def call(path: str, username: str = "noivu"):
        token = issue_token(db.session, user(username)).token
        db.session.commit()
        return client.get(API + path, headers={"Authorization": f"Bearer {token}"})

    return call


def test_the_list_gives_every_rule_set_with_its_period_source_and_layer(get):
    body = get("").json

    assert [(r["code"], r["revision"], r["active"]) for r in body] == [
        ("2018-2023", 1, True),
        ("2024-2025", 1, True),
        ("2025-07", 1, True),
        ("kon-tum", 1, True),
    ]
    national = body[1]
    assert set(national) == {
        "code", "revision", "name", "effective_from", "effective_to", "active", "legal_source", "content_hash",
        "loaded_at", "override_for_authority", "applies_to",
    }  # fmt: skip
    assert (national["effective_from"], national["effective_to"]) == ("2024-01-01", "2025-06-30")
    assert national["legal_source"].startswith("Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP")
    assert national["override_for_authority"] is None and national["applies_to"] == []
    assert body[2]["effective_to"] is None
    assert body[3]["override_for_authority"] == {"code": "UBND-KONTUM", "name": "Ủy ban nhân dân tỉnh Kon Tum"}
    assert body[3]["applies_to"] == ["2024-2025"]


def test_one_rule_set_gives_its_entries_each_with_a_legal_source(get):
    body = get("/2024-2025").json

    assert body["code"] == "2024-2025" and body["revision"] == 1
    tldtt = next(t for t in body["titles"] if t["code"] == "TLDTT")
    assert tldtt == {
        "code": "TLDTT",
        "name_vi": "Tập thể lao động tiên tiến",
        "name_en": "Advanced Labour Collective",
        "subject_kind": "collective",
        "category": "title",
        "level": "unit",
        "money_multiple": 0.8,
        "legal_source": "Luật Thi đua, khen thưởng số 06/2022/QH15; mức thưởng: Nghị định 98/2023/NĐ-CP, Điều 54",
    }
    assert next(t for t in body["titles"] if t["code"] == "GIA_DINH_VAN_HOA")["money_multiple"] is None
    assert {
        "authority_level": "district",
        "title_code": "LDTT",
        "legal_source": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 80",
    } in body["competences"]
    regular = next(p for p in body["procedures"] if p["procedure"] == "regular")
    assert regular["time_limit_working_days"] == 20 and regular["council_review_optional"] is False
    documents = [(d["procedure"], d["kind"], d["per_nominee"]) for d in body["required_documents"]]
    assert ("regular", "bao_cao_thanh_tich", True) in documents
    parameters = {p["key"]: p for p in body["parameters"]}
    assert parameters["cstdcs_cap_ratio"]["value"] == 0.15 and parameters["cstdcs_cap_ratio"]["configurable"]
    assert parameters["cstdcs_qualifying_achievements"]["value"] == ["excellent_rating", "initiative", "research"]
    assert parameters["money_round_up_to_vnd"]["value"] == 10000
    assert "applies_to_rule_sets" not in parameters
    for section in ("titles", "competences", "procedures", "required_documents", "parameters"):
        assert body[section] and all(entry["legal_source"] for entry in body[section]), section


def test_the_active_revision_is_given_unless_an_older_one_is_asked_for(get, tmp_path):
    changed = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_DIRECTORY, changed)
    path = changed / "2024-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("money_multiple: 0.8", "money_multiple: 0.9"), "utf-8")
    load_rulesets(db.session, changed)
    db.session.commit()

    newest = get("/2024-2025").json
    older = get("/2024-2025?revision=1").json

    assert (newest["revision"], newest["active"]) == (2, True)
    assert next(t for t in newest["titles"] if t["code"] == "TLDTT")["money_multiple"] == 0.9
    assert (older["revision"], older["active"]) == (1, False)
    assert next(t for t in older["titles"] if t["code"] == "TLDTT")["money_multiple"] == 0.8


def test_an_unknown_period_or_revision_is_a_404_problem(get):
    missing = get("/1999")
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    assert missing.json["detail"] == "Không có bộ quy định 1999."
    assert get("/2024-2025?revision=9").json["detail"] == "Không có bộ quy định 2024-2025, phiên bản 9."


def test_a_bad_revision_is_a_422_with_the_field_named(get):
    response = get("/2024-2025?revision=abc")

    assert response.status_code == 422
    assert response.json["errors"] == {"revision": ["Phải là một số nguyên."]}


def test_unit_users_are_refused_the_rule_sets(get):
    response = get("", username="canbo.pleikan")

    assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert get("/2024-2025", username="canbo.pleikan").status_code == 403


def test_the_openapi_document_describes_both_endpoints(get, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    assert set(paths[API]) == {"get"}
    assert set(paths[API + "/{period}"]["get"]["responses"]) >= {"200", "401", "403", "404", "422"}
