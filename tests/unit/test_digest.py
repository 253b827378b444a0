"""The daily digest against a real local SMTP server: one e-mail per user listing the dossiers on their worklists
that are overdue or due within three working days, in working days; nothing the second time the same day, nothing
for a user who turned it off, nothing when nothing is due, nothing on a day off.

Expected figures are counted by hand from the demo story (workflow/demo/, as seeded on 16 June 2025; the calendar
has no holiday in June–July 2025 after 30 April–1 May):
* HS-2024-00024 (Phòng GD&ĐT), awaiting the chairman's decision, due Mon 30/06/2025;
* HS-2023-00005 (Plei Kần) and HS-2023-00012 (Đắk Xú) in council, HS-2023-00019 (Phòng GD&ĐT) accepted, all due
  Mon 14/07/2025; the other dossiers have no running clock (drafts, with the head, submitted, returned, closed,
  forwarded: a forwarded one keeps its old due date, which must not count).
On Thu 10/07/2025: 00024 is 8 working days late (1–4 and 7–10 July); the three others have 2 left (Fri 11, Mon 14)."""

from __future__ import annotations

import email
from datetime import date
from email import policy

import pytest
from sqlalchemy import select

from models import OutboxMessage, db
from models.base import utcnow
from tests.unit.test_dispatcher import find_user, settings_for
from tests.unit.test_email import smtp_server
from workflow.notify.digest import TOPIC, send_digests
from workflow.notify.dispatcher import dispatch_pending
from workflow.notify.preferences import save_preferences

DAY = date(2025, 7, 10)
BASE = "https://thidua.ngochoi.example"
MEMBERS = [f"uyvien{n}" for n in range(1, 8)]
# Who follows what on that day, by their home worklists.
EXPECTED = {
    "noivu": ["HS-2024-00024", "HS-2023-00019"],  # overdue list + accepted list
    "thuky": ["HS-2024-00024"],  # the secretary's overdue list
    "chutich": ["HS-2024-00024", "HS-2023-00005", "HS-2023-00012"],  # awaiting decision + agenda as a member
    **{member: ["HS-2023-00005", "HS-2023-00012"] for member in MEMBERS},  # the 16 June session's agenda
    "canbo.pleikan": ["HS-2023-00005"],
    "truong.pleikan": ["HS-2023-00005"],
    "canbo.dakxu": ["HS-2023-00012"],
    "truong.dakxu": ["HS-2023-00012"],
    "canbo.pgddt": ["HS-2024-00024", "HS-2023-00019"],
    "truong.pgddt": ["HS-2024-00024", "HS-2023-00019"],
}


def digests(inbox) -> dict:
    """The digests received, by username; fails if anyone got two. (The story's own pending events are delivered
    in the same pass, so the inbox holds their e-mails too.)"""
    received = {}
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        if message["Subject"].startswith(("Bản tin ngày", "Digest for")):
            username = envelope.rcpt_tos[0].partition("@")[0]
            assert username not in received, f"{username} got two digests"
            received[username] = message
    return received


def deliver(inbox_port: int) -> None:
    dispatch_pending(db.session, utcnow(), limit=500, settings=settings_for(mail_port=inbox_port))


