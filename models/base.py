"""Declarative base, naming convention and the column helpers every aggregate shares."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, DateTime, MetaData, TypeDecorator, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on both databases (SQLite would hand back naive datetimes)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use timezone-aware UTC")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class States:
    """A closed set of plain lowercase state strings, with the SQL CHECK that pins them."""

    ALL: tuple[str, ...] = ()

    @classmethod
    def check(cls, column: str = "state") -> CheckConstraint:
        values = ", ".join(f"'{s}'" for s in cls.ALL)
        return CheckConstraint(f"{column} IN ({values})", name=f"{column}_known")


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """CHECK that a code column holds one of a closed set of values."""
    joined = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({joined})", name=name or f"{column}_known")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class DirectStateWrite(RuntimeError):
    """Code changed a workflow row's state without going through workflow.core.engine.fire."""


# Set by the engine while it fires a transition; nothing else may change a persistent row's state.
_engine_firing: ContextVar[bool] = ContextVar("engine_firing", default=False)


@contextmanager
def state_writes_by_the_engine():
    token = _engine_firing.set(True)
    try:
        yield
    finally:
        _engine_firing.reset(token)


class WorkflowState:
    """For the models whose `state` a workflow definition governs: a new row may start in any known state (its
    creation is audited by the service that makes it), but a stored row's state changes only inside the engine,
    so no code path can skip the guards, the audit entry and the outbox event."""

    @validates("state")
    def _state_changes_through_the_engine(self, key: str, value: str) -> str:
        if not _engine_firing.get() and inspect(self).persistent and value != self.state:
            raise DirectStateWrite(
                f"{type(self).__name__} #{self.id}: state {self.state!r} → {value!r} outside the workflow engine"
            )
        return value
