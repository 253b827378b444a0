"""E-mail against a real local SMTP server (aiosmtpd): UTF-8 subjects and bodies arrive intact, each in the
recipient's own language, with a Message-ID derived from the idempotency key."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from models import db
from models.base import utcnow
from models.outbox import OutboxState
from tests.unit.test_dispatcher import children, closed_port, emit, find_user, make_dossier_row, settings_for
from workflow.core.machines import WORKFLOWS
from workflow.notify import messages
from workflow.notify.dispatcher import dispatch_pending
from workflow.notify.email import DeliveryError, MailSettings, build_message, message_id, send


class Inbox:
    """The aiosmtpd handler: keeps every message it is handed."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def parsed(self) -> dict[str, EmailMessage]:
        return {
            envelope.rcpt_tos[0]: email.message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in self.envelopes
        }


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd checks its port by connecting to it, so it cannot take port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_emails_arrive_with_vietnamese_intact_in_each_recipients_language(demo):
    find_user("truong.pleikan").language = "en"
    dossier = make_dossier_row()
    event = emit(
        dossier,
        actor="noivu",
        audiences=["unit_officers", "unit_heads"],
        topic="dossier.returned",
        action="return_for_supplement",
        data={"missing_items": ["Biên bản họp bình xét của Hội đồng Thi đua cơ sở"], "comment": "Thiếu chữ ký"},
    )
    with smtp_server() as (inbox, port):
        report = dispatch_pending(db.session, utcnow(), settings=settings_for(mail_port=port))

    received = inbox.parsed()
    assert set(received) == {"canbo.pleikan@ngochoi.example", "truong.pleikan@ngochoi.example"}
    vietnamese = received["canbo.pleikan@ngochoi.example"]
    assert vietnamese["Subject"] == f"Hồ sơ {dossier.code} bị trả lại để bổ sung"
    assert vietnamese["To"] == "Nguyễn Thị Hồng Nhung <canbo.pleikan@ngochoi.example>"
    assert vietnamese["From"] == "thiduakhenthuong@localhost"
    text = vietnamese.get_content()
    assert text.startswith("Kính gửi Nguyễn Thị Hồng Nhung,")
    assert "của Thị trấn Plei Kần để bổ sung" in text
    assert "  - Biên bản họp bình xét của Hội đồng Thi đua cơ sở" in text
    assert "Người thực hiện: Lê Thị Thu Hà" in text
    assert f"http://localhost:5000/dossiers/{dossier.id}" in text
    english = received["truong.pleikan@ngochoi.example"]
    assert english["Subject"] == f"Dossier {dossier.code} was returned for completion"
    assert english.get_content().startswith("Dear Trần Văn Tâm,")

    sent = children(event, "email")
    assert [m.state for m in sent] == [OutboxState.SENT, OutboxState.SENT]
    assert all(m.sent_at is not None for m in sent)
    by_address = {m.recipient: m for m in sent}
    for address, message in received.items():
        assert message["Message-ID"] == message_id(by_address[address].idempotency_key, "thiduakhenthuong@localhost")
    assert report.emails == 2


def test_a_retried_email_keeps_its_message_id_so_copies_fold(demo):
    event = emit(make_dossier_row(), actor="canbo.pleikan")
    dispatch_pending(db.session, utcnow(), settings=settings_for())  # SMTP down: the first attempt fails
    (outbox_email,) = children(event, "email")
    assert outbox_email.state == OutboxState.PENDING

    with smtp_server() as (inbox, port):
        dispatch_pending(db.session, outbox_email.next_attempt_at, settings=settings_for(mail_port=port))

    (message,) = inbox.parsed().values()
    assert message["Message-ID"] == message_id(outbox_email.idempotency_key, "thiduakhenthuong@localhost")
    db.session.refresh(outbox_email)
    assert (outbox_email.state, outbox_email.attempts) == (OutboxState.SENT, 2)


def test_build_message_encodes_utf8_headers_and_body():
    settings = MailSettings(sender="thiduakhenthuong@ngochoi.example")
    message = build_message(
        settings,
        to="a@example.org",
        to_name="Y Thương",
        subject="Hồ sơ đã được tiếp nhận",
        body="Đắk Xú",
        idempotency_key="event:x:email:1",
    )
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # RFC 2047 keeps non-ASCII headers 7-bit clean
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Hồ sơ đã được tiếp nhận"
    assert parsed.get_content().strip() == "Đắk Xú"
    assert parsed["Message-ID"].endswith("@ngochoi.example>")
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_an_unreachable_smtp_server_is_a_delivery_error():
    settings = MailSettings(server="127.0.0.1", port=closed_port(), timeout=5)
    message = build_message(settings, to="a@example.org", to_name="", subject="x", body="y", idempotency_key="k")
    with pytest.raises(DeliveryError, match=r"SMTP 127\.0\.0\.1"):
        send(settings, message)


def test_mail_settings_come_from_the_mail_config_keys():
    config = {
        "MAIL_SERVER": "smtp.ngochoi.example",
        "MAIL_PORT": "587",
        "MAIL_USE_TLS": True,
        "MAIL_USERNAME": "thidua",
        "MAIL_PASSWORD": "secret",
        "MAIL_DEFAULT_SENDER": "thidua@ngochoi.example",
    }
    assert MailSettings.from_config(config) == MailSettings(
        server="smtp.ngochoi.example",
        port=587,
        use_tls=True,
        username="thidua",
        password="secret",
        sender="thidua@ngochoi.example",
    )


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_workflow_topic_has_its_own_title_and_email_template(language):
    topics = {spec.topic for workflow in WORKFLOWS.values() for spec in workflow.transitions.values()}
    missing_titles = sorted(t for t in topics if language not in messages.TITLES.get(t, {}))
    missing_templates = sorted(t for t in topics if not (messages.TEMPLATE_DIR / language / f"{t}.txt").is_file())
    assert (missing_titles, missing_templates) == ([], []), "add texts in workflow/notify/messages.py and templates/"


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_template_renders_with_and_without_the_optional_parts(language):
    topics = sorted(messages.TITLES)
    for topic in topics:
        bare = messages.EventFacts(topic=topic, action="act", dossier_id=1, dossier_code="HS-2024-00001")
        full = messages.EventFacts(
            topic=topic,
            action="act",
            dossier_id=1,
            dossier_code="HS-2024-00001",
            dossier_title="Khen thưởng năm 2024",
            unit_name="Xã Đắk Xú",
            nominee="A Phong",
            actor_name="Lê Thị Thu Hà",
            comment="Ghi chú",
            reason="criteria_not_met",
            missing_items=["Báo cáo thành tích"],
            occurred_at=utcnow(),
        )
        for facts in (bare, full):
            text = messages.email_text(facts, language, recipient_name="Y Thương", base_url="https://tdkt.example")
            assert "https://tdkt.example/dossiers/1" in text.body
            assert "{" not in text.title and "{{" not in text.body
        assert "Không đạt tiêu chuẩn" in text.body or "Criteria not met" in text.body
