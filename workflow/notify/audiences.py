"""Who is told of an event: the audiences named in the workflow definitions' `notify` lists.

Each audience is one query (the dossier's unit or authority is a subquery, never a loop over users). Only
active users are told, and never the actor of the event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, lazyload

from models import (
    AgendaItem,
    Council,
    CouncilMembership,
    CouncilSession,
    Dossier,
    Movement,
    Nomination,
    Role,
    Unit,
    User,
    UserRole,
)
from models.council import SessionState


class UnknownAudience(ValueError):
    """A definition names an audience nobody implemented: a bug, so the event fails visibly."""


def _with_role(role: str) -> Select:
    # lazyload: the roles are not needed here, and their selectin load would be a second query.
    return (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active)
        .options(lazyload(User.role_rows))
    )


def _in_dossier_unit(role: str, dossier_id: int) -> Select:
    unit_id = select(Dossier.unit_id).where(Dossier.id == dossier_id).scalar_subquery()
    return _with_role(role).where(User.unit_id == unit_id)


def _in_dossier_authority(role: str, dossier_id: int) -> Select:
    authority_id = select(Dossier.authority_id).where(Dossier.id == dossier_id).scalar_subquery()
    return _with_role(role).join(Unit, Unit.id == User.unit_id).where(Unit.authority_id == authority_id)


def _office_head(dossier_id: int) -> Select:
    authority_id = select(Dossier.authority_id).where(Dossier.id == dossier_id).scalar_subquery()
    standing_offices = select(Council.standing_office_unit_id).where(Council.authority_id == authority_id)
    return _with_role(Role.UNIT_HEAD).where(User.unit_id.in_(standing_offices))


def _council_members(dossier_id: int) -> Select:
    """Everyone sitting, on the session day, on the council of a coming session whose agenda holds the dossier
    (the secretary included: they prepare it)."""
    day = func.date(CouncilSession.scheduled_at)
    sessions = (
        select(CouncilSession.council_id, day.label("day"))
        .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .where(
            Nomination.dossier_id == dossier_id,
            CouncilSession.state.in_((SessionState.SCHEDULED, SessionState.OPEN)),
        )
        .subquery()
    )
    members = (
        select(CouncilMembership.user_id)
        .join(sessions, sessions.c.council_id == CouncilMembership.council_id)
        .where(
            CouncilMembership.term_from <= sessions.c.day,
            CouncilMembership.term_to.is_(None) | (CouncilMembership.term_to >= sessions.c.day),
        )
    )
    return select(User).where(User.id.in_(members), User.active).options(lazyload(User.role_rows))


def standing_office_heads(session: Session) -> list[User]:
    """The active heads of every council's standing office, for news that belongs to no dossier (the audit
    log's checkpoints)."""
    standing_offices = select(Council.standing_office_unit_id)
    return list(session.scalars(_with_role(Role.UNIT_HEAD).where(User.unit_id.in_(standing_offices)).order_by(User.id)))


AUDIENCES: dict[str, Callable[[int], Select]] = {
    "unit_officers": lambda dossier_id: _in_dossier_unit(Role.UNIT_OFFICER, dossier_id),
    "unit_heads": lambda dossier_id: _in_dossier_unit(Role.UNIT_HEAD, dossier_id),
    "office": lambda dossier_id: _in_dossier_authority(Role.OFFICE, dossier_id),
    "chairman": lambda dossier_id: _in_dossier_authority(Role.CHAIRMAN, dossier_id),
    "office_head": _office_head,
    "council_members": _council_members,
}

# Events about a unit rather than a dossier (a movement's invitations) name the unit in their data.
UNIT_AUDIENCES: dict[str, Callable[[int | None], Select]] = {
    "unit_officers_of_unit": lambda unit_id: _with_role(Role.UNIT_OFFICER).where(User.unit_id == unit_id),
}


def _movement_units(movement_id: int) -> Select:
    """The officers and heads of every unit of the movement's authority (issue 14: a launch reaches them all)."""
    authority_id = select(Movement.authority_id).where(Movement.id == movement_id).scalar_subquery()
    holders = select(UserRole.user_id).where(UserRole.role.in_((Role.UNIT_OFFICER, Role.UNIT_HEAD)))
    return (
        select(User)
        .join(Unit, Unit.id == User.unit_id)
        .where(Unit.authority_id == authority_id, User.id.in_(holders), User.active)
        .options(lazyload(User.role_rows))
    )


# Audiences of a movement's events, keyed by the movement (the event's entity), not by a dossier.
MOVEMENT_AUDIENCES: dict[str, Callable[[int], Select]] = {"movement_units": _movement_units}


def resolve(session: Session, audience: str, payload: dict[str, Any]) -> list[User]:
    """The active users in `audience` for this event, the actor left out. Raises UnknownAudience."""
    if audience in UNIT_AUDIENCES:
        statement = UNIT_AUDIENCES[audience]((payload.get("data") or {}).get("unit_id")).order_by(User.id)
        return list(session.scalars(statement.where(User.id != payload.get("actor_id"))))
    if audience in MOVEMENT_AUDIENCES:
        return _movement_audience(session, audience, payload)
    query = AUDIENCES.get(audience)
    if query is None:
        raise UnknownAudience(f"unknown audience {audience!r}")
    dossier_id = payload.get("dossier_id")
    if dossier_id is None:
        return []
    statement = query(dossier_id).order_by(User.id)
    actor_id = payload.get("actor_id")
    if actor_id is not None:
        statement = statement.where(User.id != actor_id)
    return list(session.scalars(statement))


def _movement_audience(session: Session, audience: str, payload: dict[str, Any]) -> list[User]:
    if payload.get("entity_type") != "movement":
        return []
    statement = MOVEMENT_AUDIENCES[audience](payload["entity_id"]).order_by(User.id)
    if payload.get("actor_id") is not None:
        statement = statement.where(User.id != payload["actor_id"])
    return list(session.scalars(statement))


def recipients(session: Session, audiences: Iterable[str], payload: dict[str, Any]) -> list[User]:
    """Everyone in any of the audiences, each once, in audience order (someone may hold two roles)."""
    seen: dict[int, User] = {}
    for audience in audiences:
        for user in resolve(session, audience, payload):
            seen.setdefault(user.id, user)
    return list(seen.values())
