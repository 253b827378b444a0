"""Writing the outbox: one `event` message per transition, in the transition's own transaction.

The dispatcher fans each event out to in-app notifications, e-mails, webhooks and in-process hooks after
commit, so a rolled-back transition never notifies anyone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import AuditEntry, OutboxMessage
from models.outbox import OutboxState


def enqueue_event(session: Session, *, topic: str, entry: AuditEntry, audiences: list[str]) -> OutboxMessage:
    message = OutboxMessage(
        topic=topic,
        channel="event",
        recipient="*",
        payload={
            "topic": topic,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "dossier_id": entry.dossier_id,
            "action": entry.action,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "actor_id": entry.actor_id,
            "audit_id": entry.id,
            "occurred_at": entry.occurred_at.isoformat(),
            "data": entry.data,
            "audiences": audiences,
        },
        # The audit hash is unique per transition, so a replayed event can never be enqueued twice.
        idempotency_key=f"event:{entry.hash}",
        state=OutboxState.PENDING,
        next_attempt_at=entry.occurred_at,
    )
    session.add(message)
    return message
