"""Every registered route: a view without an explicit permission check fails here;
anonymous users are sent to the login page; a role without the permission gets 403."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from config import TestingConfig
from models import User, db
from tests.conftest import csrf_token_from
from web import create_app

PUBLIC_ENDPOINTS = {"static", "auth.login"}
# Values for URL parameters, by parameter name; a route with an unknown parameter fails the test.
SAMPLE_ARGS: dict[str, object] = {}


def _routes() -> list[tuple[str, str]]:
    app = create_app(TestingConfig)
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if rule.endpoint not in PUBLIC_ENDPOINTS
    )


ROUTES = _routes()


def test_every_view_declares_its_permission(app):
    unchecked = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "permission", None) is None
    ]
    assert unchecked == []


def test_routes_were_found():
    assert len(ROUTES) >= 8


def _url(app, endpoint: str) -> str:
    rule = next(app.url_map.iter_rules(endpoint))
    missing = rule.arguments - SAMPLE_ARGS.keys()
    assert not missing, f"add sample values for {sorted(missing)} to SAMPLE_ARGS"
    with app.test_request_context():
        return url_for(endpoint, **{name: SAMPLE_ARGS[name] for name in rule.arguments})


def _call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.open(url, method=method, data={"csrf_token": token})


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_anonymous_user_is_sent_to_login(app, client, endpoint, method):
    response = _call(client, method, _url(app, endpoint))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_each_role_gets_403_exactly_where_its_permission_says_no(app, demo, endpoint, method):
    view = app.view_functions[endpoint]
    url = _url(app, endpoint)
    denied_somewhere = False
    for user in db.session.scalars(select(User).order_by(User.username)):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": user.username, "password": "demo", "csrf_token": token})
        obj = view.load(**SAMPLE_ARGS) if view.load else None
        allowed = view.permission(user, obj)
        response = _call(client, method, url)
        if allowed:
            assert response.status_code not in (401, 403), (user.username, url)
            assert response.status_code < 500, (user.username, url)
        else:
            denied_somewhere = True
            assert response.status_code == 403, (user.username, url, response.status_code)
    # Routes open to every signed-in user have no role to refuse; all others must refuse someone.
    assert denied_somewhere or view.permission.__name__ in {"can_view_home", "can_change_own_settings"}
