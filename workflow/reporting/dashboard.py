"""The secretary's dashboard: counts by state, outcomes, time spent at each stage (read from the audit log), a
per-unit pipeline and this year against last year, for the dossiers the actor may follow and the filters chosen.

Each figure is one grouped query over the filtered dossiers (no query per dossier); the stage times read the
dossiers' transitions in one query and count working days on one loaded calendar."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from models import AuditEntry, Dossier, Movement, Nomination, ProcedureRule, Role, Unit, User
from models.catalogue import PROCEDURES
from models.dossier import DossierState, NominationState
from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.core.today import local_day
from workflow.dossiers.deadlines import overdue_on
from workflow.reporting.holders import HolderRow, holders_board

# The outcomes a nomination ends with, in the order the charts show them.
OUTCOMES = (
    NominationState.AWARDED,
    NominationState.AWARDED_BY_HIGHER,
    NominationState.NOT_APPROVED,
    NominationState.INELIGIBLE,
    NominationState.DECLINED_BY_HIGHER,
    NominationState.WITHDRAWN,
    NominationState.REVOKED,
)
# The stages a dossier spends time in before its outcome, in the order it passes them.
STAGES = (
    DossierState.DRAFT,
    DossierState.AWAITING_HEAD,
    DossierState.SUBMITTED,
    DossierState.RETURNED,
    DossierState.ACCEPTED,
    DossierState.IN_COUNCIL,
    DossierState.AWAITING_DECISION,
)
# The stages the legal clock counts (from acceptance to the decision: docs/DOMAIN.md §5).
CLOCK_STAGES = (DossierState.ACCEPTED, DossierState.IN_COUNCIL, DossierState.AWAITING_DECISION)
RETURN_TRIGGER = "return_for_supplement"


@dataclass(frozen=True)
class Filters:
    """What the dashboard and the board are narrowed to; an unknown procedure is refused (InvalidInput)."""

    year: int | None = None
    movement_id: int | None = None
    unit_id: int | None = None
    procedure: str | None = None

    def __post_init__(self):
        if self.procedure is not None and self.procedure not in PROCEDURES:
            raise InvalidInput({"procedure": [msg("Thủ tục không hợp lệ.")]})

    def conditions(self) -> list[ColumnElement[bool]]:
        found = []
        if self.year is not None:
            found.append(Dossier.year == self.year)
        if self.movement_id is not None:
            found.append(Dossier.movement_id == self.movement_id)
        if self.unit_id is not None:
            found.append(Dossier.unit_id == self.unit_id)
        if self.procedure is not None:
            found.append(Dossier.procedure == self.procedure)
        return found


def scope(actor: User) -> list[ColumnElement[bool]]:
    """The dossiers the actor follows: the administrator every authority's, the secretary and the office their
    own authority's, anyone else none."""
    if actor.has_role(Role.ADMIN):
        return []
    if actor.unit is not None and actor.has_role(Role.SECRETARY, Role.OFFICE):
        return [Dossier.authority_id == actor.unit.authority_id]
    return [false()]


@dataclass(frozen=True)
class Options:
    """What the filter form offers within the actor's scope."""

    years: list[int]
    movements: list[tuple[int, str]]
    units: list[tuple[int, str]]


def filter_options(session: Session, actor: User) -> Options:
    within = scope(actor)
    authority = [Unit.authority_id == actor.unit.authority_id] if within and actor.unit is not None else []
    if within and not authority:
        return Options([], [], [])
    years = list(session.scalars(select(Dossier.year).where(*within).distinct().order_by(Dossier.year.desc())))
    movements = session.execute(
        select(Movement.id, Movement.name)
        .where(*([Movement.authority_id == actor.unit.authority_id] if authority else []))
        .order_by(Movement.period_start.desc(), Movement.id)
    ).all()
    units = session.execute(select(Unit.id, Unit.name).where(*authority).order_by(Unit.name)).all()
    return Options(years, [tuple(row) for row in movements], [tuple(row) for row in units])


@dataclass(frozen=True)
class StageTime:
    """Average working days dossiers stayed at a stage (stays that ended), and how many stays that averages."""

    state: str
    average: float | None
    stays: int


@dataclass(frozen=True)
class MonthTime:
    """For the stays that ended in a month: average working days per clock stage, their sum (the time the
    authority took), and the average legal limit of those dossiers."""

    month: str
    stages: dict[str, float | None]
    total: float
    legal_limit: float | None


