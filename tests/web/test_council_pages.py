"""The council's pages: the secretary schedules a session with accepted dossiers, keeps the attendance and sees the
quorum, opens and closes it with the trigger table's buttons; the dossier page's "Đưa ra Hội đồng" adds a dossier
to a scheduled session; a council member sees the dossiers on their agenda and no other; the office keeps the
membership, every change audited."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from models import AuditEntry, Council, CouncilMembership, CouncilSession, db
from tests.conftest import AuthActions, csrf_token_from
from tests.unit.test_council_sessions import MEETING, VOTING
from workflow.council import sessions as service


def _login(app, username):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def _post(client, url, page, data):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_secretary_schedules_a_session_from_the_form(app, district_council, accepted, user):
    dossier = accepted()
    client = _login(app, "thuky")
    form = client.get("/council/sessions/new")
    assert form.status_code == 200 and dossier.code in _text(form)
    response = _post(
        client, "/council/sessions/new", "/council/sessions/new",
        {"council_id": district_council.id, "title": "Phiên họp tháng 6", "day": "2025-06-20", "at": "08:00",
         "location": "Hội trường UBND huyện", "dossiers": [str(dossier.id)]},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    council_session = db.session.scalar(select(CouncilSession))
    assert council_session.title == "Phiên họp tháng 6"
    assert db.session.get(type(dossier), dossier.id).state == "in_council"
    page = _text(client.get(response.headers["Location"]))
    assert "Nguyễn Văn An" in page and "Số thành viên có mặt: 0/8, cần 6" in page


def test_a_past_day_is_refused_on_the_form_with_nothing_written(app, district_council, accepted):
    dossier = accepted()
    client = _login(app, "thuky")
    response = _post(
        client, "/council/sessions/new", "/council/sessions/new",
        {"council_id": district_council.id, "title": "Phiên họp", "day": "2025-06-01", "at": "08:00",
         "dossiers": [str(dossier.id)]},
    )  # fmt: skip
    assert response.status_code == 422 and "Ngày họp không được trước hôm nay." in _text(response)
    assert db.session.scalar(select(CouncilSession)) is None


def test_attendance_quorum_and_the_open_and_close_buttons(app, district_council, user):
    council_session = service.schedule_session(
        db.session, district_council, actor=user("thuky"), scheduled_at=MEETING, location="", title="Phiên họp",
    )  # fmt: skip
    db.session.commit()
    client = _login(app, "thuky")
    url = f"/council/sessions/{council_session.id}"
    statuses = {f"status-{user(n).id}": "present" if i < 6 else "absent" for i, n in enumerate(VOTING)}
    assert _post(client, f"{url}/attendance", url, statuses).status_code == 302
    page = _text(client.get(url))
    assert "Số thành viên có mặt: 6/8, cần 6" in page and "đủ số lượng để biểu quyết" in page
    assert 'data-action="open"' in page
    assert _post(client, f"{url}/actions/open", url, {"version": council_session.version}).status_code == 302
    page = _text(client.get(url))
    assert 'data-action="close"' in page and "Đang họp" in page
    db.session.expire_all()
    version = db.session.get(CouncilSession, council_session.id).version
    assert _post(client, f"{url}/actions/close", url, {"version": version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CouncilSession, council_session.id).state == "closed"


def test_bad_attendance_is_a_422_not_a_500(app, district_council, user):
    council_session = service.schedule_session(
        db.session, district_council, actor=user("thuky"), scheduled_at=MEETING, location="", title="Phiên họp",
    )  # fmt: skip
    db.session.commit()
    client = _login(app, "thuky")
    url = f"/council/sessions/{council_session.id}"
    assert _post(client, f"{url}/attendance", url, {f"status-{user('chutich').id}": "asleep"}).status_code == 422
    assert _post(client, f"{url}/attendance", url, {"status-99999999999": "present"}).status_code == 302


def test_the_dossier_page_puts_a_dossier_on_a_scheduled_session(app, district_council, accepted, user):
    council_session = service.schedule_session(
        db.session, district_council, actor=user("thuky"), scheduled_at=MEETING, location="", title="Phiên họp",
    )  # fmt: skip
    db.session.commit()
    dossier = accepted()
    client = _login(app, "noivu")
    page = f"/dossiers/{dossier.id}"
    assert "Phiên họp · 20/06/2025" in _text(client.get(page))
    url = f"{page}/actions/schedule"
    refused = _post(client, url, page, {"version": dossier.version, "council_session_id": "abc"})
    assert refused.status_code == 422
    done = _post(client, url, page, {"version": dossier.version, "council_session_id": str(council_session.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(dossier), dossier.id).state == "in_council"


def test_a_council_member_sees_the_agenda_dossier_and_not_another(app, district_council, accepted, user):
    on_agenda, other = accepted(), accepted(nominees=("Lê Văn Cường",))
    service.schedule_session(
        db.session, district_council, actor=user("thuky"), scheduled_at=MEETING, location="", title="Phiên họp",
        dossiers=[on_agenda],
    )  # fmt: skip
    db.session.commit()
    client = _login(app, "uyvien2")
    assert client.get(f"/dossiers/{on_agenda.id}").status_code == 200
    assert client.get(f"/dossiers/{other.id}").status_code == 403
    home = _text(client.get("/council"))
    assert on_agenda.code in home and other.code not in home
    # A member of another council (the successor commune's) sees neither.
    assert _login(app, "uyvien.xa1").get(f"/dossiers/{on_agenda.id}").status_code == 403


def test_office_adds_and_ends_a_membership_audited(app, district_council, user):
    client = _login(app, "noivu")
    page = "/council/members"
    assert "Đinh Văn Long" in _text(client.get(page))
    prefix = f"c{district_council.id}-"
    added = _post(
        client, f"/council/members/{district_council.id}", page,
        {prefix + "user_id": user("truong.noivu").id, prefix + "role": "vice_chair",
         prefix + "position_title": "Phó Chủ tịch Hội đồng", prefix + "term_from": "2025-06-16"},
    )  # fmt: skip
    assert added.status_code == 302
    added_user = CouncilMembership.user_id == user("truong.noivu").id
    membership = db.session.scalar(select(CouncilMembership).where(added_user))
    twice = _post(
        client, f"/council/members/{district_council.id}", page,
        {prefix + "user_id": user("truong.noivu").id, prefix + "role": "member", prefix + "term_from": "2025-06-20"},
    )  # fmt: skip
    assert twice.status_code == 422 and "đã là thành viên" in _text(twice)
    ended = _post(client, f"/council/members/{membership.id}/end", page, {"term_to": "2025-06-18"})
    assert ended.status_code == 302
    db.session.expire_all()
    assert str(db.session.get(CouncilMembership, membership.id).term_to) == "2025-06-18"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "council_membership").order_by(AuditEntry.id)
    ).all()
    assert actions == ["add_member", "end_membership"]


@pytest.mark.parametrize("username", ["uyvien1", "canbo.pleikan", "thuky.xa"])
def test_others_cannot_keep_the_district_membership(app, district_council, username):
    client = _login(app, username)
    token = csrf_token_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    response = client.post(f"/council/members/{district_council.id}", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.scalar(select(Council).where(Council.id == district_council.id)) is not None


def test_an_english_reader_gets_the_refusals_in_english(app, district_council, accepted, user):
    proposed = accepted(appraised=False)
    account = user("thuky")
    account.language = "en"
    db.session.commit()
    client = _login(app, "thuky")
    response = _post(
        client, "/council/sessions/new", "/council/sessions/new",
        {"council_id": district_council.id, "title": "Session", "day": "2025-06-01", "at": "08:00",
         "dossiers": [str(proposed.id)]},
    )  # fmt: skip
    text = _text(response)
    assert response.status_code == 422
    assert "The meeting date cannot be before today." in text
    assert f"Dossier {proposed.code} has no nomination appraised as eligible to go before the council." in text
