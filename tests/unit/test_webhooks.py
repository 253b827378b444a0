"""Webhooks against a real local HTTP server: signed, retried with backoff, delivered once per idempotency key,
and dead after the subscription's max_attempts."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from models import AuditEntry, OutboxMessage, WebhookSubscription, db
from models.base import utcnow
from models.outbox import OutboxState
from tests.unit.test_dispatcher import children, closed_port, emit, find_user, make_dossier_row, settings_for
from workflow.core.errors import InvalidInput
from workflow.notify.dispatcher import dispatch_pending
from workflow.notify.email import DeliveryError
from workflow.notify.webhooks import create_subscription, deactivate_subscription, post, sign, verify_signature

HOUR = timedelta(hours=1)
SECRET = "s3cret-for-tests-only"


class Receiver:
    """What the local server saw: (headers, body, status it answered) per request."""

    def __init__(self, fail_first: int, status: int):
        self.fail_first, self.failure_status = fail_first, status
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.url = ""
        self._lock = threading.Lock()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            seen = sum(1 for h, _, _ in self.requests if h.get("Idempotency-Key") == headers.get("Idempotency-Key"))
            status = self.failure_status if seen < self.fail_first else 200
            self.requests.append((headers, body, status))
            return status

    def successes_per_key(self) -> Counter:
        return Counter(h["Idempotency-Key"] for h, _, status in self.requests if status == 200)


@contextmanager
def receiver(fail_first: int = 0, status: int = 500) -> Iterator[Receiver]:
    """A real HTTP server on a free local port; for each idempotency key it answers `status` to the first
    `fail_first` requests and 200 after that."""
    seen = Receiver(fail_first, status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            code = seen.answer(dict(self.headers), body)
            self.send_response(code)
            if code in (301, 302, 303, 307, 308):
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seen.url = f"http://127.0.0.1:{server.server_port}/hooks/thidua"
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def subscribe(url: str, topics=("*",), max_attempts: int = 8) -> WebhookSubscription:
    subscription = create_subscription(
        db.session, actor=find_user("admin"), url=url, secret=SECRET, topics=list(topics), max_attempts=max_attempts
    )
    db.session.commit()
    return subscription


def run_passes(count: int, start, **settings) -> None:
    for step in range(count):
        dispatch_pending(db.session, start + step * HOUR, settings=settings_for(**settings))


def test_webhook_is_retried_until_accepted_signed_and_delivered_once_per_key(demo):
    with receiver(fail_first=2) as hook:
        subscribe(hook.url, topics=["dossier.submitted_to_head"])
        dossiers = [make_dossier_row(), make_dossier_row()]
        events = [emit(d, actor="canbo.pleikan") for d in dossiers]
        start = utcnow()

        run_passes(4, start, backoff_seconds=30)

        messages = [m for e in events for m in children(e, "webhook")]
        assert [(m.state, m.attempts) for m in messages] == [(OutboxState.SENT, 3), (OutboxState.SENT, 3)]
        keys = [m.idempotency_key for m in messages]
        assert hook.successes_per_key() == {keys[0]: 1, keys[1]: 1}
        assert len(hook.requests) == 6

        for headers, body, _status in hook.requests:
            assert headers["Content-Type"] == "application/json"
            assert verify_signature(SECRET, body, headers["X-Signature"])
            assert not verify_signature("another-secret-of-16", body, headers["X-Signature"])
            document = json.loads(body)
            assert document["id"] == headers["Idempotency-Key"]
        document = json.loads(hook.requests[-1][1])
        assert document["topic"] == "dossier.submitted_to_head"
        assert document["data"]["dossier_id"] == dossiers[1].id
        assert document["data"]["action"] == "submit_to_head"
        assert "audiences" not in document["data"]
        assert document["occurred_at"] == events[1].payload["occurred_at"]

        # The same event expanded again (a crashed worker) reuses the key: nothing new is sent.
        db.session.refresh(events[0])
        events[0].state, events[0].sent_at, events[0].next_attempt_at = OutboxState.PENDING, None, start
        db.session.commit()
        run_passes(2, start + 10 * HOUR)
        assert len(children(events[0], "webhook")) == 1
        assert len(hook.requests) == 6


def test_backoff_spaces_the_retries_of_a_failing_webhook(demo):
    with receiver(fail_first=2) as hook:
        subscribe(hook.url)
        event = emit(make_dossier_row(), actor="canbo.pleikan")
        start = utcnow()

        dispatch_pending(db.session, start, settings=settings_for(backoff_seconds=30))
        (message,) = children(event, "webhook")
        assert message.next_attempt_at == start + timedelta(seconds=30)
        dispatch_pending(db.session, start + timedelta(seconds=29), settings=settings_for(backoff_seconds=30))
        assert len(hook.requests) == 1
        dispatch_pending(db.session, start + timedelta(seconds=30), settings=settings_for(backoff_seconds=30))
        db.session.refresh(message)
        assert message.next_attempt_at == start + timedelta(seconds=90)
        assert message.last_error == f"HTTP 500 from {hook.url}"


def test_a_webhook_that_keeps_failing_ends_dead_after_max_attempts(demo):
    with receiver(fail_first=99, status=503) as hook:
        subscribe(hook.url, max_attempts=3)
        event = emit(make_dossier_row(), actor="canbo.pleikan")

        run_passes(5, utcnow())

        (message,) = children(event, "webhook")
        assert (message.state, message.attempts, message.next_attempt_at) == (OutboxState.DEAD, 3, None)
        assert message.last_error == f"HTTP 503 from {hook.url}"
        assert len(hook.requests) == 3


def test_only_active_subscriptions_to_the_topic_get_the_event(demo):
    with receiver() as hook:
        everything = subscribe(hook.url, topics=["*"])
        subscribe(hook.url, topics=["dossier.accepted"])
        stopped = subscribe(hook.url, topics=["dossier.submitted_to_head"])
        deactivate_subscription(db.session, stopped, actor=find_user("admin"))
        db.session.commit()
        event = emit(make_dossier_row(), actor="canbo.pleikan")

        run_passes(1, utcnow())

        assert [m.recipient for m in children(event, "webhook")] == [str(everything.id)]
        assert len(hook.requests) == 1


def test_messages_of_a_deactivated_subscription_end_dead_without_being_sent(demo):
    with receiver() as hook:
        subscription = subscribe(hook.url)
        event = emit(make_dossier_row(), actor="canbo.pleikan")
        dispatch_pending(db.session, utcnow(), settings=settings_for(), limit=1)  # expands the event only
        deactivate_subscription(db.session, subscription, actor=find_user("admin"))
        db.session.commit()

        run_passes(1, utcnow())

        (message,) = children(event, "webhook")
        assert (message.state, message.last_error) == (OutboxState.DEAD, "webhook subscription is inactive or gone")
        assert hook.requests == []


def test_a_redirect_is_not_a_delivery(demo):
    with receiver(fail_first=1, status=302) as hook:
        body = b'{"id":"k"}'
        with pytest.raises(DeliveryError, match="HTTP 302"):
            post(hook.url, SECRET, "k", body)
        assert post(hook.url, SECRET, "k", body) == 200


def test_an_unreachable_receiver_is_a_delivery_error():
    with pytest.raises(DeliveryError, match="Connection refused"):
        post(f"http://127.0.0.1:{closed_port()}/hook", SECRET, "k", b"{}")


def test_a_signature_verifies_only_the_exact_body_with_the_same_secret():
    body = '{"data":{"title":"Đề nghị khen thưởng"},"id":"event:abc:webhook:1"}'.encode()
    header = sign(SECRET, body)
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert verify_signature(SECRET, body, header)
    assert not verify_signature(SECRET, body + b" ", header)
    assert not verify_signature("a-different-secret!", body, header)
    assert not verify_signature(SECRET, body, header.removeprefix("sha256="))
    assert not verify_signature(SECRET, body, None)
    assert not verify_signature(SECRET, body, "")


def test_registering_a_webhook_reports_every_problem_and_writes_nothing(demo):
    with pytest.raises(InvalidInput) as raised:
        create_subscription(
            db.session,
            actor=find_user("admin"),
            url="ftp://example.org/hook",
            secret="short",
            topics=["dossier.submitted", "no.such_topic"],
            max_attempts=0,
        )
    assert set(raised.value.errors) == {"url", "secret", "topics", "max_attempts"}
    db.session.rollback()
    assert db.session.scalars(select(WebhookSubscription)).all() == []


def test_registering_a_webhook_is_audited_without_its_secret(demo):
    subscription = subscribe("https://hooks.example.org/thidua", topics=["dossier.decided", "dossier.closed"])

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "webhook_subscription")).one()
    assert (entry.entity_id, entry.action) == (subscription.id, "create")
    assert entry.data == {
        "url": "https://hooks.example.org/thidua",
        "topics": ["dossier.closed", "dossier.decided"],
        "max_attempts": 8,
    }
    assert SECRET not in json.dumps(entry.data)
    assert db.session.scalars(select(OutboxMessage)).all() == []
