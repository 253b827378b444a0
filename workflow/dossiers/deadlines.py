"""A dossier's legal clock (docs/DOMAIN.md §5): N working days from the day a complete dossier is accepted, stopped
while the dossier is back with its unit. The due date is a stored column checked by `sweep`, which a daily
`flask deadlines sweep` runs (docs/DESIGN.md §3.7).

The clock functions only set the clock columns (never `state`, never commit); the dossier services call them
inside the transition's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from models import AuditEntry, Council, Dossier
from models.dossier import DossierState
from workflow.core import audit
from workflow.core.calendar import WorkingCalendar, add_working_days, working_days_between
from workflow.movements.reports import remind_due
from workflow.notify.outbox import enqueue_event

REMINDER_WORKING_DAYS = 3
OVERDUE_ACTION = "overdue_escalation"
REMINDER_ACTION = "deadline_reminder"


def clock_running() -> ColumnElement[bool]:
    """The dossier is with the deciding authority and its clock runs (DossierState.CLOCK_RUNNING, due date set)."""
    return and_(Dossier.state.in_(DossierState.CLOCK_RUNNING), Dossier.due_on.is_not(None))


def overdue_on(today: date) -> ColumnElement[bool]:
    """Past its legal due date on `today`: the one definition the sweep, the home pages and reports share."""
    return and_(clock_running(), Dossier.due_on < today)


def clock_start(session: Session, dossier: Dossier, day: date, working_days: Callable[[], int]) -> dict[str, date]:
    """The clock columns acceptance writes with its state: the due date `working_days()` working days after `day`
    (the acceptance day does not count). Nothing for a clock that already ran: re-accepting a resubmitted dossier
    continues the old count (and `working_days` is not asked)."""
    if dossier.due_on is None and dossier.working_days_left is None:
        return {"due_on": add_working_days(session, day, working_days())}
    return {}


def pause_clock(session: Session, dossier: Dossier, day: date) -> None:
    """Stop the clock on the day the dossier goes back to its unit, keeping the working days still left
    (those after `day`; 0 when the due date has passed). A dossier whose clock never started is left alone."""
    if dossier.due_on is None:
        return
    dossier.working_days_left = working_days_between(session, day, dossier.due_on)
    dossier.due_on = None
    dossier.clock_paused_on = day


def resume_clock(session: Session, dossier: Dossier, day: date) -> None:
    """Restart a paused clock on resubmission: the days left count from the day after `day`, as they did from
    acceptance. A dossier that was paused with no day left gets one, so the office can read the supplement."""
    if dossier.working_days_left is None:
        return
    dossier.due_on = add_working_days(session, day, max(dossier.working_days_left, 1))
    dossier.working_days_left = None
    dossier.clock_paused_on = None
    # The new due date lies after `day`; an escalation for the old one is history in the audit log.
    dossier.overdue = False


@dataclass
class SweepReport:
    today: date
    overdue: int = 0
    reminders: int = 0
    cleared: int = 0
    unit_report_reminders: int = 0

    def summary(self) -> str:
        return (
            f"Rà soát hạn xử lý ngày {self.today:%d/%m/%Y}: {self.overdue} hồ sơ mới quá hạn, "
            f"{self.reminders} nhắc hạn, {self.cleared} hồ sơ không còn quá hạn."
        )


def sweep(session: Session, today: date) -> SweepReport:
    """Flag newly overdue dossiers and escalate them, remind the ones due within three working days, and unflag
    those whose due date moved into the future. Running it twice on one day changes nothing the second time.
    Flushes, never commits."""
    report = SweepReport(today)
    running = (clock_running(),)

    late = list(session.scalars(select(Dossier).where(overdue_on(today), Dossier.overdue.is_(False))))
    offices = _standing_offices(session, {dossier.authority_id for dossier in late}, today)
    for dossier in late:
        dossier.overdue = True
        entry = _append(
            session,
            dossier,
            OVERDUE_ACTION,
            {"due_on": dossier.due_on.isoformat(), "standing_office_unit_id": offices.get(dossier.authority_id)},
        )
        enqueue_event(session, topic="dossier.overdue", entry=entry, audiences=["office_head", "office", "unit_heads"])
        report.overdue += 1

    for dossier in session.scalars(select(Dossier).where(*running, Dossier.due_on >= today, Dossier.overdue.is_(True))):
        dossier.overdue = False
        report.cleared += 1

    # Due within 1..3 working days of today, turned into a date window so the query does the filtering.
    window_end = add_working_days(session, today, REMINDER_WORKING_DAYS + 1)
    calendar = WorkingCalendar.load(session, today, window_end)
    window_start = calendar.add_working_days(today, 1)
    near = list(
        session.scalars(select(Dossier).where(*running, Dossier.due_on >= window_start, Dossier.due_on < window_end))
    )
    reminded = _reminded_due_dates(session, [dossier.id for dossier in near])
    for dossier in near:
        due_on = dossier.due_on.isoformat()
        if due_on in reminded[dossier.id]:
            continue
        days_left = calendar.working_days_between(today, dossier.due_on)
        entry = _append(session, dossier, REMINDER_ACTION, {"due_on": due_on, "working_days_left": days_left})
        enqueue_event(session, topic="dossier.deadline_near", entry=entry, audiences=["office", "unit_officers"])
        report.reminders += 1

    report.unit_report_reminders = remind_due(session, today)
    session.flush()
    return report


def _append(session: Session, dossier: Dossier, action: str, data: dict) -> AuditEntry:
    return audit.append(
        session,
        entity_type="dossier",
        entity_id=dossier.id,
        dossier_id=dossier.id,
        action=action,
        actor_id=None,
        data=data,
    )


def _reminded_due_dates(session: Session, dossier_ids: list[int]) -> dict[int, set[str]]:
    """For each dossier, the due dates a reminder was already sent for (one query for all of them)."""
    reminded: dict[int, set[str]] = defaultdict(set)
    if dossier_ids:
        rows = session.execute(
            select(AuditEntry.dossier_id, AuditEntry.data).where(
                AuditEntry.action == REMINDER_ACTION, AuditEntry.dossier_id.in_(dossier_ids)
            )
        )
        for dossier_id, data in rows:
            reminded[dossier_id].add(data.get("due_on"))
    return reminded


def _standing_offices(session: Session, authority_ids: set[int], today: date) -> dict[int, int]:
    """Each authority's standing office as of today (its latest council term begun by then), which the
    escalation names so the audit log records whom it went to."""
    if not authority_ids:
        return {}
    rows = session.execute(
        select(Council.authority_id, Council.standing_office_unit_id)
        .where(Council.authority_id.in_(authority_ids), Council.term_start <= today)
        .order_by(Council.term_start)
    )
    return {authority_id: unit_id for authority_id, unit_id in rows}
