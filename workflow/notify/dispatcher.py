"""The outbox dispatcher: expands each committed `event` into notifications, e-mails and webhooks, then
delivers those, at least once, with exponential backoff and a dead-letter state.

How one message is handled, and why:

* An `event` is claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers take different rows)
  and expanded in that same short, database-only transaction: in-app `Notification` rows, one `email`
  message per recipient with an address who kept the topic's e-mail on (preferences.py), one `webhook`
  message per matching subscription, the blinker signal, and the event marked `sent`. The expansion runs in
  a SAVEPOINT: if anything in it fails, it is undone as a whole and only the failed attempt is recorded.
  Children are keyed `<event key>:<channel>:<id>` and existing keys are skipped, so a re-expanded event never
  duplicates anything.
* An `email` or `webhook` message is claimed, its attempt counted and `next_attempt_at` pushed out by a
  lease, and that is committed *before* the slow network call: no row lock or transaction is held while
  an SMTP server or a webhook receiver takes its time. The result is then recorded in a second short
  transaction (sent, or failed with backoff, or dead). A worker that dies mid-delivery leaves the message
  to be picked up again when the lease runs out: at-least-once, with at most that one delivery repeated.
  The receiver de-duplicates by the idempotency key (`Idempotency-Key` header, e-mail Message-ID).
* Each message commits its own outcome, so a crash between two deliveries loses nothing.
* On SQLite (one writer at a time, no SKIP LOCKED) the version column does the same job: of two workers
  that select the same row, the second one's claim fails its version check or finds the database locked,
  and it simply claims nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Notification, OutboxMessage, User, WebhookSubscription
from models.base import utcnow
from models.outbox import OutboxState
from workflow.core import audit
from workflow.core.errors import DomainError, PermissionDenied
from workflow.core.messages import msg
from workflow.notify import audiences, messages, preferences, signals, webhooks
from workflow.notify import email as mail
from workflow.permissions import can_administer

log = logging.getLogger(__name__)

EVENT_CHANNELS = ("event",)
DELIVERY_CHANNELS = ("email", "webhook")
MAX_BACKOFF = timedelta(hours=1)
# Longer than one delivery can take (webhook timeout 5 s; SMTP 10 s per socket operation).
CLAIM_LEASE = timedelta(minutes=5)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class OutboxSettings:
    """What the dispatcher needs from the configuration, read once by the caller (CLI, app hook, test)."""

    mail: mail.MailSettings = field(default_factory=mail.MailSettings)
    backoff_seconds: float = 30.0
    max_attempts: int = 8  # e-mails and events; a webhook uses its subscription's max_attempts
    base_url: str = "http://localhost:5000"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OutboxSettings:
        return cls(
            mail=mail.MailSettings.from_config(config),
            backoff_seconds=float(config.get("OUTBOX_BACKOFF_SECONDS", cls.backoff_seconds)),
            max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS", cls.max_attempts)),
            base_url=config.get("APP_BASE_URL", cls.base_url),
        )


@dataclass
class DispatchReport:
    handled: int = 0  # messages claimed in the pass, whatever their outcome
    events: int = 0
    notifications: int = 0
    emails: int = 0
    webhooks: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def anything(self) -> bool:
        return any(vars(self).values())

    def summary(self) -> str:
        return (
            f"events {self.events}, notifications {self.notifications}, e-mails sent {self.emails}, "
            f"webhooks sent {self.webhooks}, failed (will retry) {self.failed}, dead {self.dead}"
        )


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before the next attempt: base × 2^(attempts−1), at most an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_due(
    session: Session, now: datetime, channels: tuple[str, ...], exclude: list[int] | None = None
) -> OutboxMessage | None:
    """Take the oldest due message of these channels: count the attempt and lease it. Flushes; the caller
    commits. Returns None when nothing is due or another worker holds or just took the row; call it at the
    start of a transaction (a lost race rolls the session back)."""
    statement = (
        select(OutboxMessage)
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.channel.in_(channels),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if exclude:
        statement = statement.where(OutboxMessage.id.not_in(exclude))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    message = session.scalar(statement)
    if message is None:
        return None
    message.attempts += 1
    # The lease counts from the wall clock too, so a long pass with an old `now` cannot shorten it.
    message.next_attempt_at = max(now, utcnow()) + CLAIM_LEASE
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        return None
    except OperationalError as error:
        if "locked" not in str(error.orig).lower():
            raise
        session.rollback()
        return None
    return message


def dispatch_pending(
    session: Session, now: datetime, limit: int = 100, *, settings: OutboxSettings | None = None
) -> DispatchReport:
    """Expand the due events, then deliver the due e-mails and webhooks; at most `limit` messages in all.
    Commits after each message."""
    settings = settings or OutboxSettings()
    report = DispatchReport()
    handled: list[int] = []
    for channels in (EVENT_CHANNELS, DELIVERY_CHANNELS):
        while len(handled) < limit:
            message = claim_due(session, now, channels, exclude=handled)
            if message is None:
                break
            handled.append(message.id)
            if message.channel == "event":
                _expand_claimed(session, message, now, settings, report)
            else:
                _deliver_claimed(session, message, now, settings, report)
    session.commit()
    report.handled = len(handled)
    return report


# --- events ------------------------------------------------------------------------------------------------------


def _expand_claimed(
    session: Session, event: OutboxMessage, now: datetime, settings: OutboxSettings, report: DispatchReport
) -> None:
    try:
        with session.begin_nested():
            notified = expand_event(session, event, now, settings)
    except Exception as error:
        # Whatever failed (a plugin's hook, an unknown audience, a template), the event must end as a
        # recorded attempt that is retried and finally shown as dead, never as a silently lost one.
        log.exception("outbox event %s could not be expanded", event.id)
        _record_failure(event, f"{type(error).__name__}: {error}", now, settings.max_attempts, settings, report)
    else:
        report.events += 1
        report.notifications += notified
    session.commit()


def expand_event(session: Session, event: OutboxMessage, now: datetime, settings: OutboxSettings) -> int:
    """Write the event's notifications and delivery messages, send the hook, mark it sent. Returns the
    number of new notifications. Skips what an earlier expansion of the same event already wrote."""
    payload = event.payload
    users = audiences.recipients(session, payload.get("audiences") or [], payload)
    subscriptions = [
        s
        for s in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
        if webhooks.subscribed(s, event.topic)
    ]
    # In-app notifications go to everyone; e-mail skips those who turned the topic's group off.
    muted = preferences.email_muted(session, [user.id for user in users], event.topic)
    email_keys = {
        user.id: f"{event.idempotency_key}:email:{user.id}" for user in users if user.email and user.id not in muted
    }
    webhook_keys = {s.id: f"{event.idempotency_key}:webhook:{s.id}" for s in subscriptions}
    existing_keys = set(
        session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.idempotency_key.in_([*email_keys.values(), *webhook_keys.values()])
            )
        )
    )
    already_notified = set(
        session.scalars(select(Notification.user_id).where(Notification.outbox_message_id == event.id))
    )
    facts = messages.load_facts(session, payload)

    notified = 0
    for user in users:
        language = messages.language_of(user)
        if user.id not in already_notified:
            text = messages.notification_text(facts, language)
            session.add(
                Notification(
                    user_id=user.id,
                    topic=event.topic,
                    title=text.title,
                    body=text.body,
                    link=facts.link,
                    outbox_message_id=event.id,
                )
            )
            notified += 1
        key = email_keys.get(user.id)
        if key and key not in existing_keys:
            session.add(_email_message(event, user, key, facts, language, now, settings))
    for subscription in subscriptions:
        key = webhook_keys[subscription.id]
        if key not in existing_keys:
            session.add(_child(event, "webhook", str(subscription.id), key, webhooks.body_for(key, payload), now))
    signals.send_event(session, event.topic, payload)
    event.state = OutboxState.SENT
    event.sent_at = utcnow()
    event.next_attempt_at = None
    event.last_error = ""
    session.flush()
    return notified


def _email_message(event, user: User, key, facts, language, now, settings: OutboxSettings) -> OutboxMessage:
    text = messages.email_text(facts, language, recipient_name=user.full_name, base_url=settings.base_url)
    payload = {
        "user_id": user.id,
        "to_name": user.full_name,
        "language": language,
        "subject": text.title,
        "body": text.body,
    }
    return _child(event, "email", user.email, key, payload, now)


def _child(event: OutboxMessage, channel, recipient, key, payload, now) -> OutboxMessage:
    return OutboxMessage(
        topic=event.topic,
        channel=channel,
        recipient=recipient,
        payload=payload,
        idempotency_key=key,
        state=OutboxState.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
    )


# --- deliveries --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Delivery:
    """A plain copy of what one delivery needs, so the network call runs with no ORM state or transaction."""

    id: int
    version: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    key: str
    max_attempts: int
    url: str = ""
    secret: str = ""


def _deliver_claimed(
    session: Session, message: OutboxMessage, now: datetime, settings: OutboxSettings, report: DispatchReport
) -> None:
    max_attempts = settings.max_attempts
    url = secret = ""
    if message.channel == "webhook":
        subscription = session.get(WebhookSubscription, int(message.recipient))
        if subscription is None or not subscription.active:
            # Deactivated since: delivering would be wrong, dropping it silently too; it goes to the dead list.
            _record_failure(message, "webhook subscription is inactive or gone", now, 0, settings, report)
            session.commit()
            return
        max_attempts, url, secret = subscription.max_attempts, subscription.url, subscription.secret
    delivery = _Delivery(
        id=message.id,
        version=message.version,
        channel=message.channel,
        recipient=message.recipient,
        payload=dict(message.payload),
        key=message.idempotency_key,
        max_attempts=max_attempts,
        url=url,
        secret=secret,
    )
    session.commit()  # the claim is durable; nothing is locked while the network call runs

    error = None
    try:
        _send(delivery, settings)
    except mail.DeliveryError as failure:
        error = str(failure)
    _record_outcome(session, delivery, error, now, settings, report)


def _send(delivery: _Delivery, settings: OutboxSettings) -> None:
    if delivery.channel == "email":
        payload = delivery.payload
        message = mail.build_message(
            settings.mail,
            to=delivery.recipient,
            to_name=payload.get("to_name", ""),
            subject=payload["subject"],
            body=payload["body"],
            idempotency_key=delivery.key,
        )
        mail.send(settings.mail, message)
    else:
        webhooks.post(delivery.url, delivery.secret, delivery.key, webhooks.encode(delivery.payload))


def _record_outcome(
    session: Session,
    delivery: _Delivery,
    error: str | None,
    now: datetime,
    settings: OutboxSettings,
    report: DispatchReport,
) -> None:
    message = session.get(OutboxMessage, delivery.id, populate_existing=True)
    if message is None or message.version != delivery.version or message.state != OutboxState.PENDING:
        # Our lease ran out and another worker took the message over; its outcome is the one that counts.
        session.rollback()
        return
    if error is None:
        message.state = OutboxState.SENT
        message.sent_at = utcnow()
        message.next_attempt_at = None
        message.last_error = ""
        if delivery.channel == "email":
            report.emails += 1
        else:
            report.webhooks += 1
    else:
        log.warning("outbox %s %s attempt %s failed: %s", delivery.channel, delivery.id, message.attempts, error)
        _record_failure(message, error, now, delivery.max_attempts, settings, report)
    try:
        session.commit()
    except StaleDataError:
        session.rollback()


def _record_failure(
    message: OutboxMessage,
    error: str,
    now: datetime,
    max_attempts: int,
    settings: OutboxSettings,
    report: DispatchReport,
) -> None:
    message.last_error = error[:MAX_ERROR_LENGTH]
    if message.attempts >= max_attempts:
        message.state = OutboxState.DEAD
        message.next_attempt_at = None
        report.dead += 1
    else:
        message.next_attempt_at = now + backoff(message.attempts, settings.backoff_seconds)
        report.failed += 1


# --- dead letters ------------------------------------------------------------------------------------------------


class NotDead(DomainError):
    message = msg("Chỉ gửi lại được thư đã thất bại hẳn (dead letter).")


def dead_letters(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """The messages that gave up, most recent first, for the administrator."""
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.DEAD)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def retry_dead(session: Session, message_id: int, actor: User) -> OutboxMessage:
    """Put a dead message back in the queue with a fresh count of attempts; audited.
    Raises PermissionDenied, NotDead (also when there is no such message)."""
    if not can_administer(actor):
        raise PermissionDenied()
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state != OutboxState.DEAD:
        raise NotDead()
    audit.append(
        session,
        entity_type="outbox_message",
        entity_id=message.id,
        action="retry",
        actor_id=actor.id,
        from_state=OutboxState.DEAD,
        to_state=OutboxState.PENDING,
        data={
            "channel": message.channel,
            "topic": message.topic,
            "attempts": message.attempts,
            "last_error": message.last_error,
        },
    )
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = ""
    return message
