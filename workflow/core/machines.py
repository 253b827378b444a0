"""One shared `transitions.Machine` per workflow definition, built once at import.

Rows are never registered with a machine (STYLE.md): the engine fires `machine.events[t].trigger(row)`,
which reads and writes the state through `model_attribute`."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from transitions import Machine

from workflow.definitions import dossier, identity_match, nomination


@dataclass(frozen=True)
class Workflow:
    name: str
    entity: type
    machine: Machine
    states: tuple[str, ...]
    specs: dict[str, dict] = field(repr=False)

    def triggers_from(self, state: str) -> list[str]:
        return self.machine.get_triggers(state)


def build(definition: ModuleType) -> Workflow:
    transitions = [{k: t[k] for k in ("trigger", "source", "dest")} for t in definition.TRANSITIONS]
    machine = Machine(
        model=None,
        states=list(definition.STATES),
        transitions=transitions,
        initial=None,
        auto_transitions=False,
        model_attribute="state",
        send_event=True,
    )
    specs = {t["trigger"]: t for t in definition.TRANSITIONS}
    assert len(specs) == len(definition.TRANSITIONS), f"{definition.NAME}: one entry per trigger"
    return Workflow(definition.NAME, definition.ENTITY, machine, tuple(definition.STATES), specs)


DOSSIER = build(dossier)
NOMINATION = build(nomination)
IDENTITY_MATCH = build(identity_match)
WORKFLOWS = {w.name: w for w in (DOSSIER, NOMINATION, IDENTITY_MATCH)}
