"""Which movement a unit's dossier may name: the commendations a movement brings are counted in its reviews, so a
dossier names a movement of its own authority that has been launched (a closed one still gathers the proposals of
its final review), for an achievement year inside the movement's period."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Movement
from models.movement import MovementState
from workflow.core.messages import msg

LINKABLE_STATES = (MovementState.LAUNCHED, MovementState.CLOSED)


def linkable_movements(session: Session, authority_id: int) -> list[Movement]:
    """The movements a dossier of the authority may name, the most recent first."""
    return list(
        session.scalars(
            select(Movement)
            .where(Movement.authority_id == authority_id, Movement.state.in_(LINKABLE_STATES))
            .order_by(Movement.period_start.desc(), Movement.id.desc())
        )
    )


def link_problem(session: Session, movement_id: int, *, authority_id: int, year: int):
    """Why the dossier may not name this movement (a message for the `movement_id` field), or None."""
    movement = session.get(Movement, movement_id)
    if movement is None or movement.authority_id != authority_id or movement.state not in LINKABLE_STATES:
        return msg("Chọn một phong trào thi đua đã phát động của cơ quan cấp trên của đơn vị.")
    if not movement.period_start.year <= year <= movement.period_end.year:
        return msg(
            "Năm thành tích %(year)s nằm ngoài thời gian của phong trào (%(first)s–%(last)s).",
            year=year, first=movement.period_start.year, last=movement.period_end.year,
        )
    return None
