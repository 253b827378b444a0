"""The notifications API: the caller's own notifications with the page's filters, marking one or all read (the
unread count follows), preferences read and changed; bad filters are 422 naming the field, someone else's
notification is 404; all of it in the OpenAPI document."""

from __future__ import annotations

import pytest

from models import Notification, db
from tests.web.test_notifications_pages import centre_story, notify
from workflow.notify.preferences import preferences_of

API = "/api/v1/notifications"


def test_the_list_is_the_callers_own_newest_first_with_the_unread_count(demo, client, bearer):
    centre_story()
    notify("canbo.pleikan", "Của người khác")

    body = client.get(API, headers=bearer("truong.pleikan")).json

    assert [n["title"] for n in body["items"]] == ["Hồ sơ quá hạn", "Hồ sơ được đưa ra Hội đồng", "Hồ sơ bị trả lại"]
    assert [n["group"] for n in body["items"]] == ["deadline", "council", "dossier"]
    assert body["unread"] == 2
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 3, "pages": 1}
    assert body["items"][0]["link"] == "/dossiers/1"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?unread=true", ["Hồ sơ quá hạn", "Hồ sơ bị trả lại"]),
        ("?group=council", ["Hồ sơ được đưa ra Hội đồng"]),
        ("?from=2025-06-11&to=2025-06-12", ["Hồ sơ được đưa ra Hội đồng"]),
    ],
)
def test_the_list_filters_as_the_page_does(demo, client, bearer, query, expected):
    centre_story()

    body = client.get(f"{API}{query}", headers=bearer("truong.pleikan")).json

    assert [n["title"] for n in body["items"]] == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?group=weather", "group", "Giá trị phải là một trong"),
        ("?from=16/06/2025", "from", "Ngày không hợp lệ"),
        ("?from=2025-06-14&to=2025-06-10", "until", "Ngày cuối phải từ ngày đầu trở đi."),
        ("?per_page=500", "per_page", "Phải từ 1 đến 100."),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_field(demo, client, bearer, query, field, message):
    response = client.get(f"{API}{query}", headers=bearer("truong.pleikan"))

    assert response.status_code == 422
    assert response.content_type.startswith("application/problem+json")
    assert message in str(response.json)
    assert field in str(response.json)


def test_marking_one_then_all_read_brings_the_unread_count_to_zero(demo, client, bearer):
    centre_story()
    headers = bearer("truong.pleikan")
    first = client.get(f"{API}?unread=true", headers=headers).json["items"][0]

    marked = client.post(f"{API}/{first['id']}/read", headers=headers)
    assert marked.status_code == 200 and marked.json["read_at"] is not None
    assert client.get(API, headers=headers).json["unread"] == 1

    everything = client.post(f"{API}/read-all", headers=headers)
    assert everything.json == {"marked": 1}
    assert client.get(API, headers=headers).json["unread"] == 0


def test_someone_elses_notification_is_not_found_and_stays_unread(demo, client, bearer):
    theirs = notify("canbo.pleikan", "Của người khác")

    response = client.post(f"{API}/{theirs.id}/read", headers=bearer("truong.pleikan"))

    assert response.status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_preferences_are_read_and_changed(demo, client, bearer, user):
    headers = bearer("canbo.pleikan")
    before = client.get(f"{API}/preferences", headers=headers).json
    assert before == {
        "groups": [
            {"key": "dossier", "name": "Các bước của hồ sơ", "email": True},
            {"key": "council", "name": "Hội đồng xét", "email": True},
            {"key": "decision", "name": "Quyết định, khen thưởng", "email": True},
            {"key": "deadline", "name": "Hạn xử lý", "email": True},
        ],
        "daily_digest": True,
    }

    after = client.put(f"{API}/preferences", headers=headers, json={"email_on": ["deadline"], "daily_digest": False})

    assert after.status_code == 200
    assert [g["key"] for g in after.json["groups"] if g["email"]] == ["deadline"]
    assert after.json["daily_digest"] is False
    chosen = preferences_of(db.session, user("canbo.pleikan"))
    assert (chosen.email_off, chosen.daily_digest) == ({"dossier", "council", "decision"}, False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email_on": ["weather"], "daily_digest": True}, "email_on"),
        ({"email_on": ["dossier"]}, "daily_digest"),
        ({"email_on": "dossier", "daily_digest": True}, "email_on"),
        ({"email_on": [], "daily_digest": "yes please"}, "daily_digest"),
    ],
)
def test_bad_preferences_are_a_422_and_change_nothing(demo, client, bearer, user, body, field):
    response = client.put(f"{API}/preferences", headers=bearer("canbo.pleikan"), json=body)

    assert response.status_code == 422
    assert field in str(response.json)
    assert preferences_of(db.session, user("canbo.pleikan")).email_off == frozenset()


def test_the_endpoints_are_in_the_openapi_document(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    assert set(paths[API]) == {"get"}
    assert set(paths[f"{API}/{{notification_id}}/read"]) == {"post", "parameters"}
    assert set(paths[f"{API}/read-all"]) == {"post"}
    assert set(paths[f"{API}/preferences"]) == {"get", "put"}
    parameters = {p["name"] for p in paths[API]["get"]["parameters"]}
    assert {"unread", "group", "from", "to", "page", "per_page"} <= parameters
