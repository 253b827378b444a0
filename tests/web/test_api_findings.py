"""GET /api/v1/nominations/{id}/findings: the findings with their severity, message, legal source and rule set,
for whoever may view the dossier; the office's recorded appraisal once there is one, a fresh check before."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, NomineeYear, db
from tests.workflow_helpers import count
from workflow.accounts.tokens import issue_token
from workflow.core.today import local_today
from workflow.dossiers import transitions as steps
from workflow.dossiers.appraisal import appraise

FIELDS = {
    "rule", "severity", "message", "source", "overridden", "override_reason", "rule_set", "rule_set_revision",
    "evaluated_at", "recorded",
}  # fmt: skip


@pytest.fixture
def get(client, user):
    def call(username: str | None, nomination_id: int):
        headers = {}
        if username:
            headers["Authorization"] = f"Bearer {issue_token(db.session, user(username)).token}"
            db.session.commit()
        return client.get(f"/api/v1/nominations/{nomination_id}/findings", headers=headers)

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
