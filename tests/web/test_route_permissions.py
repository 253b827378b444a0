"""Every registered route: a view without an explicit permission check fails here;
anonymous users are sent to the login page (API callers without a token get a 401 problem);
a role without the permission gets 403."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from config import TestingConfig
from models import IdentityMatch, User, db
from tests.conftest import csrf_token_from
from web import create_app
from workflow.accounts.tokens import issue_token

PUBLIC_ENDPOINTS = {"static", "auth.login", "api_auth.issue", "api_docs.openapi_json", "api_docs.docs_page"}
# Flask's own static file view cannot carry an attribute; every other view must.
FRAMEWORK_ENDPOINTS = {"static"}


@pytest.fixture
def sample_args(make_dossier) -> dict[str, object]:
    """Values for URL parameters, by parameter name; a route with an unknown parameter fails the test."""
    dossier = make_dossier()
    first, second = (n.nominee for n in dossier.nominations[:2])
    match = IdentityMatch(
        dossier_id=dossier.id, unit_id=dossier.unit_id, nominee_id=first.id, candidate_id=second.id,
        national_id="062085001234", requested_by_id=dossier.created_by_id,
    )
    db.session.add(match)
    db.session.commit()
    return {
        "dossier_id": dossier.id,
        "nomination_id": dossier.nominations[0].id,
        "document_id": dossier.documents[0].id,
        "trigger": "submit_to_head",
        "holiday_id": 1,
        "notification_id": 1,
        "message_id": 1,
        "subscription_id": 1,
        "name": "dossier",
        "rule_set_id": 1,
        "nominee_id": dossier.nominations[0].nominee_id,
        "period": "2024-2025",
        "match_id": match.id,
        "decision": "reject",
    }


def _routes(api: bool) -> list[tuple[str, str]]:
    app = create_app(TestingConfig)
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if rule.endpoint not in PUBLIC_ENDPOINTS and rule.rule.startswith("/api/") == api
    )


ROUTES = _routes(api=False)
API_ROUTES = _routes(api=True)


def test_every_view_declares_its_permission(app):
    unchecked = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in FRAMEWORK_ENDPOINTS
        and getattr(app.view_functions[rule.endpoint], "permission", None) is None
    ]
    assert unchecked == []


def test_routes_were_found():
    assert len(ROUTES) >= 8
    assert len(API_ROUTES) >= 8


def _args(app, endpoint: str, samples: dict[str, object]) -> dict[str, object]:
    rule = next(app.url_map.iter_rules(endpoint))
    missing = rule.arguments - samples.keys()
    assert not missing, f"add sample values for {sorted(missing)} to sample_args"
    return {name: samples[name] for name in rule.arguments}


def _url(app, endpoint: str, args: dict[str, object]) -> str:
    with app.test_request_context():
        return url_for(endpoint, **args)


def _call(client, method: str, url: str):
    data = {}
    if method != "GET":
        # The login page for the anonymous, the user's home page (with its logout form) for the signed-in.
        data["csrf_token"] = csrf_token_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    response = client.open(url, method=method, data=data)
    response.close()
    return response


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_anonymous_user_is_sent_to_login(app, client, sample_args, endpoint, method):
    response = _call(client, method, _url(app, endpoint, _args(app, endpoint, sample_args)))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_each_role_gets_403_exactly_where_its_permission_says_no(app, sample_args, endpoint, method):
    view = app.view_functions[endpoint]
    args = _args(app, endpoint, sample_args)
    url = _url(app, endpoint, args)
    obj = view.load(**args) if view.load else None
    users = list(db.session.scalars(select(User).order_by(User.username)))
    verdicts = {user.username: view.permission(user, obj) for user in users}
    denied_somewhere = False
    # Refused users first: an allowed POST may change or remove the sample object.
    for user in sorted(users, key=lambda u: verdicts[u.username]):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": user.username, "password": "demo", "csrf_token": token})
        allowed = verdicts[user.username]
        response = _call(client, method, url)
        if allowed:
            assert response.status_code not in (401, 403), (user.username, url)
            assert response.status_code < 500, (user.username, url)
        else:
            denied_somewhere = True
            assert response.status_code == 403, (user.username, url, response.status_code)
    # Routes open to every signed-in user have no role to refuse; all others must refuse someone.
    assert denied_somewhere or view.permission.__name__ in {"can_view_home", "can_change_own_settings"}


def _api_call(client, method: str, url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # An empty body: allowed callers get a field error at worst, and nothing changes the sample objects.
    response = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
    response.close()
    return response


@pytest.mark.parametrize(("endpoint", "method"), API_ROUTES)
def test_anonymous_api_caller_gets_a_401_problem(app, client, sample_args, endpoint, method):
    response = _api_call(client, method, _url(app, endpoint, _args(app, endpoint, sample_args)))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("endpoint", "method"), API_ROUTES)
def test_each_role_gets_403_from_the_api_exactly_where_its_permission_says_no(app, sample_args, endpoint, method):
    view = app.view_functions[endpoint]
    args = _args(app, endpoint, sample_args)
    url = _url(app, endpoint, args)
    obj = view.load(**args) if view.load else None
    users = list(db.session.scalars(select(User).order_by(User.username)))
    verdicts = {user.username: view.permission(user, obj) for user in users}
    tokens = {user.username: issue_token(db.session, user).token for user in users}
    db.session.commit()
    denied_somewhere = False
    for user in sorted(users, key=lambda u: verdicts[u.username]):
        response = _api_call(app.test_client(), method, url, tokens[user.username])
        if verdicts[user.username]:
            assert response.status_code not in (401, 403), (user.username, url)
            assert response.status_code < 500, (user.username, url)
        else:
            denied_somewhere = True
            assert response.status_code == 403, (user.username, url, response.status_code)
            assert response.content_type == "application/problem+json"
    assert denied_somewhere or view.permission.__name__ in {"can_view_home", "can_change_own_settings"}
