"""The office's appraisal through the services: the verdict is stored with the rule set it used, the nomination
moves through `fire` (one audit entry per transition), warnings wait for a written override, blocks cannot be
overridden, and the rule-set basis decides which law judges."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from models import AuditEntry, EligibilityOverride, Movement, Nomination, NomineeYear, RuleSet, db
from tests.conftest import upload_missing
from tests.workflow_helpers import audit_and_outbox_counts, count
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject
from workflow.core.today import LOCAL_TZ
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps
from workflow.dossiers.appraisal import appraise, evaluate, override_warning, schedulable
from workflow.rules.rulesets import rule_set_in_force

TODAY = date(2024, 3, 15)


def reached_authority_on(dossier, day: date) -> None:
    """Test setup: the services stamp the real day a dossier reaches the authority; tests need a chosen one."""
    dossier.submitted_at = datetime.combine(day, time(9), tzinfo=LOCAL_TZ)
    dossier.rule_set = rule_set_in_force(db.session, day)


@pytest.fixture
def submitted(make_dossier, user):
    """A 2023 LĐTT dossier of Plei Kần that reached UBND huyện Ngọc Hồi on 1 March 2024 (rule set 2024-2025)."""

    def make(nominees=("Nguyễn Văn An",), **facts):
        dossier = make_dossier(nominees=nominees, year=2023)
        for record in db.session.scalars(select(NomineeYear)):
            for key, value in facts.items():
                setattr(record, key, value)
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        reached_authority_on(dossier, date(2024, 3, 1))
        db.session.commit()
        return dossier

    return make


def _appraise(nomination, user, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("basis", "reached_authority")
    return appraise(db.session, nomination, actor=user("noivu"), **kwargs)


def _override(nomination, user, rule: str, reason: str):
    return override_warning(
        db.session, nomination, rule=rule, reason=reason, actor=user("noivu"), today=TODAY, basis="reached_authority"
    )


def _last_actions(n: int) -> list[str]:
    return list(reversed(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(n)).all()))


def test_office_finds_a_nomination_meeting_every_rule_eligible_with_one_audit_entry(submitted, user):
    nomination = submitted().nominations[0]
    before = audit_and_outbox_counts()
    verdict = _appraise(nomination, user)
    db.session.commit()
    assert nomination.state == "eligible" and schedulable(nomination)
    assert audit_and_outbox_counts() == (before[0] + 1, before[1] + 1)
    assert _last_actions(1) == ["find_eligible"]
    stored = nomination.findings
    assert stored["rule_set"]["code"] == "2024-2025" and stored["rule_set"]["revision"] == 1
    assert stored["rule_set"]["basis"] == "reached_authority" and stored["rule_set"]["judged_on"] == "2024-03-01"
    assert stored["route"] == "decide" and stored["outcome"] == "eligible"
    assert [f["rule"] for f in stored["findings"]] == ["E1", "E2", "E10", "E11", "E13"]
    assert all(f["severity"] == "pass" and f["source"] for f in stored["findings"])
    assert verdict.outcome == "eligible"


def test_a_block_makes_the_nomination_ineligible_with_its_reasons(submitted, user):
    nomination = submitted(months_of_service=3).nominations[0]
    _appraise(nomination, user)
    db.session.commit()
    assert nomination.state == "ineligible" and nomination.outcome_reason == "criteria_not_met"
    assert not schedulable(nomination)
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.action == "find_ineligible" and entry.data["reason"] == "criteria_not_met"
    assert entry.data["rule_set"] == "2024-2025"
    assert entry.data["findings"] == [
        "E2: Thời gian công tác năm 2023: 3 tháng (tính cả thời gian điều trị thương tích được xác nhận và đi học "
        "được cử); cần từ 6 tháng để xét LĐTT 2023"
    ]


def test_a_warning_waits_for_a_written_override_which_makes_the_nomination_eligible(submitted, user):
    nomination = submitted(annual_rating=None).nominations[0]
    before_audit, _ = audit_and_outbox_counts()
    waiting = _appraise(nomination, user)
    db.session.commit()
    assert nomination.state == "proposed" and waiting.outcome == "pending"
    assert nomination.findings["outcome"] == "pending"
    assert _last_actions(1) == ["eligibility_appraised"] and count(AuditEntry) == before_audit + 1

    reason = "Đã đối chiếu bản nhận xét cuối năm: xếp loại hoàn thành tốt nhiệm vụ."
    verdict = _override(nomination, user, "E1", reason)
    db.session.commit()
    assert nomination.state == "eligible" and verdict.outcome == "eligible"
    assert _last_actions(2) == ["eligibility_override", "find_eligible"]
    override_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "eligibility_override"))
    assert override_entry.data["rule"] == "E1" and override_entry.data["reason"] == reason
    e1 = next(f for f in nomination.findings["findings"] if f["rule"] == "E1")
    assert (e1["severity"], e1["overridden"], e1["override_reason"]) == ("warn", True, reason)
    row = db.session.scalar(select(EligibilityOverride))
    assert (row.rule, row.rule_set_code, row.actor.username) == ("E1", "2024-2025", "noivu")
    assert row.warning.startswith("Xếp loại năm 2023: chưa có dữ liệu")


def test_an_override_without_a_written_reason_is_refused_and_writes_nothing(submitted, user):
    nomination = submitted(annual_rating=None).nominations[0]
    before = audit_and_outbox_counts()
    with pytest.raises(InvalidInput) as refused:
        _override(nomination, user, "E1", "   ")
    assert refused.value.errors == {"reason": ["Vui lòng ghi rõ lý do chấp nhận cảnh báo."]}
    db.session.rollback()
    assert count(EligibilityOverride) == 0 and audit_and_outbox_counts() == before
    assert nomination.state == "proposed"


def test_a_block_can_never_be_overridden(submitted, user):
    nomination = submitted(months_of_service=3).nominations[0]
    with pytest.raises(InvalidInput) as refused:
        _override(nomination, user, "E2", "Đơn vị xin xét đặc cách.")
    assert refused.value.errors == {"rule": ["Điều kiện E2 không đạt: không thể chấp nhận ngoại lệ."]}
    db.session.rollback()
    assert count(EligibilityOverride) == 0


def test_only_a_current_warning_can_be_overridden(submitted, user):
    nomination = submitted().nominations[0]
    with pytest.raises(InvalidInput) as refused:
        _override(nomination, user, "E11", "Không trùng.")
    assert refused.value.errors == {"rule": ["Điều kiện E11 không có cảnh báo nào để chấp nhận."]}


def test_reappraising_a_decided_nomination_needs_a_comment_and_goes_through_reappraise(submitted, user):
    nomination = submitted().nominations[0]
    _appraise(nomination, user)
    db.session.commit()
    with pytest.raises(GuardFailed):
        _appraise(nomination, user)
    db.session.rollback()
    assert nomination.state == "eligible"
    before, _ = audit_and_outbox_counts()
    record = db.session.scalar(select(NomineeYear))
    record.months_of_service = 2
    _appraise(nomination, user, comment="Đơn vị báo lại số tháng công tác.")
    db.session.commit()
    assert nomination.state == "ineligible"
    assert count(AuditEntry) == before + 2 and _last_actions(2) == ["reappraise", "find_ineligible"]


def test_only_the_office_of_the_deciding_authority_may_appraise(submitted, user):
    nomination = submitted().nominations[0]
    for username in ("canbo.pleikan", "truong.pleikan", "chutich", "thuky"):
        with pytest.raises(PermissionDenied):
            appraise(db.session, nomination, actor=user(username), today=TODAY, basis="reached_authority")
    assert nomination.state == "proposed"


def test_a_dossier_still_with_its_unit_cannot_be_appraised(make_dossier, user):
    nomination = make_dossier().nominations[0]
    with pytest.raises(GuardFailed) as refused:
        _appraise(nomination, user)
    assert refused.value.failures == ["Chỉ thẩm định khi hồ sơ đã đến Phòng Nội vụ (đã nộp hoặc đã tiếp nhận)."]


def test_a_stale_version_is_refused(submitted, user):
    nomination = submitted().nominations[0]
    with pytest.raises(StaleObject):
        _appraise(nomination, user, version=nomination.version - 1)


def test_evaluating_writes_nothing(submitted, user):
    nomination = submitted(months_of_service=3).nominations[0]
    before = audit_and_outbox_counts()
    verdict = evaluate(db.session, nomination, today=TODAY, basis="reached_authority")
    assert verdict.outcome == "ineligible"
    assert nomination.findings is None and nomination.state == "proposed"
    assert audit_and_outbox_counts() == before and not db.session.dirty


# --- which rule set judges -----------------------------------------------------------------------------------


def _filed(user, officer: str, head: str, name: str, reached: date) -> Nomination:
    """A 2023 LĐTT dossier with eight months of service that reached the authority on `reached`."""
    actor = user(officer)
    dossier = service.create_dossier(
        db.session, actor=actor, procedure="regular", year=2023, title="Đề nghị công nhận Lao động tiên tiến năm 2023"
    )
    service.add_nomination(
        db.session,
        dossier,
        actor=actor,
        data=service.NomineeInput(
            kind="person",
            full_name=name,
            title_code="LDTT",
            date_of_birth=date(1985, 3, 1),
            annual_rating="good",
            months_of_service=8,
        ),
    )
    upload_missing(dossier, actor)
    steps.submit_to_head(db.session, dossier, actor=actor)
    steps.approve_submission(db.session, dossier, actor=user(head), sign_off=True)
    reached_authority_on(dossier, reached)
    db.session.commit()
    return dossier.nominations[0]


def test_the_same_facts_filed_in_december_2023_and_january_2024_get_their_own_rule_sets_verdicts(demo, user):
    december = _filed(user, "canbo.pleikan", "truong.pleikan", "Nguyễn Văn An", date(2023, 12, 20))
    january = _filed(user, "canbo.dakxu", "truong.dakxu", "A Thương", date(2024, 1, 8))
    for nomination in (december, january):
        _appraise(nomination, user, today=date(2024, 1, 22))
    db.session.commit()
    assert (december.state, december.findings["rule_set"]["code"]) == ("ineligible", "2018-2023")
    assert (january.state, january.findings["rule_set"]["code"]) == ("eligible", "2024-2025")
    e2 = {
        n.findings["rule_set"]["code"]: next(f for f in n.findings["findings"] if f["rule"] == "E2")
        for n in (december, january)
    }
    assert e2["2018-2023"]["severity"] == "block" and "cần từ 10 tháng" in e2["2018-2023"]["message"]
    assert e2["2024-2025"]["severity"] == "pass" and "cần từ 6 tháng" in e2["2024-2025"]["message"]


def test_the_basis_setting_chooses_the_day_that_picks_the_rule_set(submitted):
    nomination = submitted().nominations[0]

    def code(basis: str, today: date = date(2025, 8, 1)) -> str:
        return evaluate(db.session, nomination, today=today, basis=basis).rule_set["code"]

    assert code("reached_authority") == "2024-2025"  # reached on 1 March 2024
    assert code("review") == "2025-07"  # appraised in August 2025
    assert code("achievement_year") == "2018-2023"  # 31 December 2023
    with pytest.raises(InvalidInput):
        code("filing")


def test_a_movement_pinned_rule_set_wins_over_every_basis(submitted):
    dossier = submitted()
    pinned = db.session.scalar(select(RuleSet).where(RuleSet.code == "2018-2023"))
    movement = db.session.scalar(select(Movement))
    movement.pinned_rule_set = pinned
    dossier.movement = movement
    for basis in ("reached_authority", "review", "achievement_year"):
        judged = evaluate(db.session, dossier.nominations[0], today=date(2025, 8, 1), basis=basis)
        assert judged.rule_set["code"] == "2018-2023" and judged.rule_set["pinned"] is True


def test_an_override_given_under_one_rule_set_does_not_carry_to_another(submitted, user):
    nomination = submitted(annual_rating=None).nominations[0]
    _override(nomination, user, "E1", "Đã đối chiếu bản nhận xét.")
    db.session.commit()
    under_other_law = evaluate(db.session, nomination, today=TODAY, basis="achievement_year")
    e1 = next(f for f in under_other_law.findings if f.rule == "E1")
    assert under_other_law.rule_set["code"] == "2018-2023" and e1.severity == "warn" and not e1.overridden
