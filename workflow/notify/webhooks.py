"""Webhooks: subscriptions an administrator registers, and the signed JSON POST that delivers an event.

The body is signed with HMAC-SHA256 over its exact bytes (`X-Signature: sha256=<hex>`); the outbox
message's idempotency key goes in `Idempotency-Key` and in the body's `id`, so a receiver that sees a
retried delivery twice can keep only the first."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from models import User, WebhookSubscription
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import WORKFLOWS
from workflow.core.messages import msg
from workflow.notify.email import DeliveryError
from workflow.permissions import can_administer

ALL_TOPICS = "*"
TIMEOUT_SECONDS = 5.0
MIN_SECRET_LENGTH = 16
MAX_ATTEMPTS_RANGE = (1, 20)
USER_AGENT = "thidua-outbox/1"


def known_topics() -> list[str]:
    """Every topic a workflow definition can emit, for the subscription form."""
    return sorted({t.topic for workflow in WORKFLOWS.values() for t in workflow.transitions.values()})


def subscribed(subscription: WebhookSubscription, topic: str) -> bool:
    return subscription.active and (ALL_TOPICS in subscription.topics or topic in subscription.topics)


def body_for(idempotency_key: str, event: dict[str, Any]) -> dict[str, Any]:
    """The JSON document POSTed for one event; `audiences` is internal routing and stays out."""
    data = {key: value for key, value in event.items() if key != "audiences"}
    return {"id": idempotency_key, "topic": event["topic"], "occurred_at": event["occurred_at"], "data": data}


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """For receivers: does `header` (X-Signature) sign exactly `body` with `secret`? Constant-time."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: urllib would re-send a POST as a bodiless GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, secret: str, idempotency_key: str, body: bytes, timeout: float = TIMEOUT_SECONDS) -> int:
    """POST the signed body; returns the 2xx status. Raises DeliveryError for anything else."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(f"refusing a non-HTTP URL: {url}")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Signature": sign(secret, body),
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        error.close()
        raise DeliveryError(f"HTTP {error.code} from {url}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{url}: {getattr(error, 'reason', error)}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from {url}")
    return status


# --- administration --------------------------------------------------------------------------------------------


def validate_subscription(url: str, secret: str, topics: list[str], max_attempts: int) -> dict[str, list[str]]:
    """Every problem with the input at once, by field name (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = [msg("Địa chỉ phải là URL http:// hoặc https:// đầy đủ.")]
    if len(secret) < MIN_SECRET_LENGTH:
        errors["secret"] = [msg("Khóa bí mật phải có ít nhất %(length)s ký tự.", length=MIN_SECRET_LENGTH)]
    allowed = {*known_topics(), ALL_TOPICS}
    if not topics:
        errors["topics"] = [msg("Chọn ít nhất một sự kiện.")]
    elif unknown := sorted(set(topics) - allowed):
        errors["topics"] = [msg("Sự kiện không tồn tại: %(topics)s.", topics=", ".join(unknown))]
    low, high = MAX_ATTEMPTS_RANGE
    if not low <= max_attempts <= high:
        errors["max_attempts"] = [msg("Số lần gửi tối đa phải từ %(low)s đến %(high)s.", low=low, high=high)]
    return errors


def create_subscription(
    session: Session, *, actor: User, url: str, secret: str, topics: list[str], max_attempts: int = 8
) -> WebhookSubscription:
    """Register a webhook. Raises PermissionDenied, InvalidInput (with every field's problems)."""
    if not can_administer(actor):
        raise PermissionDenied()
    errors = validate_subscription(url, secret, topics, max_attempts)
    if errors:
        raise InvalidInput(errors)
    subscription = WebhookSubscription(
        url=url.strip(), secret=secret, topics=sorted(set(topics)), active=True, max_attempts=max_attempts
    )
    session.add(subscription)
    session.flush()
    # The secret stays out of the audit log, which everyone with audit access can read.
    audit.append(
        session,
        entity_type="webhook_subscription",
        entity_id=subscription.id,
        action="create",
        actor_id=actor.id,
        data={"url": subscription.url, "topics": subscription.topics, "max_attempts": max_attempts},
    )
    return subscription


def deactivate_subscription(session: Session, subscription: WebhookSubscription, *, actor: User) -> None:
    """Stop delivering to a webhook; its undelivered messages end dead, visible to the administrator.
    Raises PermissionDenied."""
    if not can_administer(actor):
        raise PermissionDenied()
    if not subscription.active:
        return
    subscription.active = False
    audit.append(
        session,
        entity_type="webhook_subscription",
        entity_id=subscription.id,
        action="deactivate",
        actor_id=actor.id,
        data={"url": subscription.url},
    )
