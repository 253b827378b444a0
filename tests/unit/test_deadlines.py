from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Dossier, OutboxMessage, Unit, User, db
from models.dossier import DossierState
from workflow.core.calendar import seed_holidays, working_days_between
from workflow.dossiers.deadlines import clock_start, pause_clock, resume_clock, sweep


@pytest.fixture
def insert_dossier(demo):
    seed_holidays(db.session, 2024, 2025)
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))

    def make(state: str = DossierState.ACCEPTED, **columns) -> Dossier:
        # Test setup only: production code never writes `state` outside engine.fire.
        dossier = Dossier(
            unit_id=unit.id,
            authority_id=unit.authority_id,
            procedure="regular",
            year=2024,
            title="Đề nghị khen thưởng năm 2024",
            created_by_id=officer.id,
            state=state,
            **columns,
        )
        db.session.add(dossier)
        db.session.flush()
        return dossier

    return make


def topics() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)))


def start_clock(session, dossier: Dossier, day: date, working_days: int) -> None:
    """What acceptance writes with its state: the clock columns `clock_start` gives."""
    for column, value in clock_start(session, dossier, day, lambda: working_days).items():
        setattr(dossier, column, value)


def audit_actions(dossier: Dossier) -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).where(AuditEntry.dossier_id == dossier.id).order_by(AuditEntry.id))
    )


def test_accepting_on_5_february_2024_gives_twenty_working_days_past_tet(insert_dossier):
    dossier = insert_dossier()
    start_clock(db.session, dossier, date(2024, 2, 5), 20)
    assert dossier.due_on == date(2024, 3, 11)
    assert dossier.state == DossierState.ACCEPTED


def test_accepting_again_after_a_resubmission_keeps_the_running_clock(insert_dossier):
    dossier = insert_dossier()
    start_clock(db.session, dossier, date(2024, 2, 5), 20)
    start_clock(db.session, dossier, date(2024, 2, 20), 20)
    assert dossier.due_on == date(2024, 3, 11)


@pytest.mark.parametrize(
    ("accepted", "returned", "resubmitted", "due", "paused_days", "new_due"),
    [
        # Returned on the 5th working day, resubmitted 10 calendar days later; 7 April 2025 is Giỗ Tổ Hùng Vương.
        (date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 20), date(2025, 3, 31), 8, date(2025, 4, 11)),
        # The same across Tết 2025: the pause spans no holiday, the remaining days do.
        (date(2025, 1, 6), date(2025, 1, 13), date(2025, 1, 23), date(2025, 2, 10), 8, date(2025, 2, 20)),
    ],
)
def test_a_return_pauses_the_clock_and_resubmission_adds_exactly_the_paused_working_days(
    insert_dossier, accepted, returned, resubmitted, due, paused_days, new_due
):
    dossier = insert_dossier()
    start_clock(db.session, dossier, accepted, 20)
    assert dossier.due_on == due
    assert working_days_between(db.session, accepted, returned) == 5

    pause_clock(db.session, dossier, returned)
    assert (dossier.due_on, dossier.working_days_left, dossier.clock_paused_on) == (None, 15, returned)

    resume_clock(db.session, dossier, resubmitted)
    assert (dossier.due_on, dossier.working_days_left, dossier.clock_paused_on) == (new_due, None, None)
    assert working_days_between(db.session, returned, resubmitted) == paused_days
    assert working_days_between(db.session, due, new_due) == paused_days


def test_a_dossier_returned_after_its_due_date_gets_one_working_day_on_resubmission(insert_dossier):
    dossier = insert_dossier(due_on=date(2024, 3, 11), overdue=True)
    pause_clock(db.session, dossier, date(2024, 3, 13))
    assert dossier.working_days_left == 0
    resume_clock(db.session, dossier, date(2024, 3, 15))
    assert (dossier.due_on, dossier.overdue) == (date(2024, 3, 18), False)


def test_a_dossier_returned_before_acceptance_starts_its_clock_only_when_accepted(insert_dossier):
    dossier = insert_dossier(state=DossierState.SUBMITTED)
    pause_clock(db.session, dossier, date(2024, 2, 1))
    resume_clock(db.session, dossier, date(2024, 2, 2))
    assert (dossier.due_on, dossier.working_days_left, dossier.clock_paused_on) == (None, None, None)
    start_clock(db.session, dossier, date(2024, 2, 5), 20)
    assert dossier.due_on == date(2024, 3, 11)


