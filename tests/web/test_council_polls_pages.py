"""The ballot and the live page: a member votes once from the ballot; the secretary's page names who voted,
never how, and shows the result only once the poll finishes."""

from __future__ import annotations

import pytest

from models import Poll, db
from tests.conftest import AuthActions, csrf_token_from
from tests.unit.test_council_polls import (
    council,  # noqa: F401  (the fixture)
    dossier_in_council,
    on_agenda,
    open_session,
    polls_for,
)
from workflow.council import polls as service


@pytest.fixture
def started(council, user):  # noqa: F811
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    polls = polls_for(council_session, user)
    for poll in polls:
        service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    return council_session, polls


def _login(app, name):
    browser = app.test_client()
    AuthActions(browser).login(name)
    return browser


def test_a_member_votes_once_from_the_ballot(app, started):
    council_session, (first, second) = started
    browser = _login(app, "uyvien3")
    home = browser.get("/", follow_redirects=True).get_data(as_text=True)
    # The menu leads a member to the ballot, which names the session it belongs to.
    assert 'href="/council/polls/ballot">Phiếu biểu quyết</a>' in home
    page = browser.get("/council/polls/ballot").get_data(as_text=True)
    assert "Nguyễn Văn Thử" in page and "Lê Thị Hai" in page
    assert council_session.title in page
    form = {"csrf_token": csrf_token_from(page), "title": "LDTT", f"poll-{first.id}": "yes", f"poll-{second.id}": "no"}
    assert browser.post("/council/polls/ballot", data=form).status_code == 302
    assert "Hiện không có nội dung nào chờ bạn biểu quyết" in browser.get("/council/polls/ballot").get_data(
        as_text=True
    )
    # A second submission of the same ballot is refused and counts nothing.
    assert browser.post("/council/polls/ballot", data=form).status_code == 422
    db.session.expire_all()
    assert (db.session.get(Poll, first.id).yes_count, db.session.get(Poll, second.id).no_count) == (1, 1)


def test_a_ballot_with_a_choice_missing_is_refused_whole(app, started):
    _, (first, _second) = started
    browser = _login(app, "uyvien3")
    page = browser.get("/council/polls/ballot").get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "title": "LDTT", f"poll-{first.id}": "yes"}
    response = browser.post("/council/polls/ballot", data=form)
    assert response.status_code == 422 and "Lê Thị Hai" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Poll, first.id).yes_count == 0


def test_the_live_page_names_voters_but_shows_no_total_until_the_finish(app, started, user):
    council_session, (first, _second) = started
    service.cast_vote(db.session, first, member=user("uyvien1"), choice="yes")
    db.session.commit()
    browser = _login(app, "thuky")
    live = browser.get(f"/council/sessions/{council_session.id}/polls/live").get_data(as_text=True)
    assert user("uyvien1").full_name in live and 'hx-trigger="every 3s"' in live
    assert 'data-testid="result"' not in live
    page = browser.get(f"/council/sessions/{council_session.id}/polls").get_data(as_text=True)
    response = browser.post(
        f"/council/polls/{first.id}/actions/finish",
        data={"csrf_token": csrf_token_from(page), "version": first.version},
    )
    assert response.status_code == 302
    live = browser.get(f"/council/sessions/{council_session.id}/polls/live").get_data(as_text=True)
    assert "Đồng ý 1" in live and "Không đạt" in live


def test_the_minutes_download_as_attachments_once_a_poll_has_finished(app, started, user):
    council_session, (first, _second) = started
    member = _login(app, "uyvien2")
    minutes = f"/council/sessions/{council_session.id}/minutes.pdf"
    before = member.get(minutes)
    assert before.status_code == 422 and "Chưa có cuộc biểu quyết nào kết thúc" in before.get_data(as_text=True)
    assert 'data-testid="minutes-link"' not in member.get(f"/council/sessions/{council_session.id}").get_data(True)
    service.finish_poll(db.session, first, actor=user("thuky"))
    db.session.commit()
    assert 'data-testid="minutes-link"' in member.get(f"/council/sessions/{council_session.id}").get_data(True)
    for path, name in (("minutes.pdf", "bien-ban-hop"), ("ballot-count.pdf", "bien-ban-kiem-phieu")):
        response = member.get(f"/council/sessions/{council_session.id}/{path}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}-{council_session.id}.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_a_member_declares_a_conflict_from_the_session_page_before_the_poll_starts(app, council, user):  # noqa: F811
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    db.session.commit()
    member = _login(app, "uyvien3")
    page = member.get(f"/council/sessions/{council_session.id}").get_data(as_text=True)
    assert f'data-testid="conflict-{poll.id}"' in page
    url = f"/council/polls/{poll.id}/conflict"
    empty = member.post(url, data={"csrf_token": csrf_token_from(page), "note": " "}, follow_redirects=True)
    assert "Cần ghi lý do" in empty.get_data(as_text=True)
    response = member.post(url, data={"csrf_token": csrf_token_from(page), "note": "Người thân"}, follow_redirects=True)
    assert "Bạn không tham gia biểu quyết trường hợp này: Người thân" in response.get_data(as_text=True)
    service.start_poll(db.session, db.session.get(Poll, poll.id), actor=user("thuky"))
    db.session.commit()
    assert user("uyvien3").full_name in {name for name, _note in service.progress(db.session, poll).recused}
    assert f'data-testid="conflict-{poll.id}"' not in member.get(f"/council/sessions/{council_session.id}").get_data(
        as_text=True
    )


def test_the_secretary_finishes_then_publishes_every_poll_with_one_button_each(app, started, user):
    """Two nominees, 8 voting members: 6 of 8 agree on the first (passes, two thirds of 8 is 5.33), 5 of 8 on the
    second (fails); publishing both leaves no nomination waiting, so the dossier leaves the council."""
    council_session, (first, second) = started
    for poll, yes in ((first, 6), (second, 5)):
        for i, name in enumerate(
            ("chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5", "uyvien6", "uyvien7")
        ):
            service.cast_vote(db.session, poll, member=user(name), choice="yes" if i < yes else "no")
    db.session.commit()
    browser = _login(app, "thuky")
    page = browser.get(f"/council/sessions/{council_session.id}/polls").get_data(as_text=True)
    assert "Kết thúc tất cả (2 nội dung đang biểu quyết)" in page and 'data-all="publish"' not in page
    finished = browser.post(
        f"/council/sessions/{council_session.id}/polls/all/finish",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Công bố kết quả tất cả (2 nội dung đã kết thúc)" in finished
    browser.post(
        f"/council/sessions/{council_session.id}/polls/all/publish", data={"csrf_token": csrf_token_from(finished)}
    )
    db.session.expire_all()
    dossier = service.nomination_of(db.session, db.session.get(Poll, first.id)).dossier
    assert [n.state for n in dossier.nominations] == ["approved", "not_approved"]
    assert dossier.state == "awaiting_decision"


def test_starting_every_poll_without_quorum_starts_none(app, council, user):  # noqa: F811
    council_session = open_session(council, user, present=("chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4"))
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    polls_for(council_session, user)
    browser = _login(app, "thuky")
    page = browser.get(f"/council/sessions/{council_session.id}/polls").get_data(as_text=True)
    assert "Bắt đầu biểu quyết tất cả (2 nội dung chưa bắt đầu)" in page
    refused = browser.post(
        f"/council/sessions/{council_session.id}/polls/all/start", data={"csrf_token": csrf_token_from(page)}
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert [p.state for p in db.session.query(Poll).order_by(Poll.id)] == ["created", "created"]
