"""Which decisions a reader finds: their own authority's, newest first; drafts have no year until they are signed,
so a year filter finds only signed (or later) decisions of that register year."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models import Decision, DecisionItem, User


def visible_decisions(actor: User, *, state: str | None = None, year: int | None = None) -> Select:
    """The actor's authority's decisions, optionally in one state or of one register year, newest first."""
    authority = actor.authority
    query = select(Decision).where(Decision.authority_id == (authority.id if authority else None))
    if state is not None:
        query = query.where(Decision.state == state)
    if year is not None:
        query = query.where(Decision.year == year)
    return query.order_by(Decision.id.desc())


def item_counts(session: Session, decisions: list[Decision]) -> dict[int, int]:
    """How many people and collectives each listed decision names, in one grouped query (not its items loaded)."""
    ids = [decision.id for decision in decisions]
    if not ids:
        return {}
    return dict(
        session.execute(
            select(DecisionItem.decision_id, func.count())
            .where(DecisionItem.decision_id.in_(ids))
            .group_by(DecisionItem.decision_id)
        ).all()
    )
