"""The "with whom" board: who holds each running dossier now, since when, and how it stands against its legal time
limit, most urgent first (docs/DESIGN.md §2.1 for the states, §3.7 for the clock).

Who holds a dossier follows from the transitions its state allows (workflow/definitions/dossier.py):
- `draft`, `returned`: the unit's officer (edits, uploads, submits or resubmits);
- `awaiting_head`: the unit's head (signs and submits, or sends back);
- `submitted`, `accepted`: the standing office (accepts or returns, appraises, schedules);
- `in_council`: the council (its poll results close the review);
- `awaiting_decision`: the chairman (signs the decision);
- `decided`: the standing office again (some nominations still to send up to the province before closing);
- `forwarded`: the higher authority (the province answers).
The final states (`closed`, `withdrawn`, `rejected`) have no holder and are not on the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import Session, selectinload

from models import AuditEntry, Authority, Council, Dossier
from models.dossier import DossierState
from workflow.core.calendar import WorkingCalendar
from workflow.core.messages import msg
from workflow.core.today import local_day
from workflow.dossiers.deadlines import REMINDER_WORKING_DAYS

UNIT_OFFICER, UNIT_HEAD, OFFICE, COUNCIL, CHAIRMAN, PROVINCE = (
    "unit_officer",
    "unit_head",
    "office",
    "council",
    "chairman",
    "province",
)
HOLDER_STATES: dict[str, tuple[str, ...]] = {
    UNIT_OFFICER: (DossierState.DRAFT, DossierState.RETURNED),
    UNIT_HEAD: (DossierState.AWAITING_HEAD,),
    OFFICE: (DossierState.SUBMITTED, DossierState.ACCEPTED, DossierState.DECIDED),
    COUNCIL: (DossierState.IN_COUNCIL,),
    CHAIRMAN: (DossierState.AWAITING_DECISION,),
    PROVINCE: (DossierState.FORWARDED,),
}
HOLDERS = tuple(HOLDER_STATES)
HOLDER_LABELS = {
    UNIT_OFFICER: msg("Cán bộ thi đua đơn vị"),
    UNIT_HEAD: msg("Thủ trưởng đơn vị"),
    OFFICE: msg("Phòng Nội vụ"),
    COUNCIL: msg("Hội đồng Thi đua – Khen thưởng"),
    CHAIRMAN: msg("Chủ tịch UBND"),
    PROVINCE: msg("Cấp trên (tỉnh)"),
}
HOLDER_OF = {state: holder for holder, states in HOLDER_STATES.items() for state in states}
# Due soon: within the reminder window of the daily sweep (workflow/dossiers/deadlines.py).
DUE_SOON_WORKING_DAYS = REMINDER_WORKING_DAYS


def held_by(holder: str) -> ColumnElement[bool]:
    """The dossiers this holder has in hand (an unknown holder matches none)."""
    states = HOLDER_STATES.get(holder)
    return Dossier.state.in_(states) if states else false()


@dataclass(frozen=True)
class HolderRow:
    """One running dossier on the board."""

    dossier_id: int
    code: str
    title: str
    unit_id: int
    unit_name: str
    state: str
    holder: str
    # Who that is by name: the unit, the standing office, the council, the authority (chairman) or the province.
    holder_name: str
    since: date
    working_days_waiting: int
    due_on: date | None
    # Working days to the due date (negative: late by that many); while paused, the days kept for the resumption.
    days_left: int | None
    clock_paused: bool
    overdue: bool
    due_soon: bool

    @property
    def urgency(self) -> tuple:
        """Late first (the latest first), then due soon, then the rest by days left; longest waiting first."""
        running = self.days_left is not None and not self.clock_paused
        return (not running, self.days_left if running else 0, -self.working_days_waiting, self.dossier_id)


def holders_board(
    session: Session, conditions: list[ColumnElement[bool]], today: date, *, limit: int | None = None
) -> list[HolderRow]:
    """Every running dossier matching `conditions` (the caller's scope and filters), most urgent first.
    Four statements: the dossiers with their units and authorities, when each entered its state, the councils,
    and the working-day calendar."""
    dossiers = list(
        session.scalars(
            select(Dossier)
            .options(selectinload(Dossier.unit), selectinload(Dossier.authority).selectinload(Authority.parent))
            .where(Dossier.state.in_(HOLDER_OF), *conditions)
        )
    )
    if not dossiers:
        return []
    # The same conditions again rather than a list of ids: a province's running dossiers would pass PostgreSQL's
    # 65,535 parameters.
    entered = dict(
        session.execute(
            select(AuditEntry.entity_id, func.max(AuditEntry.occurred_at))
            .join(Dossier, and_(Dossier.id == AuditEntry.entity_id, Dossier.state == AuditEntry.to_state))
            .where(AuditEntry.entity_type == "dossier", Dossier.state.in_(HOLDER_OF), *conditions)
            .group_by(AuditEntry.entity_id)
        ).all()
    )
    councils = _council_names(session, {dossier.authority_id for dossier in dossiers}, today)
    since = {d.id: local_day(entered.get(d.id) or d.created_at) for d in dossiers}
    days = [*since.values(), *(d.due_on for d in dossiers if d.due_on), today]
    calendar = WorkingCalendar.load(session, min(days) - timedelta(days=1), max(days) + timedelta(days=1))
    rows = [_row(dossier, since[dossier.id], today, calendar, councils) for dossier in dossiers]
    rows.sort(key=lambda row: row.urgency)
    return rows[:limit] if limit is not None else rows


def _council_names(session: Session, authority_ids: set[int], today: date) -> dict[int, tuple[str, str]]:
    """{authority: (standing office's name, council's name)} for the council in its term today (else the latest)."""
    names: dict[int, tuple[str, str]] = {}
    councils = session.scalars(
        select(Council)
        .options(selectinload(Council.standing_office))
        .where(Council.authority_id.in_(authority_ids))
        .order_by(Council.term_start)
    )
    for council in councils:
        if council.term_start <= today or council.authority_id not in names:
            names[council.authority_id] = (council.standing_office.name, council.name)
    return names


def _holder_name(dossier: Dossier, holder: str, councils: dict[int, tuple[str, str]]) -> str:
    office, council = councils.get(dossier.authority_id, ("", ""))
    authority = dossier.authority
    return {
        UNIT_OFFICER: dossier.unit.name,
        UNIT_HEAD: dossier.unit.name,
        OFFICE: office,
        COUNCIL: council,
        CHAIRMAN: authority.short_name,
        PROVINCE: authority.parent.name if authority.parent else "",
    }[holder]


def _row(dossier: Dossier, since: date, today: date, calendar: WorkingCalendar, councils) -> HolderRow:
    holder = HOLDER_OF[dossier.state]
    paused = dossier.due_on is None and dossier.working_days_left is not None
    if dossier.due_on is None:
        days_left = dossier.working_days_left
    elif dossier.due_on >= today:
        days_left = calendar.working_days_between(today, dossier.due_on)
    else:
        days_left = -calendar.working_days_between(dossier.due_on, today)
    clock = dossier.state in DossierState.CLOCK_RUNNING and dossier.due_on is not None
    overdue = clock and dossier.due_on < today
    return HolderRow(
        dossier_id=dossier.id,
        code=dossier.code,
        title=dossier.title,
        unit_id=dossier.unit_id,
        unit_name=dossier.unit.name,
        state=dossier.state,
        holder=holder,
        holder_name=_holder_name(dossier, holder, councils),
        since=since,
        working_days_waiting=calendar.working_days_between(since, today),
        due_on=dossier.due_on,
        days_left=days_left if clock or paused else None,
        clock_paused=paused,
        overdue=overdue,
        due_soon=clock and not overdue and days_left <= DUE_SOON_WORKING_DAYS,
    )
