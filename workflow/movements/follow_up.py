"""What the movement's pages read of a year: each unit's registration and report for the standing office, and what
a unit still owes (its home card). Read-only: the steps themselves are in registrations.py and reports.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from models import Movement, MovementRegistration, Role, Unit, UnitReport, User
from models.movement import MovementState
from workflow.core.errors import PermissionDenied
from workflow.movements.registrations import movement_year, registration_of, units_of
from workflow.movements.reports import OPEN, overdue_days
from workflow.permissions import (
    can_follow_registrations,
    can_register_for_movement,
    can_review_unit_report,
    can_submit_unit_report,
)


@dataclass(frozen=True)
class UnitYear:
    """One row of the office's table: a unit, its registration and its report for the year."""

    unit: Unit
    registration: MovementRegistration | None
    report: UnitReport | None
    overdue_days: int


@dataclass(frozen=True)
class UnitTask:
    """Something a launched movement asks of the unit now: register for `year`, or send (again) its report."""

    movement: Movement
    year: int
    kind: str  # "register" or "report"
    due_on: date | None
    returned: bool = False
    overdue_days: int = 0


def default_year(movement: Movement, today: date) -> int:
    """This year, kept within the movement's period: the year a page opens on."""
    return min(max(today.year, movement.period_start.year), movement.period_end.year)


def year_overview(session: Session, movement: Movement, year: int, *, actor: User, today: date) -> list[UnitYear]:
    """Every unit of the authority that exists in the year, by name, with what it has done for the year."""
    if not can_follow_registrations(actor, movement):
        raise PermissionDenied()
    registered = {
        row.unit_id: row
        for row in session.scalars(
            select(MovementRegistration).where(
                MovementRegistration.movement_id == movement.id, MovementRegistration.year == year
            )
        )
    }
    reports = {
        row.unit_id: row
        for row in session.scalars(
            select(UnitReport).where(UnitReport.movement_id == movement.id, UnitReport.year == year)
        )
    }
    rows = []
    for unit in units_of(session, movement, year):
        report = reports.get(unit.id)
        late = overdue_days(session, report, today) if report is not None else 0
        rows.append(UnitYear(unit, registered.get(unit.id), report, late))
    return rows


def unit_reports(session: Session, movement: Movement, unit_id: int) -> list[UnitReport]:
    """The unit's reports for the movement, newest year first."""
    return list(
        session.scalars(
            select(UnitReport)
            .where(UnitReport.movement_id == movement.id, UnitReport.unit_id == unit_id)
            .order_by(UnitReport.year.desc())
        )
    )


def report_of(session: Session, movement: Movement, unit_id: int, year: int) -> UnitReport | None:
    return session.scalar(
        select(UnitReport).where(
            UnitReport.movement_id == movement.id, UnitReport.unit_id == unit_id, UnitReport.year == year
        )
    )


def unit_tasks(session: Session, user: User, today: date) -> list[UnitTask]:
    """For a unit's officer or head: each launched movement of its authority whose registration for this year is
    open (the office set a deadline not yet passed) and not yet made, and each report due or returned."""
    if user.unit is None or not user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD):
        return []
    tasks = []
    movements = session.scalars(
        select(Movement)
        .where(Movement.authority_id == user.unit.authority_id, Movement.state == MovementState.LAUNCHED)
        .order_by(Movement.period_start, Movement.id)
    )
    for movement in movements:
        if not movement.period_start.year <= today.year <= movement.period_end.year:
            continue
        year_row = movement_year(session, movement, today.year)
        if (
            year_row is not None
            and year_row.registration_due is not None
            and today <= year_row.registration_due
            and can_register_for_movement(user, movement)
            and registration_of(session, movement, user.unit_id, today.year) is None
        ):
            tasks.append(UnitTask(movement, today.year, "register", year_row.registration_due))
    reports = session.scalars(
        select(UnitReport)
        .where(UnitReport.unit_id == user.unit_id, UnitReport.state.in_(OPEN))
        .order_by(UnitReport.due_on, UnitReport.id)
    )
    for report in reports:
        tasks.append(
            UnitTask(
                report.movement, report.year, "report", report.due_on, report.state == "returned",
                overdue_days(session, report, today),
            )
        )  # fmt: skip
    return tasks


def can_read_report(user: User | None, report: UnitReport | None) -> bool:
    """The report's own unit and the office that reviews it read its document."""
    return can_submit_unit_report(user, report) or can_review_unit_report(user, report)


def can_read_registration(user: User | None, registration: MovementRegistration | None) -> bool:
    """The registering unit's officer or head and the office that follows registrations read its plan."""
    if registration is None:
        return False
    movement = object_session(registration).get(Movement, registration.movement_id)
    own = can_register_for_movement(user, movement) and user.unit_id == registration.unit_id
    return own or can_follow_registrations(user, movement)
