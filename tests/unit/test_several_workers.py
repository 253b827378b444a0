"""Several processes on one database (docs/operations/scaling.md): two outbox workers draining one backlog deliver
each message exactly once to a real SMTP server, and two app instances share the login throttle and the sessions.

On SQLite the two workers are serialised by its single write lock; they must still not deliver anything twice."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from models import OutboxMessage, db
from models.base import utcnow
from models.outbox import OutboxState
from tests.conftest import AuthActions, make_config
from tests.unit.test_dispatcher import settings_for
from tests.unit.test_email import smtp_server
from web import create_app
from workflow.accounts.users import MAX_FAILURES_PER_ACCOUNT
from workflow.notify.dispatcher import dispatch_pending

BACKLOG = 24
WORKERS = 2
DRAIN_SECONDS = 30


def queue_emails(count: int) -> None:
    """A backlog of e-mails as the expansion writes them, each to its own address so the inbox can be counted."""
    now = utcnow()
    for number in range(count):
        db.session.add(
            OutboxMessage(
                topic="dossier.submitted_to_head",
                channel="email",
                recipient=f"nguoi{number}@ngochoi.example",
                payload={"to_name": f"Người {number}", "subject": f"Hồ sơ {number}", "body": "Nội dung."},
                idempotency_key=f"backlog:{number}:email",
                state=OutboxState.PENDING,
                attempts=0,
                next_attempt_at=now,
                last_error="",
            )
        )
    db.session.commit()


def pending_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)
    )


def run_worker(url, settings, errors: list[BaseException]) -> None:
    """What `flask outbox run` does, in small passes, with its own engine and session, until nothing is pending."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            deadline = time.monotonic() + DRAIN_SECONDS
            while time.monotonic() < deadline:
                report = dispatch_pending(session, utcnow(), limit=3, settings=settings)
                if report.handled == 0:
                    if pending_count(session) == 0:
                        return
                    session.rollback()
                    time.sleep(0.02)  # the other worker holds the rows (or, on SQLite, the write lock)
    except BaseException as error:  # reported to the test's thread
        errors.append(error)
    finally:
        engine.dispose()


def test_two_workers_drain_one_backlog_and_each_email_arrives_exactly_once(demo):
    queue_emails(BACKLOG)
    url = db.engine.url
    errors: list[BaseException] = []
    with smtp_server() as (inbox, port):
        settings = settings_for(port)
        workers = [threading.Thread(target=run_worker, args=(url, settings, errors)) for _ in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(DRAIN_SECONDS + 5)
    assert not errors
    received = Counter(rcpt for envelope in inbox.envelopes for rcpt in envelope.rcpt_tos)
    assert received == Counter({f"nguoi{number}@ngochoi.example": 1 for number in range(BACKLOG)})
    db.session.expire_all()
    states = Counter(db.session.scalars(select(OutboxMessage.state).where(OutboxMessage.channel == "email")))
    assert states == Counter({OutboxState.SENT: BACKLOG})


def second_instance(first):
    """Another app process on the same database and upload folder, built from the same settings."""
    app = create_app(make_config(first.config["SQLALCHEMY_DATABASE_URI"], first.config["UPLOAD_DIR"]))
    app.test_client_class = first.test_client_class
    return app


def test_login_failures_on_two_instances_add_up_to_one_throttle(_app, demo):
    second = second_instance(_app)
    try:
        instances = [AuthActions(_app.test_client()), AuthActions(second.test_client())]
        for attempt in range(MAX_FAILURES_PER_ACCOUNT):
            assert instances[attempt % 2].login("truong.pleikan", "sai").status_code == 401
        # Three refusals on the first, two on the second: five in all, so both now refuse the right password.
        assert instances[0].login("truong.pleikan", "demo").status_code == 429
        assert instances[1].login("truong.pleikan", "demo").status_code == 429
    finally:
        with second.app_context():
            db.engine.dispose()


def test_a_session_opened_on_one_instance_is_valid_on_the_other(_app, demo):
    second = second_instance(_app)
    try:
        first_client, second_client = _app.test_client(), second.test_client()
        assert AuthActions(first_client).login("canbo.pleikan").status_code == 302
        assert second_client.get("/dossiers").status_code == 302  # not signed in there yet: sent to the login page
        second_client.set_cookie("session", first_client.get_cookie("session").value)
        assert second_client.get("/dossiers").status_code == 200
    finally:
        with second.app_context():
            db.engine.dispose()
