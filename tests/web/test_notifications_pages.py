"""The bell and the notifications page; the administrator's webhook and dead-letter pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Notification, OutboxMessage, WebhookSubscription, db
from models.base import utcnow
from models.outbox import OutboxState
from tests.conftest import csrf_token_from
from tests.unit.test_dispatcher import children, emit, find_user, make_dossier_row, settings_for
from tests.unit.test_webhooks import receiver
from workflow.notify.dispatcher import dispatch_pending
from workflow.notify.preferences import preferences_of


def notify(username: str, title: str, *, read: bool = False, link: str = "/dossiers/1") -> Notification:
    notification = Notification(
        user_id=find_user(username).id,
        topic="dossier.accepted",
        title=title,
        body="Đề nghị khen thưởng năm 2024\nNgười thực hiện: Lê Thị Thu Hà",
        link=link,
        read_at=utcnow() if read else None,
    )
    db.session.add(notification)
    db.session.commit()
    return notification


def post(client, url: str, **data):
    token = csrf_token_from(client.get("/notifications").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_bell_shows_how_many_notifications_are_unread(demo, client, auth):
    notify("truong.pleikan", "Hồ sơ HS-2024-00001 đã được tiếp nhận")
    notify("truong.pleikan", "Hồ sơ HS-2024-00002 đã được tiếp nhận")
    notify("truong.pleikan", "Hồ sơ cũ", read=True)
    notify("canbo.pleikan", "Thông báo của người khác")
    auth.login("truong.pleikan")

    html = client.get("/unit").get_data(as_text=True)

    assert 'aria-label="2 thông báo chưa đọc"' in html
    assert '<span class="visually-hidden">Thông báo</span>' in html
    assert 'href="/notifications"' in html


def test_no_badge_when_everything_is_read(demo, client, auth):
    notify("truong.pleikan", "Hồ sơ cũ", read=True)
    auth.login("truong.pleikan")

    html = client.get("/unit").get_data(as_text=True)

    assert "chưa đọc" not in html
    assert 'data-testid="bell"' in html


def test_notifications_page_lists_the_users_own_newest_first_unread_in_bold(demo, client, auth):
    notify("truong.pleikan", "Thông báo cũ đã đọc", read=True)
    notify("truong.pleikan", "Thông báo mới chưa đọc")
    notify("canbo.pleikan", "Thông báo của người khác")
    auth.login("truong.pleikan")

    html = client.get("/notifications").get_data(as_text=True)

    assert html.index("Thông báo mới chưa đọc") < html.index("Thông báo cũ đã đọc")
    assert "Thông báo của người khác" not in html
    assert re.search(r'class="fw-bold">\s*<span class="visually-hidden">Chưa đọc: </span>Thông báo mới chưa đọc', html)
    assert re.search(r'class="fw-normal">\s*Thông báo cũ đã đọc', html)
    assert "Người thực hiện: Lê Thị Thu Hà" in html


def test_user_marks_a_notification_read(demo, client, auth):
    first = notify("truong.pleikan", "Một")
    notify("truong.pleikan", "Hai")
    auth.login("truong.pleikan")

    response = post(client, f"/notifications/{first.id}/read")

    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications"
    db.session.refresh(first)
    assert first.read_at is not None
    assert 'aria-label="1 thông báo chưa đọc"' in client.get("/notifications").get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_follows_its_link(demo, client, auth):
    notification = notify("truong.pleikan", "Một", link="/dossiers/7")
    auth.login("truong.pleikan")

    response = post(client, f"/notifications/{notification.id}/read", open="1")

    assert response.headers["Location"] == "/dossiers/7"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_opening_never_leaves_the_site(demo, client, auth):
    notification = notify("truong.pleikan", "Một", link="//evil.example/phish")
    auth.login("truong.pleikan")

    response = post(client, f"/notifications/{notification.id}/read", open="1")

    assert response.headers["Location"] == "/notifications"


def test_user_marks_all_read_without_touching_anyone_elses(demo, client, auth):
    mine = [notify("truong.pleikan", "Một"), notify("truong.pleikan", "Hai")]
    theirs = notify("canbo.pleikan", "Ba")
    auth.login("truong.pleikan")

    assert post(client, "/notifications/read-all").status_code == 302

    db.session.expire_all()
    assert all(n.read_at is not None for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None
    assert 'data-testid="unread-count"' not in client.get("/notifications").get_data(as_text=True)


def test_another_users_notification_is_not_found(demo, client, auth):
    theirs = notify("canbo.pleikan", "Của người khác")
    auth.login("truong.pleikan")

    response = post(client, f"/notifications/{theirs.id}/read")

    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


# --- administration ----------------------------------------------------------------------------------------------

ADMIN_PAGES = ["/admin/webhooks", "/admin/webhooks/new", "/admin/outbox/dead"]


@pytest.mark.parametrize("username", ["noivu", "chutich", "truong.pleikan", "canbo.pleikan"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_non_admin_gets_403_on_the_outbox_admin_pages(demo, client, auth, username, url):
    auth.login(username)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_sees_the_outbox_admin_pages(demo, client, auth, url):
    auth.login("admin")
    assert client.get(url).status_code == 200


def _webhook_form(client, **fields):
    token = csrf_token_from(client.get("/admin/webhooks/new").get_data(as_text=True))
    return client.post("/admin/webhooks/new", data={"csrf_token": token, **fields})


def test_admin_registers_a_webhook(demo, client, auth):
    auth.login("admin")

    response = _webhook_form(
        client,
        url="https://hooks.ngochoi.example/thidua",
        secret="a-long-enough-secret",
        topics=["dossier.submitted", "dossier.decided"],
        max_attempts="5",
    )

    assert response.status_code == 302
    subscription = db.session.scalars(select(WebhookSubscription)).one()
    assert (subscription.url, subscription.topics, subscription.max_attempts, subscription.active) == (
        "https://hooks.ngochoi.example/thidua",
        ["dossier.decided", "dossier.submitted"],
        5,
        True,
    )
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert "https://hooks.ngochoi.example/thidua" in page
    assert "a-long-enough-secret" not in page


def test_a_bad_webhook_form_is_refused_with_every_field_error_and_nothing_written(demo, client, auth):
    auth.login("admin")

    response = _webhook_form(client, url="javascript:alert(1)", secret="short", max_attempts="50")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Địa chỉ phải là URL http:// hoặc https:// đầy đủ." in html
    assert "Khóa bí mật phải có ít nhất 16 ký tự." in html
    assert "Chọn ít nhất một sự kiện." in html
    assert "Số lần gửi tối đa phải từ 1 đến 20." in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalars(select(WebhookSubscription)).all() == []


def test_admin_deactivates_a_webhook(demo, client, auth):
    auth.login("admin")
    _webhook_form(client, url="http://127.0.0.1:9/hook", secret="a-long-enough-secret", topics=["*"])
    subscription = db.session.scalars(select(WebhookSubscription)).one()

    token = csrf_token_from(client.get("/admin/webhooks").get_data(as_text=True))
    response = client.post(f"/admin/webhooks/{subscription.id}/deactivate", data={"csrf_token": token})

    assert response.status_code == 302
    db.session.refresh(subscription)
    assert subscription.active is False
    assert "Đã ngừng" in client.get("/admin/webhooks").get_data(as_text=True)


def test_a_dead_webhook_is_listed_and_the_retry_button_puts_it_back_in_the_queue(demo, client, auth):
    with receiver(fail_first=99) as hook:
        auth.login("admin")
        _webhook_form(client, url=hook.url, secret="a-long-enough-secret", topics=["*"], max_attempts="2")
        event = emit(make_dossier_row(), actor="canbo.pleikan")
        start = utcnow()
        for hours in range(3):
            dispatch_pending(db.session, start + timedelta(hours=hours), settings=settings_for())
        (message,) = children(event, "webhook")
        assert (message.state, len(hook.requests)) == (OutboxState.DEAD, 2)

    page = client.get("/admin/outbox/dead").get_data(as_text=True)
    assert f'data-testid="dead-letter-{message.id}"' in page
    assert f"HTTP 500 from {hook.url}" in page

    token = csrf_token_from(page)
    response = client.post(f"/admin/outbox/dead/{message.id}/retry", data={"csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox/dead"
    db.session.refresh(message)
    assert (message.state, message.attempts) == (OutboxState.PENDING, 0)
    assert f'data-testid="dead-letter-{message.id}"' not in client.get("/admin/outbox/dead").get_data(as_text=True)


def test_retrying_a_message_that_is_not_dead_is_not_found(demo, client, auth):
    event = emit(make_dossier_row(), actor="canbo.pleikan")
    auth.login("admin")
    token = csrf_token_from(client.get("/admin/outbox/dead").get_data(as_text=True))

    response = client.post(f"/admin/outbox/dead/{event.id}/retry", data={"csrf_token": token})

    assert response.status_code == 404
    assert db.session.get(OutboxMessage, event.id).state == OutboxState.PENDING


# --- the notification centre: filters, pages ---------------------------------------------------------------------


def notify_at(username: str, title: str, topic: str, when: datetime, *, read: bool = False) -> Notification:
    notification = notify(username, title, read=read)
    notification.topic = topic
    notification.created_at = when
    db.session.commit()
    return notification


def titles(html: str) -> list[str]:
    return re.findall(r'data-testid="notification".*?(?:</span>|">)\s*([^<\n]+?)\s*</div>', html, re.S)


def centre_story():
    """Three notifications of Plei Kần's head, at 08:00 Vietnam time on 10, 12 and 14 June 2025."""
    notify_at("truong.pleikan", "Hồ sơ bị trả lại", "dossier.returned", datetime(2025, 6, 10, 1, tzinfo=UTC))
    notify_at("truong.pleikan", "Hồ sơ được đưa ra Hội đồng", "dossier.scheduled", datetime(2025, 6, 12, 1, tzinfo=UTC),
              read=True)  # fmt: skip
    notify_at("truong.pleikan", "Hồ sơ quá hạn", "dossier.overdue", datetime(2025, 6, 14, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Hồ sơ quá hạn", "Hồ sơ được đưa ra Hội đồng", "Hồ sơ bị trả lại"]),
        ("?unread=1", ["Hồ sơ quá hạn", "Hồ sơ bị trả lại"]),
        ("?group=council", ["Hồ sơ được đưa ra Hội đồng"]),
        ("?group=deadline&unread=1", ["Hồ sơ quá hạn"]),
        ("?from=2025-06-11&to=2025-06-12", ["Hồ sơ được đưa ra Hội đồng"]),
        ("?from=2025-06-14", ["Hồ sơ quá hạn"]),
        ("?to=2025-06-10", ["Hồ sơ bị trả lại"]),
    ],
)
def test_the_centre_filters_by_unread_group_and_days(demo, client, auth, query, expected):
    centre_story()
    auth.login("truong.pleikan")

    html = client.get(f"/notifications{query}").get_data(as_text=True)

    assert titles(html) == expected


