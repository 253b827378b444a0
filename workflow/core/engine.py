"""`fire`: the one door through which any workflow state changes.

Within the caller's transaction it checks the trigger is legal now, the actor's permission, the version the
actor saw, and every guard; then changes the state, flushes (the version check), appends the audit entry and
writes the outbox event. Any failure raises before anything is committed; the caller commits once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from models import AuditEntry, User
from workflow.core import audit
from workflow.core.errors import GuardFailed, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import Workflow
from workflow.notify.outbox import enqueue_event


def available_triggers(workflow: Workflow, row, actor: User | None) -> list[str]:
    """The triggers legal from the row's state that this actor may fire (buttons and API both use this)."""
    return [t for t in workflow.triggers_from(row.state) if workflow.specs[t]["permission"](actor, row)]


def fire(
    workflow: Workflow,
    row,
    trigger: str,
    *,
    actor: User,
    data: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> AuditEntry:
    """Fire `trigger` on `row`. `data` is audited and seen by guards; `context` (computed facts such as the
    document checklist) is seen by guards only; `changes` are column values written in the same UPDATE as the
    new state (CHECK constraints may tie them together). Raises TransitionNotAllowed, PermissionDenied,
    StaleObject, GuardFailed."""
    data = data or {}
    spec = workflow.specs.get(trigger)
    if spec is None or trigger not in workflow.triggers_from(row.state):
        raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor))
    if not spec["permission"](actor, row):
        raise PermissionDenied()
    if expected_version is not None and expected_version != row.version:
        raise StaleObject()
    facts = {**(context or {}), **data}
    failures = [message for guard in spec["guards"] for message in guard(row, facts)]
    if failures:
        raise GuardFailed(failures)

    from_state = row.state
    try:
        workflow.machine.events[trigger].trigger(row)
    except MachineError:
        raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor)) from None
    for column, value in (changes or {}).items():
        setattr(row, column, value)
    session = object_session(row)
    try:
        session.flush()
    except StaleDataError:
        raise StaleObject() from None
    except OperationalError as error:
        # SQLite reports a concurrent writer as a lock, not as a lost version check; it is the same race.
        if "locked" in str(error.orig).lower():
            raise StaleObject() from None
        raise

    entry = audit.append(
        session,
        entity_type=workflow.name,
        entity_id=row.id,
        dossier_id=_dossier_id(row),
        action=trigger,
        actor_id=actor.id,
        from_state=from_state,
        to_state=row.state,
        data=data,
    )
    enqueue_event(session, topic=spec["topic"], entry=entry, audiences=spec["notify"])
    return entry


def _dossier_id(row) -> int | None:
    return row.id if row.__tablename__ == "dossiers" else getattr(row, "dossier_id", None)