@dataclass
class UnitPipeline:
    unit_id: int
    unit_name: str
    dossiers: dict[str, int] = field(default_factory=dict)
    nominations: dict[str, int] = field(default_factory=dict)
    returns: int = 0
    stage_days: dict[str, float | None] = field(default_factory=dict)

    @property
    def dossier_total(self) -> int:
        return sum(self.dossiers.values())

    @property
    def nomination_total(self) -> int:
        return sum(self.nominations.values())


@dataclass(frozen=True)
class YearRow:
    key: str
    this_year: int
    last_year: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    filters: Filters
    by_state: dict[str, int]
    overdue: int
    due_soon: int
    running: int
    nominations_by_title: list[tuple[str, int, int]]
    outcomes: dict[str, int]
    stage_times: list[StageTime]
    months: list[MonthTime]
    pipeline: list[UnitPipeline]
    year: int
    compare: list[YearRow]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def outcome_total(self) -> int:
        return sum(self.outcomes.values())

    def outcome_share(self, state: str) -> float:
        """The outcome's share of every outcome, in per cent (0 when there is none yet)."""
        return round(100 * self.outcomes.get(state, 0) / self.outcome_total, 1) if self.outcome_total else 0.0


def dashboard(session: Session, actor: User, filters: Filters, today: date) -> Dashboard:
    where = [*scope(actor), *filters.conditions()]
    counted = dict(session.execute(select(Dossier.state, func.count()).where(*where).group_by(Dossier.state)).all())
    board = holders_board(session, where, today)
    by_title = session.execute(
        select(Nomination.title_code, Nomination.year, func.count())
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(*where)
        .group_by(Nomination.title_code, Nomination.year)
        .order_by(Nomination.year, Nomination.title_code)
    ).all()
    outcomes = dict(
        session.execute(
            select(Nomination.state, func.count())
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .where(*where, Nomination.state.in_(OUTCOMES))
            .group_by(Nomination.state)
        ).all()
    )
    stays = _stays(session, where, today)
    year = filters.year or today.year
    return Dashboard(
        today=today,
        filters=filters,
        by_state={state: counted.get(state, 0) for state in DossierState.ALL},
        overdue=session.scalar(select(func.count()).select_from(Dossier).where(*where, overdue_on(today))),
        due_soon=sum(row.due_soon for row in board),
        running=len(board),
        nominations_by_title=[tuple(row) for row in by_title],
        outcomes={state: outcomes.get(state, 0) for state in OUTCOMES},
        stage_times=_stage_times(stays),
        months=_months(session, where, stays),
        pipeline=_pipeline(session, where, stays),
        year=year,
        compare=_compare(session, [*scope(actor), *_without_year(filters).conditions()], year),
    )


def holders(
    session: Session, actor: User, filters: Filters, today: date, *, limit: int | None = None
) -> list[HolderRow]:
    """The board for the actor's scope and the filters."""
    return holders_board(session, [*scope(actor), *filters.conditions()], today, limit=limit)


@dataclass(frozen=True)
class _Stay:
    dossier_id: int
    unit_id: int
    state: str
    ended: date
    working_days: int


def _stays(session: Session, where: list, today: date) -> list[_Stay]:
    """Every finished stay of the filtered dossiers at a stage: from the transition into it to the next one."""
    rows = session.execute(
        select(AuditEntry.entity_id, Dossier.unit_id, AuditEntry.to_state, AuditEntry.occurred_at)
        .join(Dossier, Dossier.id == AuditEntry.entity_id)
        .where(AuditEntry.entity_type == "dossier", AuditEntry.to_state.is_not(None), *where)
        .order_by(AuditEntry.entity_id, AuditEntry.occurred_at, AuditEntry.id)
    ).all()
    if not rows:
        return []
    days = [local_day(at) for *_, at in rows]
    calendar = WorkingCalendar.load(session, min(days) - timedelta(days=1), max(max(days), today))
    stays = []
    for (dossier_id, unit_id, state, _), (next_id, *_), start, end in zip(rows, rows[1:], days, days[1:], strict=False):
        if dossier_id == next_id and state in STAGES:
            stays.append(_Stay(dossier_id, unit_id, state, end, calendar.working_days_between(start, end)))
    return stays


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _stage_times(stays: list[_Stay]) -> list[StageTime]:
    by_state = defaultdict(list)
    for stay in stays:
        by_state[stay.state].append(stay.working_days)
    return [StageTime(state, _average(by_state[state]), len(by_state[state])) for state in STAGES]


