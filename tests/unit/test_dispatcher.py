"""The outbox dispatcher: one event becomes notifications for the right people, e-mails and webhooks — once —
and every delivery is retried with backoff until it succeeds or ends dead where the administrator sees it."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session

from config import TestingConfig
from models import AuditEntry, Dossier, Notification, OutboxMessage, Unit, User, UserRole, db
from models.base import utcnow
from models.outbox import OutboxState
from web import create_app
from web.cli import outbox as outbox_commands
from web.cli.outbox import install_after_commit_flush, outbox_cli
from workflow.accounts.users import create_user
from workflow.core import audit
from workflow.dossiers import transitions as steps
from workflow.notify import audiences
from workflow.notify.dispatcher import (
    NotDead,
    OutboxSettings,
    backoff,
    claim_due,
    dispatch_pending,
    retry_dead,
)
from workflow.notify.email import MailSettings
from workflow.notify.outbox import enqueue_event
from workflow.notify.signals import event_signal

HOUR = timedelta(hours=1)


# --- helpers shared with the other outbox test modules -----------------------------------------------------------


def closed_port() -> int:
    """A local port nobody listens on, so a delivery there fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_for(mail_port: int | None = None, **overrides) -> OutboxSettings:
    mail = MailSettings(server="127.0.0.1", port=mail_port or closed_port(), timeout=5)
    return OutboxSettings(mail=mail, **overrides)


def find_user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def make_dossier_row(unit_code: str = "TT-PLEIKAN", creator: str = "canbo.pleikan") -> Dossier:
    """A bare dossier row: enough for the outbox, which only reads its unit, authority, code and title."""
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).one()
    dossier = Dossier(
        unit_id=unit.id,
        authority_id=unit.authority_id,
        procedure="regular",
        year=2024,
        title="Đề nghị khen thưởng năm 2024",
        created_by_id=find_user(creator).id,
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier


def emit(
    dossier: Dossier,
    *,
    actor: str,
    audiences: Iterable[str] = ("unit_heads",),
    topic: str = "dossier.submitted_to_head",
    action: str = "submit_to_head",
    data: dict | None = None,
) -> OutboxMessage:
    """Write an event as `engine.fire` does (audit entry + outbox event) and commit it."""
    entry = audit.append(
        db.session,
        entity_type="dossier",
        entity_id=dossier.id,
        dossier_id=dossier.id,
        action=action,
        actor_id=find_user(actor).id,
        from_state="draft",
        to_state="awaiting_head",
        data=data or {},
    )
    message = enqueue_event(db.session, topic=topic, entry=entry, audiences=list(audiences))
    db.session.commit()
    return message


def notified_usernames(event: OutboxMessage | None = None) -> list[str]:
    statement = select(User.username).join(Notification, Notification.user_id == User.id).order_by(User.username)
    if event is not None:
        statement = statement.where(Notification.outbox_message_id == event.id)
    return list(db.session.scalars(statement))


def children(event: OutboxMessage, channel: str) -> list[OutboxMessage]:
    statement = select(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.idempotency_key.startswith(f"{event.idempotency_key}:")
    )
    return list(db.session.scalars(statement.order_by(OutboxMessage.id)))


# --- expansion ---------------------------------------------------------------------------------------------------


def test_unit_heads_event_notifies_the_unit_head_only(demo):
    dossier = make_dossier_row()
    event = emit(dossier, actor="canbo.pleikan", audiences=["unit_heads"])

    report = dispatch_pending(db.session, utcnow(), settings=settings_for())

    assert notified_usernames() == ["truong.pleikan"]
    notification = db.session.scalars(select(Notification)).one()
    assert notification.title == f"Hồ sơ {dossier.code} đang chờ Thủ trưởng ký duyệt"
    assert notification.link == f"/dossiers/{dossier.id}"
    assert notification.topic == "dossier.submitted_to_head"
    assert notification.read_at is None
    db.session.refresh(event)
    assert (event.state, event.attempts) == (OutboxState.SENT, 1)
    assert [m.recipient for m in children(event, "email")] == ["truong.pleikan@ngochoi.example"]
    assert (report.events, report.notifications) == (1, 1)


def test_a_transition_fired_by_a_service_reaches_the_unit_head_after_commit(make_dossier):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=find_user("canbo.pleikan"), comment="Kính trình")
    db.session.commit()

    dispatch_pending(db.session, utcnow(), settings=settings_for())

    assert notified_usernames() == ["truong.pleikan"]
    notification = db.session.scalars(select(Notification)).one()
    assert notification.title == f"Hồ sơ {dossier.code} đang chờ Thủ trưởng ký duyệt"
    assert "Ý kiến: Kính trình" in notification.body


