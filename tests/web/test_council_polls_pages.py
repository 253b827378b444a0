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
    _, (first, second) = started
    browser = _login(app, "uyvien3")
    page = browser.get("/council/polls/ballot").get_data(as_text=True)
    assert "Nguyễn Văn Thử" in page and "Lê Thị Hai" in page
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
