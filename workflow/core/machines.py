"""One shared `transitions.Machine` per workflow definition, built once at import.

Rows are never registered with a machine (a machine per row would cost a build per row): the engine fires
`machine.events[t].trigger(row)`, which reads and writes the state through `model_attribute`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from transitions import Machine

from workflow.core.transition import Transition
from workflow.definitions import (
    council_session,
    decision,
    dossier,
    identity_match,
    initiative,
    movement,
    nomination,
    poll,
    unit_report,
)


@dataclass(frozen=True)
class Workflow:
    name: str
    entity: type
    machine: Machine
    states: tuple[str, ...]
    transitions: dict[str, Transition] = field(repr=False)

    def triggers_from(self, state: str) -> list[str]:
        return self.machine.get_triggers(state)

    def service(self, trigger: str) -> Callable | None:
        """The function that runs this trigger for a person, or None when nothing offers it yet."""
        transition = self.transitions.get(trigger)
        return _resolve(transition.service) if transition is not None and transition.service else None


@cache
def _resolve(reference: str) -> Callable:
    """'package.module:function' → the function, imported on first use (services import the machines)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def build(definition: ModuleType) -> Workflow:
    transitions = [{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in definition.TRANSITIONS]
    machine = Machine(
        model=None,
        states=list(definition.STATES),
        transitions=transitions,
        initial=None,
        auto_transitions=False,
        model_attribute="state",
        send_event=True,
    )
    records = {t.trigger: t for t in definition.TRANSITIONS}
    assert len(records) == len(definition.TRANSITIONS), f"{definition.NAME}: one record per trigger"
    return Workflow(definition.NAME, definition.ENTITY, machine, tuple(definition.STATES), records)


DOSSIER = build(dossier)
NOMINATION = build(nomination)
IDENTITY_MATCH = build(identity_match)
INITIATIVE = build(initiative)
COUNCIL_SESSION = build(council_session)
POLL = build(poll)
DECISION = build(decision)
UNIT_REPORT = build(unit_report)
MOVEMENT = build(movement)
WORKFLOWS = {
    w.name: w
    for w in (
        DOSSIER, NOMINATION, IDENTITY_MATCH, INITIATIVE, COUNCIL_SESSION, POLL, DECISION, UNIT_REPORT, MOVEMENT
    )
}
