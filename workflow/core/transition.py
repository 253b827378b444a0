"""A transition of a workflow, described once. The machine, the engine, the buttons and dialogs of the pages, the
API, the diagrams and the notifications all read this record; nothing else lists triggers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# What a transition's dialog may ask the person for; the service that runs it takes these as keyword arguments.
DIALOG_FIELDS = ("comment", "missing_items", "explanations", "reason", "sign_off", "council_session_id", "capacity")
# Bootstrap button variants: the primary way forward, or one of the ways back or out.
STYLES = ("primary", "warning", "danger", "outline-danger", "outline-secondary")

Guard = Callable[[Any, dict[str, Any]], list[str]]
Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    # The button text, in Vietnamese (the interface's source language; web/ translates it).
    label: str
    # can_<verb>(user, row) from workflow/permissions.py.
    permission: Predicate
    # The outbox event it writes, and who is told of it (workflow/notify/audiences.py).
    topic: str
    notify: tuple[str, ...] = ()
    # Pure checks of the row and the event's facts; every failure is reported at once.
    guards: tuple[Guard, ...] = ()
    asks: tuple[str, ...] = ("comment",)
    style: str = "primary"
    # "module:function" of the service that runs it. None: nobody may press it yet (the engine can still fire it
    # for another service, e.g. appraisal finding a nomination eligible), so it is never offered.
    service: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.asks) - set(DIALOG_FIELDS)
        if unknown or self.style not in STYLES or not self.sources:
            raise ValueError(f"{self.trigger}: unknown dialog fields {sorted(unknown)} or style {self.style!r}")
