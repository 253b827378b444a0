"""`fire`: the one door through which any workflow state changes.

Within the caller's transaction it checks the trigger is legal now, the actor's permission, the version the
actor saw, and every guard; then changes the state with the version check, appends the audit entry and writes
the outbox event. Any failure raises before anything is committed; the caller commits once.

The hot path is lean (benchmarks/transition.py): one Core UPDATE … WHERE id AND version moves the row (on
PostgreSQL taking the audit chain's lock in the same statement), so a transition costs the statements a
hand-written one would: UPDATE, the chain head, the audit INSERT, the outbox INSERT."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, inspect, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import MANYTOONE, Session, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from models import AuditEntry, User
from models.base import state_writes_by_the_engine
from workflow.core import audit, committed_transitions
from workflow.core.errors import GuardFailed, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import Workflow
from workflow.notify.outbox import enqueue_events


def available_triggers(workflow: Workflow, row, actor: User | None) -> list[str]:
    """What this actor can press now (buttons and the API both offer exactly these): legal from the row's state,
    run by a service, and permitted."""
    return [
        trigger
        for trigger in workflow.triggers_from(row.state)
        if workflow.transitions[trigger].service and workflow.transitions[trigger].permission(actor, row)
    ]


@dataclass(frozen=True)
class Action:
    """A trigger pressed on a row: what a button or an API call asks for."""

    workflow: Workflow
    row: Any
    trigger: str


def perform(
    session: Session,
    action: Action,
    *,
    actor: User,
    version: int | None = None,
    inputs: dict[str, Any] | None = None,
):
    """Run the service behind a button or an API call, with the dialog's inputs that its transition asks for.
    Raises TransitionNotAllowed for a trigger nobody may press now, and whatever the service raises."""
    workflow, row, trigger = action.workflow, action.row, action.trigger
    run = workflow.service(trigger)
    if run is None or trigger not in workflow.triggers_from(row.state):
        raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor))
    asked = {name: value for name, value in (inputs or {}).items() if name in workflow.transitions[trigger].asks}
    return run(session, row, actor=actor, version=version, **asked)


def fire(
    workflow: Workflow,
    row,
    trigger: str,
    *,
    actor: User,
    data: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    changes: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> AuditEntry:
    """Fire `trigger` on `row`. `data` is audited and seen by guards; `context` (computed facts such as the
    document checklist) is seen by guards only; `changes` are column values written in the same UPDATE as the
    new state (CHECK constraints may tie them together), or a function computing them once the transition is
    allowed (a due date read from the calendar). Raises TransitionNotAllowed, PermissionDenied, StaleObject,
    GuardFailed."""
    data = data or {}
    transition = _check(workflow, row, trigger, actor, {**(context or {}), **data}, expected_version)
    changes = (changes() if callable(changes) else changes) or {}
    from_state = row.state
    session = object_session(row)
    if _lean(workflow, row, changes):
        _update_row(session, workflow, row, transition.dest, changes)
        chain_locked = True
    else:
        _update_through_the_orm(session, workflow, row, trigger, actor, changes)
        chain_locked = False

    [values] = audit.append_many(
        session,
        [
            {
                "entity_type": workflow.name,
                "entity_id": row.id,
                "dossier_id": _dossier_id(row),
                "action": trigger,
                "actor_id": actor.id,
                "from_state": from_state,
                "to_state": row.state,
                "data": data,
            }
        ],
        chain_locked=chain_locked,
    )
    # The event row with a Core INSERT: nothing for the unit of work to track.
    enqueue_events(session, [(transition.topic, values, list(transition.notify))])
    committed_transitions.note(session, workflow.name, (trigger,))
    return AuditEntry(**values)


def _lean(workflow: Workflow, row, changes: dict[str, Any]) -> bool:
    """Whether the row can be moved with one Core UPDATE instead of the unit of work: it is stored and has no
    pending edits of its own, and every change is a plain column that no search key is made from (a flush would
    refold it)."""
    state = inspect(row)
    if not state.persistent or state.modified:
        return False
    from workflow.search.keys import SOURCES  # imported here: the search package imports the engine's callers

    table = workflow.entity.__table__
    searched = SOURCES.get(workflow.entity, ())
    return all(column in table.c and column not in searched for column in changes)


# (table, changed columns, dialect) → the UPDATE statement, built once.
_UPDATES: dict[tuple[str, tuple[str, ...], str], Any] = {}


def _update_row(session: Session, workflow: Workflow, row, dest: str, changes: dict[str, Any]) -> None:
    """The lean path: UPDATE … WHERE id AND version (the version check), on PostgreSQL taking the audit chain's lock
    in the same statement; then the row is told what the database now holds (no unit of work, no second UPDATE)."""
    connection = session.connection()
    dialect = connection.dialect.name
    key = (workflow.entity.__tablename__, tuple(sorted(changes)), dialect)
    statement = _UPDATES.get(key)
    if statement is None:
        table = workflow.entity.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(state=bindparam("state"), version=bindparam("version"), **{c: bindparam(c) for c in key[1]})
        )
        if dialect == "postgresql":
            # The row's lock first, then the chain's, as every other writer takes them: the chain lock is taken
            # per updated row, so a lost version check takes none.
            moved = statement.returning(table.c.id).cte("moved")
            statement = select(cast(func.pg_advisory_xact_lock(bindparam("chain_key")), Text)).select_from(moved)
        statement = _UPDATES.setdefault(key, statement)
    version = row.version
    params = {"b_id": row.id, "b_version": version, "state": dest, "version": version + 1, **changes}
    if dialect == "postgresql":
        params["chain_key"] = audit.CHAIN_LOCK_KEY
    with _races_as_stale():
        session.flush()  # whatever else the service changed goes first, as it always did
        result = connection.execute(statement, params)
        updated = len(result.all()) if dialect == "postgresql" else result.rowcount
    if updated != 1:
        raise StaleObject()
    for column, value in (("state", dest), ("version", version + 1), *changes.items()):
        set_committed_value(row, column, value)
    _forget_stale_references(session, row, changes)


def _forget_stale_references(session: Session, row, changes: dict[str, Any]) -> None:
    """A changed foreign key (`rule_set_id`) leaves its loaded relationship (`rule_set`) naming the old row:
    expire it, so the next read loads the new one."""
    stale = [
        relationship.key
        for relationship in inspect(row).mapper.relationships
        if relationship.direction is MANYTOONE and any(c.key in changes for c in relationship.local_columns)
    ]
    if stale:
        session.expire(row, stale)


def _update_through_the_orm(session: Session, workflow: Workflow, row, trigger: str, actor: User, changes) -> None:
    """The general path (relationship changes, a row with edits of its own, a searched column): the machine sets
    the state and the unit of work flushes it with the version check."""
    with state_writes_by_the_engine():
        try:
            workflow.machine.events[trigger].trigger(row)
        except MachineError:
            raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor)) from None
        for column, value in changes.items():
            setattr(row, column, value)
    with _races_as_stale():
        session.flush()


@contextmanager
def _races_as_stale():
    """A lost version check, and SQLite's way of reporting a concurrent writer (a lock), are the same race."""
    try:
        yield
    except StaleDataError:
        raise StaleObject() from None
    except OperationalError as error:
        if "locked" in str(error.orig).lower():
            raise StaleObject() from None
        raise


