"""What each role has to do next: the queries behind every role's home page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models import (
    AgendaItem,
    Council,
    CouncilMembership,
    CouncilSession,
    Decision,
    Dossier,
    Nomination,
    Role,
    RuleSet,
    Unit,
    User,
)
from models.council import SessionState
from models.decision import DecisionState
from models.dossier import DossierState
from workflow.dossiers.deadlines import overdue_on
from workflow.permissions import can_view_dossier, on_members_agenda
from workflow.reporting.holders import held_by

# The page a user lands on after login: the first role in this order that the user holds.
HOME_ORDER = (
    Role.ADMIN,
    Role.CHAIRMAN,
    Role.SECRETARY,
    Role.OFFICE,
    Role.COUNCIL_MEMBER,
    Role.UNIT_HEAD,
    Role.UNIT_OFFICER,
)


@dataclass
class Worklist:
    """One heading on a home page (its title and advice live in the template, keyed by `key`)."""

    key: str
    items: list = field(default_factory=list)


def primary_role(user: User) -> str | None:
    return next((role for role in HOME_ORDER if user.has_role(role)), None)


def _dossiers(session: Session, *conditions) -> list[Dossier]:
    # The home pages name each dossier's unit: joined to the dossiers, one statement however many rows (or none).
    query = select(Dossier).options(joinedload(Dossier.unit)).where(*conditions)
    return list(session.scalars(query.order_by(Dossier.due_on, Dossier.id).limit(50)))


def unit_worklists(session: Session, user: User) -> list[Worklist]:
    lists = []
    own = Dossier.unit_id == user.unit_id
    if user.has_role(Role.UNIT_OFFICER):
        lists.append(Worklist("drafts", _dossiers(session, own, Dossier.state == DossierState.DRAFT)))
        lists.append(Worklist("returned", _dossiers(session, own, Dossier.state == DossierState.RETURNED)))
    if user.has_role(Role.UNIT_HEAD):
        lists.append(Worklist("awaiting_head", _dossiers(session, own, Dossier.state == DossierState.AWAITING_HEAD)))
    lists.append(
        Worklist(
            "in_progress",
            _dossiers(
                session,
                own,
                # Past the unit and not yet final: everything the unit waits on.
                Dossier.state.in_(DossierState.RUNNING),
                Dossier.state.notin_((DossierState.DRAFT, DossierState.AWAITING_HEAD, DossierState.RETURNED)),
            ),
        )
    )
    return lists


def office_worklists(session: Session, user: User, today: date) -> list[Worklist]:
    authority = user.unit.authority_id if user.unit else None
    mine = Dossier.authority_id == authority
    return [
        Worklist("submitted", _dossiers(session, mine, Dossier.state == DossierState.SUBMITTED)),
        Worklist(
            "overdue",
            _dossiers(session, mine, overdue_on(today)),
        ),
        Worklist("accepted", _dossiers(session, mine, Dossier.state == DossierState.ACCEPTED)),
    ]


def secretary_worklists(session: Session, user: User, today: date) -> tuple[dict[str, int], list[Worklist]]:
    authority = user.unit.authority_id if user.unit else None
    counts = dict(
        session.execute(
            select(Dossier.state, func.count()).where(Dossier.authority_id == authority).group_by(Dossier.state)
        ).all()
    )
    by_state = {state: counts.get(state, 0) for state in DossierState.ALL}
    lists = [
        Worklist(
            "overdue",
            _dossiers(session, Dossier.authority_id == authority, overdue_on(today)),
        ),
        Worklist("sessions", _upcoming_sessions(session, user)),
    ]
    return by_state, lists


def _upcoming_sessions(session: Session, user: User) -> list[CouncilSession]:
    authority = user.unit.authority_id if user.unit else None
    return list(
        session.scalars(
            select(CouncilSession)
            .join(Council)
            .where(
                Council.authority_id == authority,
                CouncilSession.state.in_((SessionState.SCHEDULED, SessionState.OPEN)),
            )
            .order_by(CouncilSession.scheduled_at)
        )
    )


def council_worklists(session: Session, user: User) -> list[Worklist]:
    """The member's coming sessions, and the dossiers on their agendas (the only dossiers a member sees)."""
    coming = (
        select(CouncilSession.id)
        .join(CouncilMembership, CouncilMembership.council_id == CouncilSession.council_id)
        .where(
            CouncilMembership.user_id == user.id,
            CouncilSession.state.in_((SessionState.SCHEDULED, SessionState.OPEN)),
        )
    )
    sessions = list(
        session.scalars(
            select(CouncilSession).where(CouncilSession.id.in_(coming)).order_by(CouncilSession.scheduled_at)
        )
    )
    on_agenda = (
        select(Nomination.dossier_id)
        .join(AgendaItem, AgendaItem.nomination_id == Nomination.id)
        .where(AgendaItem.session_id.in_(coming))
    )
    listed = _dossiers(session, Dossier.id.in_(on_agenda))
    # The same rule as can_view_dossier for a member, checked for the whole list in one query.
    visible = on_members_agenda(session, user, [d.id for d in listed])
    dossiers = [d for d in listed if d.id in visible or can_view_dossier(user, d)]
    return [Worklist("sessions", sessions), Worklist("agenda", dossiers)]


def chairman_worklists(session: Session, user: User) -> list[Worklist]:
    authority = user.unit.authority_id if user.unit else None
    decisions = list(
        session.scalars(
            select(Decision)
            .where(Decision.authority_id == authority, Decision.state == DecisionState.AWAITING_SIGNATURE)
            .order_by(Decision.id)
        )
    )
    return [
        Worklist("to_sign", decisions),
        Worklist(
            "awaiting_decision",
            _dossiers(session, Dossier.authority_id == authority, Dossier.state == DossierState.AWAITING_DECISION),
        ),
    ]


def admin_overview(session: Session) -> dict[str, int]:
    return {
        "users": session.scalar(select(func.count()).select_from(User)),
        "units": session.scalar(select(func.count()).select_from(Unit)),
        "rule_sets": session.scalar(select(func.count()).select_from(RuleSet).where(RuleSet.active.is_(True))),
    }


def visible_dossiers(
    session: Session,
    actor: User,
    *,
    state: str | None = None,
    year: int | None = None,
    unit_id: int | None = None,
    procedure: str | None = None,
    movement_id: int | None = None,
    holder: str | None = None,
    overdue: bool = False,
    today: date | None = None,
):
    """The dossiers this actor may see (unit isolation), newest first, as a query to page through; narrowed by
    state, year, unit, procedure, movement, who holds them (workflow/reporting/holders.py) and being overdue on
    `today`: the dashboard's counts open this list with the same filters."""
    # The lists name each dossier's unit: loaded with the page, not one query per row.
    query = select(Dossier).options(joinedload(Dossier.unit)).order_by(Dossier.id.desc())
    if actor.has_role(Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN) and actor.unit is not None:
        query = query.where(Dossier.authority_id == actor.unit.authority_id)
        if unit_id is not None:
            query = query.where(Dossier.unit_id == unit_id)
    elif actor.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD):
        query = query.where(Dossier.unit_id == actor.unit_id)
    else:
        query = query.where(False)
    if state in DossierState.ALL:
        query = query.where(Dossier.state == state)
    if year is not None:
        query = query.where(Dossier.year == year)
    if procedure is not None:
        query = query.where(Dossier.procedure == procedure)
    if movement_id is not None:
        query = query.where(Dossier.movement_id == movement_id)
    if holder is not None:
        query = query.where(held_by(holder))
    if overdue:
        query = query.where(overdue_on(today))
    return query