def test_each_notification_names_its_group(demo, client, auth):
    centre_story()
    auth.login("truong.pleikan")

    html = client.get("/notifications").get_data(as_text=True)

    assert re.findall(r'data-testid="group">([^<]+)<', html) == ["Hạn xử lý", "Hội đồng xét", "Các bước của hồ sơ"]


def test_a_filter_that_matches_nothing_says_so(demo, client, auth):
    centre_story()
    auth.login("truong.pleikan")

    html = client.get("/notifications?group=decision").get_data(as_text=True)

    assert "Không có thông báo nào khớp bộ lọc." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=16/06/2025", "Ngày không hợp lệ; chọn ngày trong lịch."),
        ("?group=weather", "Không có nhóm thông báo này."),
        ("?from=2025-06-14&to=2025-06-10", "Ngày cuối phải từ ngày đầu trở đi."),
        ("?page=0", "Phải là số nguyên từ 1 đến"),
    ],
)
def test_a_bad_filter_is_a_clear_422(demo, client, auth, query, message):
    auth.login("truong.pleikan")

    response = client.get(f"/notifications{query}")

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_the_centre_pages_by_25_newest_first(demo, client, auth):
    start = datetime(2025, 6, 1, 1, tzinfo=UTC)
    for n in range(30):
        notify_at("truong.pleikan", f"Thông báo số {n + 1}", "dossier.accepted", start + timedelta(hours=n))
    auth.login("truong.pleikan")

    first = client.get("/notifications").get_data(as_text=True)
    second = client.get("/notifications?page=2").get_data(as_text=True)

    assert titles(first)[0] == "Thông báo số 30" and len(titles(first)) == 25
    assert titles(second) == [f"Thông báo số {n}" for n in range(5, 0, -1)]
    assert "30 thông báo" in first
    assert 'href="/notifications?page=2"' in first


