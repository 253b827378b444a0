"""Writing the outbox: one `event` message per transition, in the transition's own transaction.

The dispatcher fans each event out to in-app notifications, e-mails, webhooks and in-process hooks after
commit, so a rolled-back transition never notifies anyone."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, make_transient_to_detached

from models import AuditEntry, OutboxMessage
from models.outbox import OutboxState

# Built once: every transition writes one event.
_TABLE = OutboxMessage.__table__
_INSERT = _TABLE.insert().returning(_TABLE.c.id)
# Set in Session.info when an outbox row was written; web/cli_outbox.py delivers after such a commit.
WRITTEN_FLAG = "outbox_written"


def enqueue_event(session: Session, *, topic: str, entry: AuditEntry, audiences: list[str]) -> OutboxMessage:
    """Write the event row with a plain INSERT (the hot path of every transition) and flag the session, so the
    development flush knows to deliver after commit."""
    values = _event_row(topic, audiences, {column: getattr(entry, column) for column in _ENTRY_COLUMNS})
    message_id = session.execute(_INSERT, values).scalar_one()
    session.info[WRITTEN_FLAG] = True
    message = OutboxMessage(id=message_id, **values)
    # Attach the row as already persistent: no SELECT, and callers can still refresh or query it.
    make_transient_to_detached(message)
    session.add(message)
    return message


def enqueue_events(session: Session, events: list[tuple[str, dict[str, Any], list[str]]]) -> None:
    """The batch form: (topic, the audit entry's stored values, audiences) per event, one executemany."""
    if events:
        session.execute(_TABLE.insert(), [_event_row(topic, audiences, entry) for topic, entry, audiences in events])
        session.info[WRITTEN_FLAG] = True


_ENTRY_COLUMNS = ("id", "entity_type", "entity_id", "dossier_id", "action", "from_state", "to_state", "actor_id",
                  "occurred_at", "data", "hash")  # fmt: skip


def _event_row(topic: str, audiences: list[str], entry: dict[str, Any]) -> dict[str, Any]:
    return dict(
        topic=topic,
        channel="event",
        recipient="*",
        payload={
            "topic": topic,
            "entity_type": entry["entity_type"],
            "entity_id": entry["entity_id"],
            "dossier_id": entry["dossier_id"],
            "action": entry["action"],
            "from_state": entry["from_state"],
            "to_state": entry["to_state"],
            "actor_id": entry["actor_id"],
            "audit_id": entry["id"],
            "occurred_at": entry["occurred_at"].isoformat(),
            "data": entry["data"],
            "audiences": audiences,
        },
        # The audit hash is unique per transition, so a replayed event can never be enqueued twice.
        idempotency_key=f"event:{entry['hash']}",
        state=OutboxState.PENDING,
        version=1,
        next_attempt_at=entry["occurred_at"],
    )


def direct_email(topic: str, user, language: str, subject: str, body: str, key: str, now) -> OutboxMessage:
    """An e-mail written for one person outside any transition (a digest, a reminder, a checkpoint notice), keyed so
    that writing it twice delivers it once."""
    return OutboxMessage(
        topic=topic,
        channel="email",
        recipient=user.email,
        payload={"user_id": user.id, "to_name": user.full_name, "language": language, "subject": subject, "body": body},
        idempotency_key=key,
        state=OutboxState.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
    )