def test_actor_is_never_told_of_their_own_action(demo):
    dossier = make_dossier_row()
    emit(dossier, actor="truong.pleikan", audiences=["unit_heads", "unit_officers"], topic="dossier.sent_back")

    dispatch_pending(db.session, utcnow(), settings=settings_for())

    assert notified_usernames() == ["canbo.pleikan"]


def test_someone_in_two_audiences_is_told_once(demo):
    both = find_user("truong.pleikan")
    both.role_rows.append(UserRole(role="unit_officer"))
    dossier = make_dossier_row()
    event = emit(dossier, actor="noivu", audiences=["unit_officers", "unit_heads"], topic="dossier.accepted")

    dispatch_pending(db.session, utcnow(), settings=settings_for())

    assert notified_usernames(event) == ["canbo.pleikan", "truong.pleikan"]
    assert len(children(event, "email")) == 2


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("unit_officers", ["canbo.pleikan"]),
        ("unit_heads", ["truong.pleikan"]),
        ("office", ["noivu"]),
        ("chairman", ["chutich"]),
        ("office_head", ["truong.noivu"]),
    ],
)
def test_each_audience_is_one_query_and_finds_its_people(demo, audience, expected):
    create_user(
        db.session,
        username="canbo.nghiviec",
        full_name="Cán bộ đã nghỉ việc",
        password="demo",
        roles=("unit_officer", "unit_head", "office", "chairman"),
        unit_id=find_user("canbo.pleikan").unit_id,
    ).active = False
    dossier = make_dossier_row()
    payload = {"dossier_id": dossier.id, "actor_id": find_user("admin").id}
    db.session.commit()

    statements = []
    with _counting(statements):
        users = audiences.resolve(db.session, audience, payload)

    assert [u.username for u in users] == expected
    assert len(statements) == 1


def test_an_unknown_audience_fails_the_event_visibly(demo):
    event = emit(make_dossier_row(), actor="canbo.pleikan", audiences=["nobody"])

    report = dispatch_pending(db.session, utcnow(), settings=settings_for())

    db.session.refresh(event)
    assert event.state == OutboxState.PENDING
    assert "UnknownAudience" in event.last_error
    assert (report.events, report.failed) == (0, 1)