def _check(workflow: Workflow, row, trigger: str, actor: User, facts: dict[str, Any], expected_version: int | None):
    """The transition, once it is legal from the row's state, permitted, on the version the actor saw, and every
    guard passes (all failures reported at once)."""
    transition = workflow.transitions.get(trigger)
    if transition is None or row.state not in transition.sources:
        raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor))
    if not transition.permission(actor, row):
        raise PermissionDenied()
    if expected_version is not None and expected_version != row.version:
        raise StaleObject()
    failures = [message for guard in transition.guards for message in guard(row, facts)]
    if failures:
        raise GuardFailed(failures)
    return transition


@dataclass(frozen=True)
class Firing:
    """One transition of a batch: as `fire`'s arguments, plus `unchanged`, column values the stored row must
    still hold when it is updated (else StaleObject), e.g. a poll's vote counters."""

    row: Any
    trigger: str
    data: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    unchanged: dict[str, Any] = field(default_factory=dict)
    expected_version: int | None = None


def fire_many(workflow: Workflow, firings: list[Firing], *, actor: User) -> list[dict[str, Any]]:
    """Fire many transitions of one workflow at once, as `fire` would one by one, with the same checks, audit
    entries (in the order given) and outbox events, but a handful of statements: one executemany UPDATE per shape
    of change, the audit chain hashed in memory under one lock, one executemany for the events. Every check runs
    before anything is written; any failure raises and the caller rolls back. Returns the audit entries' values."""
    if not firings:
        return []
    session = object_session(firings[0].row)
    session.flush()
    transitions = [
        _check(workflow, f.row, f.trigger, actor, {**f.context, **f.data}, f.expected_version) for f in firings
    ]
    table = workflow.entity.__table__
    shapes: dict[tuple[tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for firing, transition in zip(firings, transitions, strict=True):
        row = firing.row
        shape = (tuple(sorted(firing.changes)), tuple(sorted(firing.unchanged)))
        shapes[shape].append(
            {
                "b_id": row.id,
                "b_version": row.version,
                "state": transition.dest,
                "version": row.version + 1,
                **firing.changes,
                **{f"b_{column}": value for column, value in firing.unchanged.items()},
            }
        )
    connection = session.connection()
    for (changed, kept), params in shapes.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .where(*(table.c[column] == bindparam(f"b_{column}") for column in kept))
            .values(state=bindparam("state"), version=bindparam("version"), **{c: bindparam(c) for c in changed})
        )
        with _races_as_stale():
            updated = connection.execute(statement, params).rowcount
        if updated != len(params):
            raise StaleObject()

    entries = []
    for firing, transition in zip(firings, transitions, strict=True):
        row = firing.row
        entries.append(
            {
                "entity_type": workflow.name,
                "entity_id": row.id,
                "dossier_id": _dossier_id(row),
                "action": firing.trigger,
                "actor_id": actor.id,
                "from_state": row.state,
                "to_state": transition.dest,
                "data": firing.data,
            }
        )
        # The rows now hold what the database holds, without another UPDATE at the next flush.
        for column, value in (("state", transition.dest), ("version", row.version + 1), *firing.changes.items()):
            set_committed_value(row, column, value)
    stored = audit.append_many(session, entries)
    enqueue_events(
        session,
        [(t.topic, entry, list(t.notify)) for t, entry in zip(transitions, stored, strict=True)],
    )
    committed_transitions.note(session, workflow.name, [firing.trigger for firing in firings])
    return stored


def _dossier_id(row) -> int | None:
    return row.id if row.__tablename__ == "dossiers" else getattr(row, "dossier_id", None)