def test_each_user_gets_one_email_listing_their_overdue_and_due_dossiers_in_working_days(demo_story):
    with smtp_server() as (inbox, port):
        report = send_digests(db.session, DAY, base_url=BASE)
        db.session.commit()
        deliver(port)

    received = digests(inbox)
    assert report.queued == 16
    assert set(received) == set(EXPECTED)
    for username, codes in EXPECTED.items():
        text = received[username].get_content()
        assert [code for code in codes if code in text] == codes, username
        assert [c for c in ("HS-2024-00024", "HS-2023-00005", "HS-2023-00012", "HS-2023-00019") if c in text] == [
            c for c in ("HS-2024-00024", "HS-2023-00005", "HS-2023-00012", "HS-2023-00019") if c in codes
        ], username

    office = received["canbo.pgddt"]
    assert office["Subject"] == "Bản tin ngày 10/07/2025: 1 hồ sơ quá hạn, 1 hồ sơ sắp đến hạn"
    text = office.get_content()
    assert text.startswith("Kính gửi ")
    assert "Quá hạn:\n  - HS-2024-00024 – " in text
    assert "(Phòng Giáo dục và Đào tạo): quá hạn 8 ngày làm việc (hạn 30/06/2025)" in text
    assert "Sắp đến hạn:\n  - HS-2023-00019 – " in text
    assert ": còn 2 ngày làm việc (hạn 14/07/2025)" in text
    assert text.index("HS-2024-00024") < text.index("HS-2023-00019")
    assert f"{BASE}/dossiers/" in text
    assert f"{BASE}/account/notifications" in text
    # Nobody without a followed dossier due: the administrator, the head of Phòng Nội vụ, the new commune's people.
    assert not {"admin", "truong.noivu", "vanphong.xa", "canbo.vhxh"} & set(received)


def test_a_user_reads_the_digest_in_their_own_language(demo_story):
    find_user("canbo.pleikan").language = "en"
    with smtp_server() as (inbox, port):
        send_digests(db.session, DAY, base_url=BASE)
        db.session.commit()
        deliver(port)

    english = digests(inbox)["canbo.pleikan"]
    assert english["Subject"] == "Digest for 10/07/2025: 0 overdue, 1 due soon"
    assert "(Thị trấn Plei Kần): 2 working days left (due 14/07/2025)" in english.get_content()


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(demo_story):
    with smtp_server() as (inbox, port):
        send_digests(db.session, DAY, base_url=BASE)
        db.session.commit()
        again = send_digests(db.session, DAY, base_url=BASE)
        db.session.commit()
        deliver(port)

    assert (again.queued, again.already_sent) == (0, 16)
    assert len(digests(inbox)) == 16  # one each: digests() fails on a second one

    next_day = send_digests(db.session, date(2025, 7, 11), base_url=BASE)
    assert next_day.queued == 16
    keys = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.topic == TOPIC, OutboxMessage.recipient == "noivu@ngochoi.example"
        )
    ).all()
    noivu = find_user("noivu").id
    assert sorted(keys) == [f"digest:{noivu}:2025-07-10", f"digest:{noivu}:2025-07-11"]


def test_a_user_who_turned_the_digest_off_gets_none(demo_story):
    save_preferences(db.session, find_user("canbo.pgddt"), email_on=["dossier"], daily_digest=False)
    db.session.commit()

    with smtp_server() as (inbox, port):
        report = send_digests(db.session, DAY, base_url=BASE)
        db.session.commit()
        deliver(port)

    received = digests(inbox)
    assert "canbo.pgddt" not in received
    assert "truong.pgddt" in received  # the same unit's head still wants it
    assert (report.queued, report.opted_out) == (15, 1)


def test_nothing_due_means_no_digest(demo_story):
    # On the story's own day the nearest due date, 30/06/2025, is 10 working days away: beyond the three.
    report = send_digests(db.session, date(2025, 6, 16), base_url=BASE)

    assert report.queued == 0
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == TOPIC)).all() == []


def test_no_digest_on_a_day_off(demo_story):
    report = send_digests(db.session, date(2025, 7, 12), base_url=BASE)  # a Saturday

    assert report.day_off and report.queued == 0
    assert "không phải ngày làm việc" in report.summary()


@pytest.mark.today("2025-07-10")
def test_flask_digest_send_queues_and_commits(app, demo_story):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["digest", "send", "--today", "2025-07-10"])
    second = runner.invoke(args=["digest", "send"])

    assert first.exit_code == 0, first.output
    assert "16 e-mail đã xếp hàng gửi" in first.output
    assert "0 e-mail đã xếp hàng gửi, 16 người đã nhận hôm nay" in second.output
