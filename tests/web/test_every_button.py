"""Every button a demo user is shown, on every demo dossier, works or is not there; the API offers the same
triggers and they work too. Each press happens on a fresh twin of the dossier (same unit, same state, made through
the services), so one press never changes what the next one finds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from models import Dossier, Unit, User, db
from tests.conftest import AuthActions, csrf_token_from
from workflow.accounts.tokens import issue_token
from workflow.core.machines import DOSSIER
from workflow.core.today import local_today
from workflow.demo.dossiers import STORIES, make_demo_dossier
from workflow.reporting.worklists import visible_dossiers

BUTTON = re.compile(r'data-action="([a-z_]+)"')
# What a person types into a dialog: every field a transition may ask for, filled in sensibly.
FORM = {"comment": "Ý kiến khi kiểm thử", "sign_off": "y", "reason": "criteria_not_met", "other_missing": "Tờ trình"}
STORY_STATES = {state for state, _title in STORIES}
API_DATA = {
    "comment": "Ý kiến khi kiểm thử",
    "sign_off": True,
    "reason": "criteria_not_met",
    "missing_items": ["Tờ trình"],
}


# What `offered` found, per day the suite is pinned to: looking only reads the demo, so the three tests share it.
_OFFERED: dict[date, dict[tuple[str, str, str], tuple[list[str], list[str]]]] = {}


@pytest.fixture
def offered(app, demo_story):
    """(username, unit code, state) → the triggers the dossier page shows and the API lists, for every demo user
    and every demo dossier the user may see. Gathered once per run (and day), by the first test that asks; every
    test still gets its own fresh demo (demo_story) to press the buttons on."""
    day = local_today()
    if day not in _OFFERED:
        _OFFERED[day] = _gather_offered(app)
    return _OFFERED[day]


def _gather_offered(app) -> dict[tuple[str, str, str], tuple[list[str], list[str]]]:
    found: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    for user in db.session.scalars(select(User).order_by(User.username)).all():
        browser = app.test_client()
        AuthActions(browser).login(user.username)
        headers = bearer(user)
        for dossier in db.session.scalars(visible_dossiers(db.session, user)).all():
            page = browser.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
            api = browser.get(f"/api/v1/dossiers/{dossier.id}", headers=headers).json["available_triggers"]
            found[(user.username, dossier.unit.code, dossier.state)] = (BUTTON.findall(page), api)
    return found


def bearer(user: User) -> dict[str, str]:
    token = issue_token(db.session, user).token
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def twin(unit_code: str, state: str) -> Dossier:
    """A fresh copy of the demo dossier in `state`. No story makes the council's states: their buttons are pressed on
    the demo's own dossier (close_review explains itself while its nominations await the votes)."""
    if state not in STORY_STATES:
        return db.session.scalar(select(Dossier).join(Unit).where(Unit.code == unit_code, Dossier.state == state))
    dossier = make_demo_dossier(db.session, unit_code, state, Path(current_app.config["UPLOAD_DIR"]))
    db.session.commit()
    return dossier


def test_pages_and_the_api_offer_the_same_triggers_and_only_ones_with_a_service(offered):
    assert offered, "no demo dossier was visible to anyone"
    for key, (buttons, api) in offered.items():
        # The page leads with the way forward and keeps withdraw/reject apart: compare what is offered, not the order.
        assert sorted(buttons) == sorted(api), key
        assert all(DOSSIER.service(trigger) is not None for trigger in buttons), key
    everything = {trigger for buttons, _ in offered.values() for trigger in buttons}
    # The decision and forwarding steps have no service yet: nobody is shown them. The council's close_review is
    # shown on the dossiers on the story day's agenda.
    assert everything.isdisjoint({"decide", "forward", "close"})
    shown = {"submit_to_head", "approve_submission", "accept", "return_for_supplement", "reject", "schedule"}
    shown |= {"close_review"}
    assert shown <= everything


def test_every_button_shown_works_or_explains_itself(app, offered):
    presses = {
        (user, unit, state, trigger) for (user, unit, state), (buttons, _) in offered.items() for trigger in buttons
    }
    answers = {}
    for username, unit_code, state, trigger in sorted(presses):
        dossier = twin(unit_code, state)
        browser = app.test_client()
        AuthActions(browser).login(username)
        page = browser.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
        assert f'data-action="{trigger}"' in page, (username, state, trigger)
        form = {**FORM, "version": str(dossier.version), "csrf_token": csrf_token_from(page)}
        response = browser.post(f"/dossiers/{dossier.id}/actions/{trigger}", data=form)
        answers[(username, state, trigger)] = response.status_code
    # 302: done; 422: a guard explains what is missing (a draft without documents cannot go to the head).
    assert {key: status for key, status in answers.items() if status not in (302, 422)} == {}
    assert 302 in answers.values()


def test_every_trigger_the_api_lists_works_or_explains_itself(app, offered, user):
    presses = {(user, unit, state, trigger) for (user, unit, state), (_, api) in offered.items() for trigger in api}
    answers = {}
    client = app.test_client()
    for username, unit_code, state, trigger in sorted(presses):
        dossier = twin(unit_code, state)
        response = client.post(
            f"/api/v1/dossiers/{dossier.id}/transitions",
            json={"trigger": trigger, "version": dossier.version, "data": API_DATA},
            headers=bearer(user(username)),
        )
        answers[(username, state, trigger)] = response.status_code
    assert {key: status for key, status in answers.items() if status not in (200, 422)} == {}
    assert 200 in answers.values()
