"""How far an actor's registry reaches, as SQL: the same rule as `can_view_registry_person`, so lists, searches,
duplicates, merges and imports all stop at the actor's authority (or the actor's own unit)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from models import Authority, Nominee, NomineeYear, Role, Unit, User
from workflow.permissions import REGISTRY_AUTHORITY_READERS, REGISTRY_UNIT_READERS, can_search_registry


def authority_tree(session: Session, root_id: int) -> set[int]:
    """The authority and every authority under it."""
    ids, frontier = {root_id}, {root_id}
    while frontier:
        frontier = set(session.scalars(select(Authority.id).where(Authority.parent_id.in_(frontier)))) - ids
        ids |= frontier
    return ids


def visible_unit_ids(session: Session, actor: User) -> list[int] | Select | None:
    """None for every unit (the administrator), else the ids (a list or a subquery) of the units the actor's
    registry covers."""
    if not can_search_registry(actor):
        return []
    if actor.has_role(Role.ADMIN):
        return None
    if actor.has_role(*REGISTRY_AUTHORITY_READERS):
        return select(Unit.id).where(Unit.authority_id.in_(authority_tree(session, actor.unit.authority_id)))
    if actor.has_role(*REGISTRY_UNIT_READERS):
        return [actor.unit_id]
    return []


def visible_nominees(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on Nominee: the people the actor's registry covers (by their current unit or a recorded
    year in a covered unit)."""
    if not can_search_registry(actor):
        return false()
    units = visible_unit_ids(session, actor)
    if units is None:
        return true()
    return or_(
        Nominee.unit_id.in_(units),
        Nominee.id.in_(select(NomineeYear.nominee_id).where(NomineeYear.unit_id.in_(units))),
    )


def visible_units(session: Session, actor: User) -> list[Unit]:
    """The units the actor may filter the registry by, or import past awards for."""
    if not can_search_registry(actor):
        return []
    units = visible_unit_ids(session, actor)
    query = select(Unit).order_by(Unit.name)
    if units is not None:
        query = query.where(Unit.id.in_(units))
    return list(session.scalars(query))
