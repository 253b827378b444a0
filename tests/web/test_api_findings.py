"""GET /api/v1/nominations/{id}/findings: the findings with their severity, message, legal source and rule set,
for whoever may view the dossier; the office's recorded appraisal once there is one, a fresh check before."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, NomineeYear, db
from tests.workflow_helpers import count, table_counts
from workflow.accounts.tokens import issue_token
from workflow.core.today import local_today
from workflow.dossiers import transitions as steps
from workflow.dossiers.appraisal import appraise

FIELDS = {
    "rule", "severity", "message", "source", "overridden", "override_reason", "rule_set", "rule_set_revision",
    "basis", "judged_on", "route", "route_reason", "competent_authority", "decision_on", "evaluated_at", "recorded",
    "simulation",
}  # fmt: skip
NGOC_HOI = {"code": "UBND-NGOCHOI", "name": "Ủy ban nhân dân huyện Ngọc Hồi", "level": "district"}


@pytest.fixture
def get(client, user):
    def call(username: str | None, nomination_id: int, query: str = ""):
        headers = {}
        if username:
            headers["Authorization"] = f"Bearer {issue_token(db.session, user(username)).token}"
            db.session.commit()
        return client.get(f"/api/v1/nominations/{nomination_id}/findings{query}", headers=headers)

    return call


@pytest.fixture
def nomination(make_dossier, user):
    dossier = make_dossier(nominees=("Nguyễn Văn An",))
    db.session.scalar(select(NomineeYear)).months_of_service = 2
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    db.session.commit()
    return dossier.nominations[0]


def test_the_unit_reads_a_fresh_check_before_the_office_appraises(get, nomination):
    before = count(AuditEntry)
    response = get("canbo.pleikan", nomination.id)
    assert response.status_code == 200
    findings = response.json
    assert all(set(f) == FIELDS for f in findings)
    assert [f["rule"] for f in findings] == ["E1", "E2", "E10", "E11", "E13"]
    e2 = findings[1]
    assert e2["severity"] == "block" and e2["message"].startswith("Thời gian công tác năm 2025: 2 tháng")
    assert "Thông tư 01/2024/TT-BNV" in e2["source"]
    assert {(f["rule_set"], f["recorded"]) for f in findings} == {(nomination.dossier.rule_set.code, False)}
    assert count(AuditEntry) == before and nomination.findings is None


def test_each_finding_carries_the_route_the_competent_authority_and_the_law_that_judged_it(get, nomination):
    findings = get("canbo.pleikan", nomination.id).json
    # The dossier reached Ngọc Hồi on 16 June 2025: the 2024-2025 rule set (first revision) judges it, and the
    # district decides LĐTT (Law 06/2022 Art. 80) on that day, before it ends on 30 June 2025.
    expected = {
        "rule_set": "2024-2025",
        "rule_set_revision": 1,
        "basis": "reached_authority",
        "judged_on": "2025-06-16",
        "decision_on": "2025-06-16",
        "route": "decide_locally",
        "competent_authority": NGOC_HOI,
        "simulation": False,
    }
    for finding in findings:
        assert {key: finding[key] for key in expected} == expected
    assert "có thẩm quyền quyết định Lao động tiên tiến vào ngày 16/06/2025" in findings[0]["route_reason"]


@pytest.fixture
def office_reads(client, user, nomination):
    """GET as the standing office with a token issued beforehand, so the call itself adds no row."""
    headers = {"Authorization": f"Bearer {issue_token(db.session, user('noivu')).token}"}
    db.session.commit()
    return lambda path: client.get(path, headers=headers)


def test_as_of_judges_as_if_today_were_that_day_and_writes_nothing(office_reads, nomination):
    before = table_counts()
    findings = office_reads(f"/api/v1/nominations/{nomination.id}/findings?as_of=2025-08-01").json
    assert table_counts() == before and nomination.findings is None
    first = findings[0]
    # The basis still picks the rule set the dossier had when it reached the district; a decision on 1 August
    # 2025 falls after the district ended (30 June 2025), so the title goes up instead.
    assert (first["rule_set"], first["judged_on"], first["decision_on"]) == ("2024-2025", "2025-06-16", "2025-08-01")
    assert (first["route"], first["simulation"], first["recorded"]) == ("forward", True, False)
    assert "chỉ có thẩm quyền đến hết ngày 30/06/2025" in first["route_reason"]


def test_as_of_answers_a_simulation_even_after_the_appraisal_is_recorded(office_reads, nomination, user):
    appraise(db.session, nomination, actor=user("noivu"), today=local_today(), basis="reached_authority")
    db.session.commit()
    stored = dict(nomination.findings)
    before = table_counts()
    simulated = office_reads(f"/api/v1/nominations/{nomination.id}/findings?as_of=2025-06-20").json
    assert all(f["simulation"] and not f["recorded"] for f in simulated)
    assert {f["decision_on"] for f in simulated} == {"2025-06-20"}
    assert table_counts() == before and nomination.findings == stored


def test_a_malformed_as_of_is_a_problem_naming_the_field(get, nomination):
    response = get("noivu", nomination.id, "?as_of=31/12/2024")
    assert response.status_code == 422
    assert "as_of" in str(response.json)


def test_an_as_of_no_rule_set_covers_is_a_problem_not_a_500(get, nomination, make_dossier, user):
    draft = make_dossier(nominees=("Trần Thị Bình",))
    response = get("canbo.pleikan", draft.nominations[0].id, "?as_of=1990-01-01")
    assert response.status_code == 422
    assert "rule_set" in str(response.json)


def test_after_the_appraisal_the_recorded_findings_are_served(get, nomination, user):
    appraise(db.session, nomination, actor=user("noivu"), today=local_today(), basis="reached_authority")
    db.session.commit()
    findings = get("truong.pleikan", nomination.id).json
    assert all(f["recorded"] for f in findings)
    assert findings[0]["evaluated_at"] == nomination.findings["evaluated_at"]
    assert [f["severity"] for f in findings] == [f["severity"] for f in nomination.findings["findings"]]


def test_other_units_get_403_unknown_nominations_404_and_anonymous_callers_401(get, nomination):
    assert get("canbo.dakxu", nomination.id).status_code == 403
    assert get("noivu", 2147483647).status_code == 404
    anonymous = get(None, nomination.id)
    assert anonymous.status_code == 401 and anonymous.content_type == "application/problem+json"


def test_the_openapi_document_describes_the_findings(client, demo):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/nominations/{nomination_id}/findings"]["get"]
    assert operation["summary"] == "Kết quả kiểm tra điều kiện"
    schema = spec["components"]["schemas"]["Finding"]
    assert set(schema["properties"]) == FIELDS