def _months(session: Session, where: list, stays: list[_Stay]) -> list[MonthTime]:
    clocked = [stay for stay in stays if stay.state in CLOCK_STAGES]
    # The limits of the filtered dossiers (the stays' own among them), chosen by the same conditions: a list of
    # their ids would pass PostgreSQL's 65,535 parameters at a province's scale.
    limits = (
        dict(
            session.execute(
                select(Dossier.id, ProcedureRule.time_limit_working_days)
                .join(
                    ProcedureRule,
                    (ProcedureRule.rule_set_id == Dossier.rule_set_id) & (ProcedureRule.procedure == Dossier.procedure),
                )
                .where(*where)
            ).all()
        )
        if clocked
        else {}
    )
    by_month: dict[str, list[_Stay]] = defaultdict(list)
    for stay in clocked:
        by_month[f"{stay.ended:%Y-%m}"].append(stay)
    months = []
    for month in sorted(by_month):
        ended = by_month[month]
        stages = {s: _average([x.working_days for x in ended if x.state == s]) for s in CLOCK_STAGES}
        dossier_limits = [limits[d] for d in {x.dossier_id for x in ended} if d in limits]
        months.append(
            MonthTime(month, stages, round(sum(v or 0 for v in stages.values()), 1), _average(dossier_limits))
        )
    return months


def _pipeline(session: Session, where: list, stays: list[_Stay]) -> list[UnitPipeline]:
    units: dict[int, UnitPipeline] = {}

    def unit(unit_id: int, name: str) -> UnitPipeline:
        return units.setdefault(unit_id, UnitPipeline(unit_id, name))

    for unit_id, name, state, count in session.execute(
        select(Dossier.unit_id, Unit.name, Dossier.state, func.count())
        .join(Unit, Unit.id == Dossier.unit_id)
        .where(*where)
        .group_by(Dossier.unit_id, Unit.name, Dossier.state)
    ):
        unit(unit_id, name).dossiers[state] = count
    for unit_id, state, count in session.execute(
        select(Dossier.unit_id, Nomination.state, func.count())
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(*where)
        .group_by(Dossier.unit_id, Nomination.state)
    ):
        units[unit_id].nominations[state] = count
    for unit_id, count in session.execute(
        select(Dossier.unit_id, func.count())
        .select_from(AuditEntry)
        .join(Dossier, Dossier.id == AuditEntry.entity_id)
        .where(AuditEntry.entity_type == "dossier", AuditEntry.action == RETURN_TRIGGER, *where)
        .group_by(Dossier.unit_id)
    ):
        units[unit_id].returns = count
    per_unit = defaultdict(lambda: defaultdict(list))
    for stay in stays:
        per_unit[stay.unit_id][stay.state].append(stay.working_days)
    for unit_id, row in units.items():
        row.stage_days = {state: _average(per_unit[unit_id][state]) for state in STAGES}
    return sorted(units.values(), key=lambda row: row.unit_name)


def _without_year(filters: Filters) -> Filters:
    return Filters(movement_id=filters.movement_id, unit_id=filters.unit_id, procedure=filters.procedure)


def _compare(session: Session, where: list, year: int) -> list[YearRow]:
    """Dossiers, nominations, returns and outcomes of the achievement year against the year before."""
    years = (year, year - 1)
    dossiers = dict(
        session.execute(
            select(Dossier.year, func.count()).where(*where, Dossier.year.in_(years)).group_by(Dossier.year)
        ).all()
    )
    nominations = defaultdict(dict)
    for state, row_year, count in session.execute(
        select(Nomination.state, Dossier.year, func.count())
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(*where, Dossier.year.in_(years))
        .group_by(Nomination.state, Dossier.year)
    ):
        nominations[row_year][state] = count
    returned = dict(
        session.execute(
            select(Dossier.year, func.count(func.distinct(Dossier.id)))
            .join(AuditEntry, Dossier.id == AuditEntry.entity_id)
            .where(*where, AuditEntry.entity_type == "dossier", AuditEntry.action == RETURN_TRIGGER)
            .where(Dossier.year.in_(years))
            .group_by(Dossier.year)
        ).all()
    )

    def row(key: str, value) -> YearRow:
        return YearRow(key, value(year), value(year - 1))

    return [
        row("dossiers", lambda y: dossiers.get(y, 0)),
        row("nominations", lambda y: sum(nominations[y].values())),
        row("returned", lambda y: returned.get(y, 0)),
        *(row(state, lambda y, s=state: nominations[y].get(s, 0)) for state in OUTCOMES),
    ]
