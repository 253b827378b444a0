"""Mermaid `stateDiagram-v2` text drawn from a workflow definition, so the picture can never drift from the rules.

It reads the definition data (states and the transitions' sources, destinations and labels), not the machine's
internals; the same text feeds the API (`GET /api/v1/workflows/<name>`) and the administration page."""

from __future__ import annotations

import re
from collections.abc import Mapping

from workflow.core.machines import Workflow

# Mermaid reads ":" , ";" , "#" and quotes as syntax inside labels; anything outside this set becomes a space.
_UNSAFE = re.compile(r"[^\w\s()\-–,./]")


def initial_state(workflow: Workflow) -> str:
    """Where a new row starts: the state column's default, else the first state listed."""
    default = workflow.entity.__table__.c.state.default
    return default.arg if default is not None else workflow.states[0]


def final_states(workflow: Workflow) -> list[str]:
    """States no transition leaves."""
    left = {state for transition in workflow.transitions.values() for state in transition.sources}
    return [state for state in workflow.states if state not in left]


def _label(text: str) -> str:
    return " ".join(_UNSAFE.sub(" ", str(text)).split())


def mermaid(workflow: Workflow, *, state_labels: Mapping[str, str] | None = None, edge_labels: str = "trigger") -> str:
    """The diagram text. Edges are labelled with trigger names (`edge_labels="trigger"`, for programs) or with
    the definitions' Vietnamese labels (`"label"`, for people); `state_labels` names the states for people."""
    lines = ["stateDiagram-v2"]
    for state in workflow.states:
        if state_labels and state in state_labels:
            lines.append(f'    state "{_label(state_labels[state])}" as {state}')
    lines.append(f"    [*] --> {initial_state(workflow)}")
    for trigger, transition in workflow.transitions.items():
        text = _label(trigger if edge_labels == "trigger" else transition.label)
        lines.extend(f"    {source} --> {transition.dest}: {text}" for source in transition.sources)
    lines.extend(f"    {state} --> [*]" for state in final_states(workflow))
    return "\n".join(lines) + "\n"


def transition_rows(workflow: Workflow) -> list[dict]:
    """The definition as a table: who may fire what, from where to where, checked by which guards, heard by whom."""
    return [
        {
            "trigger": trigger,
            "source": list(transition.sources),
            "dest": transition.dest,
            "label": transition.label,
            "topic": transition.topic,
            "permission": transition.permission.__name__,
            "guards": [guard.__name__ for guard in transition.guards],
            "notify": list(transition.notify),
            "asks": list(transition.asks),
            "offered": transition.service is not None,
        }
        for trigger, transition in workflow.transitions.items()
    ]


def describe(workflow: Workflow) -> dict:
    """Everything a program needs to draw or check a workflow, with the diagram labelled by trigger names."""
    return {
        "name": workflow.name,
        "states": list(workflow.states),
        "initial": initial_state(workflow),
        "final": final_states(workflow),
        "transitions": transition_rows(workflow),
        "mermaid": mermaid(workflow),
    }
