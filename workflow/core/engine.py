"""`fire`: the one door through which any workflow state changes.

Within the caller's transaction it checks the trigger is legal now, the actor's permission, the version the
actor saw, and every guard; then changes the state, flushes (the version check), appends the audit entry and
writes the outbox event. Any failure raises before anything is committed; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from models import AuditEntry, User
from models.base import state_writes_by_the_engine
from workflow.core import audit
from workflow.core.errors import GuardFailed, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import Workflow
from workflow.notify.outbox import enqueue_event


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
    changes: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> AuditEntry:
    """Fire `trigger` on `row`. `data` is audited and seen by guards; `context` (computed facts such as the
    document checklist) is seen by guards only; `changes` are column values written in the same UPDATE as the
    new state (CHECK constraints may tie them together). Raises TransitionNotAllowed, PermissionDenied,
    StaleObject, GuardFailed."""
    data = data or {}
    transition = workflow.transitions.get(trigger)
    if transition is None or trigger not in workflow.triggers_from(row.state):
        raise TransitionNotAllowed(trigger, row.state, available_triggers(workflow, row, actor))
    if not transition.permission(actor, row):
        raise PermissionDenied()
    if expected_version is not None and expected_version != row.version:
        raise StaleObject()
    facts = {**(context or {}), **data}
    failures = [message for guard in transition.guards for message in guard(row, facts)]
    if failures:
        raise GuardFailed(failures)

    from_state = row.state
    with state_writes_by_the_engine():
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
    enqueue_event(session, topic=transition.topic, entry=entry, audiences=list(transition.notify))
    return entry


def _dossier_id(row) -> int | None:
    return row.id if row.__tablename__ == "dossiers" else getattr(row, "dossier_id", None)
