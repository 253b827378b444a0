"""In-process hooks: a blinker signal sent once per workflow event, for plugins.

A plugin connects a receiver, for every topic or for one (the sender is the topic string)::

    from workflow.notify.signals import event_signal

    @event_signal.connect_via("dossier.submitted")
    def on_submitted(topic, *, payload, session):
        ...

The dispatcher sends the signal inside the transaction that expands the event into notifications, so a
receiver may add rows to `session` (never commit it). A receiver that raises rolls that expansion back; the
event is retried with backoff and, if it keeps failing, ends dead where the administrator sees it. Hooks are
therefore at-least-once, like every other channel: a receiver must tolerate seeing an event twice
(`payload["audit_id"]` identifies it)."""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from sqlalchemy.orm import Session

ns = Namespace()
event_signal = ns.signal("workflow-event")


def send_event(session: Session, topic: str, payload: dict[str, Any]) -> None:
    event_signal.send(topic, payload=payload, session=session)