def test_sweep_flags_an_overdue_dossier_once_and_escalates_it_once(insert_dossier):
    dossier = insert_dossier(due_on=date(2025, 1, 9))
    office = db.session.scalar(select(Unit).where(Unit.code == "P-NOIVU"))

    first = sweep(db.session, date(2025, 1, 10))
    assert (first.overdue, first.reminders) == (1, 0)
    assert dossier.overdue is True
    assert dossier.state == DossierState.ACCEPTED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "overdue_escalation"))
    assert (entry.dossier_id, entry.actor_id) == (dossier.id, None)
    assert entry.data == {"due_on": "2025-01-09", "standing_office_unit_id": office.id}
    message = db.session.scalar(select(OutboxMessage))
    assert message.topic == "dossier.overdue"
    assert message.payload["audiences"] == ["office_head", "office", "unit_heads"]

    second = sweep(db.session, date(2025, 1, 10))
    later = sweep(db.session, date(2025, 1, 20))
    assert (second.overdue, second.reminders, later.overdue, later.reminders) == (0, 0, 0, 0)
    assert topics() == ["dossier.overdue"]


def test_a_dossier_due_today_is_not_overdue_yet(insert_dossier):
    dossier = insert_dossier(due_on=date(2025, 1, 10))
    sweep(db.session, date(2025, 1, 10))
    assert dossier.overdue is False
    assert topics() == []


def test_sweep_reminds_once_three_working_days_before_the_due_date(insert_dossier):
    dossier = insert_dossier(due_on=date(2025, 1, 15))

    assert sweep(db.session, date(2025, 1, 9)).reminders == 0
    assert sweep(db.session, date(2025, 1, 10)).reminders == 1
    assert sweep(db.session, date(2025, 1, 10)).reminders == 0
    assert sweep(db.session, date(2025, 1, 13)).reminders == 0

    assert topics() == ["dossier.deadline_near"]
    message = db.session.scalar(select(OutboxMessage))
    assert message.payload["audiences"] == ["office", "unit_officers"]
    assert message.payload["data"] == {"due_on": "2025-01-15", "working_days_left": 3}
    assert audit_actions(dossier) == ["deadline_reminder"]


def test_a_missed_sweep_still_sends_the_reminder_the_next_day(insert_dossier):
    insert_dossier(due_on=date(2025, 1, 15))
    report = sweep(db.session, date(2025, 1, 13))
    assert report.reminders == 1
    assert db.session.scalar(select(OutboxMessage)).payload["data"]["working_days_left"] == 2


def test_the_reminder_counts_working_days_so_it_comes_before_tet(insert_dossier):
    insert_dossier(due_on=date(2025, 2, 4))
    # 23 January: 24 January, then Tết until 2 February, then 3 and 4 February.
    assert sweep(db.session, date(2025, 1, 22)).reminders == 0
    assert sweep(db.session, date(2025, 1, 23)).reminders == 1


def test_a_new_due_date_after_a_pause_gets_its_own_reminder(insert_dossier):
    dossier = insert_dossier(due_on=date(2025, 1, 15))
    sweep(db.session, date(2025, 1, 10))
    sweep(db.session, date(2025, 1, 16))
    pause_clock(db.session, dossier, date(2025, 1, 16))
    resume_clock(db.session, dossier, date(2025, 1, 17))
    assert (dossier.due_on, dossier.overdue) == (date(2025, 1, 20), False)

    assert sweep(db.session, date(2025, 1, 17)).reminders == 1
    assert topics() == ["dossier.deadline_near", "dossier.overdue", "dossier.deadline_near"]


def test_sweep_clears_the_overdue_flag_when_the_due_date_lies_ahead_again(insert_dossier):
    dossier = insert_dossier(due_on=date(2025, 1, 20), overdue=True)
    report = sweep(db.session, date(2025, 1, 10))
    assert (report.cleared, report.overdue, report.reminders) == (1, 0, 0)
    assert dossier.overdue is False
    assert topics() == []


@pytest.mark.parametrize("state", [DossierState.RETURNED, DossierState.DECIDED, DossierState.WITHDRAWN])
def test_sweep_leaves_dossiers_that_are_not_with_the_authority_alone(insert_dossier, state):
    dossier = insert_dossier(state=state, due_on=date(2025, 1, 9))
    insert_dossier(state=state, due_on=date(2025, 1, 14))
    report = sweep(db.session, date(2025, 1, 10))
    assert (report.overdue, report.reminders) == (0, 0)
    assert dossier.overdue is False
    assert topics() == []


def test_flask_deadlines_sweep_commits_and_prints_a_summary(app, insert_dossier):
    insert_dossier(due_on=date(2025, 1, 9))
    insert_dossier(due_on=date(2025, 1, 15))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep", "--today", "2025-01-10"])
    assert result.exit_code == 0, result.output
    assert "1 hồ sơ mới quá hạn, 1 nhắc hạn" in result.output
    db.session.rollback()
    assert sorted(topics()) == ["dossier.deadline_near", "dossier.overdue"]
