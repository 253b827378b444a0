"""Readiness: whether this process can serve, answered from the database in a handful of statements.

Pure functions of a session (web/blueprints/health.py answers /readyz with them, web/metrics.py exposes the same
figures to Prometheus). A failed check says what an operator looks at next and never echoes a database error,
which may name hosts or users: the caller logs that."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import Dossier, OutboxMessage
from models.outbox import OutboxState
from workflow.dossiers.deadlines import overdue_on

log = logging.getLogger(__name__)

DEPENDENT_CHECKS = ("schema", "outbox", "dead_letters")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Backlog:
    pending: int  # every message not yet delivered, including those waiting for a retry
    due: int  # pending and due now: what the outbox worker should be delivering at this moment
    dead: int  # gave up after their last attempt; an administrator retries them at /admin/outbox/dead


@dataclass(frozen=True)
class Bounds:
    """The most a ready instance tolerates (config READY_MAX_OUTBOX_DUE, READY_MAX_DEAD_LETTERS)."""

    max_due: int
    max_dead: int


def outbox_backlog(session: Session, now: datetime) -> Backlog:
    """The outbox's undelivered and dead messages, in one statement."""
    pending = OutboxMessage.state == OutboxState.PENDING
    row = session.execute(
        select(
            func.count().filter(pending),
            func.count().filter(pending, OutboxMessage.next_attempt_at <= now),
            func.count().filter(OutboxMessage.state == OutboxState.DEAD),
        ).select_from(OutboxMessage)
    ).one()
    return Backlog(pending=row[0], due=row[1], dead=row[2])


def overdue_dossiers(session: Session, today: date) -> int:
    """Dossiers past their legal due date on `today`, as the deadline sweep and the home pages count them."""
    return session.scalar(select(func.count()).select_from(Dossier).where(overdue_on(today)))


def schema_revisions(session: Session) -> set[str]:
    """The Alembic revisions the database says it is at (empty for a database never migrated)."""
    return set(session.scalars(text("SELECT version_num FROM alembic_version")))


def readiness(session: Session, *, heads: set[str], now: datetime, bounds: Bounds) -> list[Check]:
    """Every check, in order: the database answers, its schema is this code's head, the outbox keeps up. When the
    database does not answer, the others are reported failed without being run. Leaves no transaction open."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("readiness: the database did not answer")
        session.rollback()
        skipped = [Check(name, False, "not checked: the database did not answer") for name in DEPENDENT_CHECKS]
        return [Check("database", False, "the database did not answer (see the application log)"), *skipped]
    schema = _schema_check(session, heads)
    try:
        backlog = outbox_backlog(session, now)
    except SQLAlchemyError:  # a database never migrated has no outbox table
        session.rollback()
        backlog = None
    session.rollback()
    return [Check("database", True, "answers"), schema, *_outbox_checks(backlog, bounds)]


def _schema_check(session: Session, heads: set[str]) -> Check:
    expected = ", ".join(sorted(heads))
    try:
        found = schema_revisions(session)
    except SQLAlchemyError:
        session.rollback()
        return Check("schema", False, f"no alembic_version table: run `flask db upgrade` (code is at {expected})")
    if found == heads:
        return Check("schema", True, f"at {expected}")
    have = ", ".join(sorted(found)) or "none"
    return Check("schema", False, f"database at {have}, code at {expected}: run `flask db upgrade`")


def _outbox_checks(backlog: Backlog | None, bounds: Bounds) -> list[Check]:
    if backlog is None:
        return [Check(name, False, "not checked: no outbox table") for name in ("outbox", "dead_letters")]
    return [
        Check(
            "outbox",
            backlog.due <= bounds.max_due,
            f"{backlog.due} message(s) due for delivery now (at most {bounds.max_due}); is the outbox worker running?",
        ),
        Check(
            "dead_letters",
            backlog.dead <= bounds.max_dead,
            f"{backlog.dead} dead letter(s) (at most {bounds.max_dead}); see /admin/outbox/dead",
        ),
    ]
