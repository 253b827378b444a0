"""The transactional outbox, in-app notifications and webhook subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, db, one_of
from models.org import User

# "event": one row per transition, written with it; the dispatcher fans it out into the delivery channels.
CHANNELS = ("event", "email", "webhook")


class OutboxState(States):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    ALL = (PENDING, SENT, DEAD)


class OutboxMessage(Timestamped, db.Model):
    """Written in the same transaction as the state change; delivered at least once after commit."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(8), default=OutboxState.PENDING, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        OutboxState.check(),
        one_of("channel", CHANNELS),
        db.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
    )


class Notification(Timestamped, db.Model):
    """An in-app message under the bell."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    topic: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))

    user: Mapped[User] = relationship()

    # Delivering the same event twice must not notify the same person twice.
    __table_args__ = (UniqueConstraint("outbox_message_id", "user_id"),)


class WebhookSubscription(Timestamped, db.Model):
    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
