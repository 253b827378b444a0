"""Launching and closing a movement, through the workflow engine (guards, audit entry, outbox event)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import Movement, User
from workflow.core.engine import fire
from workflow.core.machines import MOVEMENT
from workflow.core.today import local_today


def launch(session: Session, movement: Movement, *, actor: User, version: int | None = None) -> None:
    """The authority launches the plan; every unit's officers and heads are told (audience `movement_units`)."""
    fire(MOVEMENT, movement, "launch", actor=actor, data={"name": movement.name},
         changes={"launched_on": local_today()}, expected_version=version)


def close(session: Session, movement: Movement, *, actor: User, version: int | None = None, comment: str = ""):
    """After the final review (tổng kết) the movement ends; registrations and reports stay readable."""
    fire(MOVEMENT, movement, "close", actor=actor, data={"name": movement.name, "comment": comment.strip()},
         changes={"closed_on": local_today()}, expected_version=version)