def test_mark_all_read_resets_the_bells_count(demo, client, auth):
    centre_story()
    auth.login("truong.pleikan")
    assert 'aria-label="2 thông báo chưa đọc"' in client.get("/unit").get_data(as_text=True)

    response = post(client, "/notifications/read-all")
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Đã đánh dấu 2 thông báo là đã đọc." in page
    assert 'data-testid="unread-count"' not in page
    assert 'data-testid="unread-count"' not in client.get("/unit").get_data(as_text=True)


# --- preferences -------------------------------------------------------------------------------------------------


def test_preferences_start_with_every_email_and_the_digest_on(demo, client, auth):
    auth.login("canbo.pleikan")

    html = client.get("/account/notifications").get_data(as_text=True)

    for group in ("dossier", "council", "decision", "deadline"):
        assert re.search(rf'id="email-{group}"\s+value="{group}" checked', html)
    assert " checked " in re.search(r'<input[^>]*id="daily_digest"[^>]*>', html).group()
    assert "canbo.pleikan@ngochoi.example" in html


def test_a_user_turns_council_emails_and_the_digest_off(demo, client, auth):
    auth.login("canbo.pleikan")
    token = csrf_token_from(client.get("/account/notifications").get_data(as_text=True))

    response = client.post(
        "/account/notifications", data={"csrf_token": token, "email_on": ["dossier", "decision", "deadline"]}
    )

    assert response.status_code == 302
    chosen = preferences_of(db.session, find_user("canbo.pleikan"))
    assert (chosen.email_off, chosen.daily_digest) == ({"council"}, False)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "Đã lưu cách nhận thông báo." in html
    assert re.search(r'id="email-council"\s+value="council">', html)


def test_an_unknown_group_in_the_preferences_form_is_a_clear_422(demo, client, auth):
    auth.login("canbo.pleikan")
    token = csrf_token_from(client.get("/account/notifications").get_data(as_text=True))

    response = client.post("/account/notifications", data={"csrf_token": token, "email_on": ["weather"]})

    assert response.status_code == 422
    assert "Không có nhóm thông báo: weather." in response.get_data(as_text=True)
    assert preferences_of(db.session, find_user("canbo.pleikan")).email_off == frozenset()