def test_redispatching_an_event_creates_no_duplicates(demo):
    event = emit(make_dossier_row(), actor="noivu", audiences=["unit_officers", "unit_heads"], topic="dossier.accepted")
    now = utcnow()
    dispatch_pending(db.session, now, settings=settings_for())
    before = (
        db.session.scalar(select(func.count(Notification.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )

    # As if a worker died after expanding but before anyone knew: the same event is expanded again.
    db.session.refresh(event)
    event.state, event.sent_at, event.next_attempt_at = OutboxState.PENDING, None, now
    db.session.commit()
    report = dispatch_pending(db.session, now, settings=settings_for())

    after = (
        db.session.scalar(select(func.count(Notification.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )
    assert after == before == (2, 3)
    assert report.events == 1
    assert report.notifications == 0


def test_notifications_speak_each_recipients_language(demo):
    find_user("truong.pleikan").language = "en"
    dossier = make_dossier_row()
    emit(
        dossier,
        actor="noivu",
        audiences=["unit_officers", "unit_heads"],
        topic="dossier.returned",
        action="return_for_supplement",
        data={"missing_items": ["Biên bản họp bình xét"], "comment": "Thiếu chữ ký"},
    )

    dispatch_pending(db.session, utcnow(), settings=settings_for())

    rows = db.session.execute(
        select(User.username, Notification.title).join(Notification, Notification.user_id == User.id)
    )
    titles = dict(rows.all())
    assert titles == {
        "canbo.pleikan": f"Hồ sơ {dossier.code} bị trả lại để bổ sung",
        "truong.pleikan": f"Dossier {dossier.code} was returned for completion",
    }
    body = db.session.scalar(select(Notification.body).where(Notification.title.startswith("Hồ sơ")))
    assert "Cần bổ sung: Biên bản họp bình xét" in body
    assert "Người thực hiện: Lê Thị Thu Hà" in body


# --- retries, backoff, dead letters ------------------------------------------------------------------------------


def test_backoff_doubles_from_its_base_and_stops_at_an_hour():
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, 30) == HOUR
    assert backoff(3, 0) == timedelta(0)


def test_a_failing_email_is_retried_with_backoff_then_dead(demo):
    event = emit(make_dossier_row(), actor="canbo.pleikan", audiences=["unit_heads"])
    settings = settings_for(backoff_seconds=30, max_attempts=3)
    now = utcnow()

    dispatch_pending(db.session, now, settings=settings)
    (email,) = children(event, "email")
    assert (email.state, email.attempts, email.next_attempt_at) == (OutboxState.PENDING, 1, now + timedelta(seconds=30))
    assert email.last_error.startswith("SMTP 127.0.0.1:")

    assert dispatch_pending(db.session, now + timedelta(seconds=29), settings=settings).handled == 0
    dispatch_pending(db.session, now + HOUR, settings=settings)
    db.session.refresh(email)
    assert (email.attempts, email.next_attempt_at) == (2, now + HOUR + timedelta(seconds=60))

    report = dispatch_pending(db.session, now + 2 * HOUR, settings=settings)
    db.session.refresh(email)
    assert (email.state, email.attempts, email.next_attempt_at) == (OutboxState.DEAD, 3, None)
    assert report.dead == 1
    assert dispatch_pending(db.session, now + 10 * HOUR, settings=settings).handled == 0


def test_retrying_a_dead_letter_puts_it_back_in_the_queue_and_audits_it(demo):
    event = emit(make_dossier_row(), actor="canbo.pleikan", audiences=["unit_heads"])
    dispatch_pending(db.session, utcnow(), settings=settings_for(max_attempts=1))
    (email,) = children(event, "email")
    assert email.state == OutboxState.DEAD

    retry_dead(db.session, email.id, find_user("admin"))
    db.session.commit()

    db.session.refresh(email)
    assert (email.state, email.attempts, email.last_error) == (OutboxState.PENDING, 0, "")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "outbox_message")).one()
    assert (entry.entity_id, entry.action, entry.from_state, entry.to_state) == (email.id, "retry", "dead", "pending")
    assert entry.actor_id == find_user("admin").id
    assert audit.verify_chain(db.session) is None
    with pytest.raises(NotDead):
        retry_dead(db.session, email.id, find_user("admin"))


# --- hooks -------------------------------------------------------------------------------------------------------


def test_a_plugin_hook_hears_each_event_once_with_its_payload(demo):
    heard = []

    def receiver(topic, *, payload, session):
        heard.append((topic, payload["dossier_id"], payload["action"]))

    dossier = make_dossier_row()
    emit(dossier, actor="canbo.pleikan")
    with event_signal.connected_to(receiver, sender="dossier.submitted_to_head"):
        dispatch_pending(db.session, utcnow(), settings=settings_for())
        dispatch_pending(db.session, utcnow() + HOUR, settings=settings_for())

    assert heard == [("dossier.submitted_to_head", dossier.id, "submit_to_head")]


def test_a_failing_hook_undoes_the_expansion_and_the_event_is_retried(demo):
    def broken(topic, **_):
        raise RuntimeError("plugin bug")

    event = emit(make_dossier_row(), actor="canbo.pleikan")
    now = utcnow()
    with event_signal.connected_to(broken):
        report = dispatch_pending(db.session, now, settings=settings_for())

    db.session.refresh(event)
    assert (event.state, event.attempts) == (OutboxState.PENDING, 1)
    assert event.last_error == "RuntimeError: plugin bug"
    assert notified_usernames() == []
    assert children(event, "email") == []
    assert report.failed == 1

    dispatch_pending(db.session, now + HOUR, settings=settings_for())
    db.session.refresh(event)
    assert event.state == OutboxState.SENT
    assert notified_usernames() == ["truong.pleikan"]


# --- concurrency -------------------------------------------------------------------------------------------------


def test_two_concurrent_claimers_never_take_the_same_message(demo):
    """PostgreSQL: SKIP LOCKED hands the second worker the next message. SQLite has one writer at a time, so
    the second worker claims nothing until the first commits (a short lock wait, then it backs off)."""
    event = emit(make_dossier_row(), actor="noivu", audiences=["unit_heads", "unit_officers"])
    dispatch_pending(db.session, utcnow(), settings=settings_for())
    due = children(event, "email")
    assert len(due) == 2
    now = utcnow() + HOUR
    dialect = db.engine.dialect.name
    # The second worker gets its own engine, with a short lock wait on SQLite so the test stays quick.
    other_engine = create_engine(db.engine.url, connect_args={"timeout": 0.2} if dialect == "sqlite" else {})
    try:
        with Session(db.engine) as first, Session(other_engine) as second:
            claimed_first = claim_due(first, now, ("email",))
            claimed_second = claim_due(second, now, ("email",))
            taken = {claimed_first.id, claimed_second.id} if claimed_second else {claimed_first.id}
            first.commit()
            second.commit()
    finally:
        other_engine.dispose()

    db.session.expire_all()
    expected = {"postgresql": {m.id for m in due}, "sqlite": {due[0].id}}[dialect]
    assert taken == expected
    attempts = {
        m.id: m.attempts for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    }
    assert sum(attempts.values()) == 2 + len(taken)  # each message was claimed once more, never twice


# --- the CLI and the development flush ---------------------------------------------------------------------------


def test_outbox_run_once_processes_what_is_due_and_prints_the_counts(app, demo, monkeypatch):
    emit(make_dossier_row(), actor="canbo.pleikan")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port())

    result = app.test_cli_runner().invoke(outbox_cli, ["run", "--once"])

    assert result.exit_code == 0, result.output
    assert "events 1, notifications 1" in result.output
    assert "failed (will retry) 1" in result.output
    assert notified_usernames() == ["truong.pleikan"]


def test_outbox_run_stops_after_the_passes_asked_for(app, demo, monkeypatch):
    emit(make_dossier_row(), actor="canbo.pleikan")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port())

    result = app.test_cli_runner().invoke(outbox_cli, ["run", "--passes", "2", "--interval", "0.1"])

    assert result.exit_code == 0, result.output
    assert "events 1, notifications 1" in result.output
    assert result.output.rstrip().endswith("outbox worker stopped")


def test_outbox_run_stops_on_sigterm_after_its_pass_and_restores_the_signal_handlers(app, demo, monkeypatch):
    """SIGTERM arrives while the worker is delivering: it finishes that pass, then stops (no waiting on a clock)."""
    emit(make_dossier_row(), actor="canbo.pleikan")
    default_handler = signal.getsignal(signal.SIGTERM)
    passes = []

    def pass_then_terminate(*args, **kwargs):
        passes.append(signal.getsignal(signal.SIGTERM))
        report = real_dispatch(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        return report

    real_dispatch = outbox_commands.dispatch_pending
    monkeypatch.setattr(outbox_commands, "dispatch_pending", pass_then_terminate)
    result = app.test_cli_runner().invoke(outbox_cli, ["run", "--interval", "60"])

    assert result.exit_code == 0, result.output
    assert len(passes) == 1 and passes[0] != default_handler  # the worker's own handler was in place
    assert "events 1, notifications 1" in result.output
    assert result.output.rstrip().endswith("outbox worker stopped")
    assert signal.getsignal(signal.SIGTERM) == default_handler


def test_outbox_dead_lists_the_dead_letters(app, demo):
    event = emit(make_dossier_row(), actor="canbo.pleikan")
    dispatch_pending(db.session, utcnow(), settings=settings_for(max_attempts=1))
    (email,) = children(event, "email")

    result = app.test_cli_runner().invoke(outbox_cli, ["dead"])

    assert result.exit_code == 0, result.output
    assert f"{email.id}\temail\tdossier.submitted_to_head\ttruong.pleikan@ngochoi.example\t1\tSMTP" in result.output
    assert "1 dead letter(s)" in result.output


def test_development_flushes_the_outbox_right_after_a_request_commits(app, demo):
    config = type(
        "FlushConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "OUTBOX_FLUSH_AFTER_COMMIT": True,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": closed_port(),
        },
    )
    flushing_app = create_app(config)
    install_after_commit_flush(flushing_app)
    try:
        with flushing_app.test_request_context():
            dossier = make_dossier_row()
            event_id = emit(dossier, actor="canbo.pleikan").id
            assert notified_usernames() == []  # nothing is dispatched inside the committing transaction
        db.session.expire_all()
        assert notified_usernames() == ["truong.pleikan"]
        assert db.session.get(OutboxMessage, event_id).state == OutboxState.SENT
    finally:
        with flushing_app.app_context():
            db.engine.dispose()


@contextmanager
def _counting(statements: list[str]) -> Iterator[None]:
    """Record every SQL statement the app's engine runs inside the block."""

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
