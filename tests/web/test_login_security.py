"""Login and session hardening: no open redirect, a throttle that holds across restarts and workers, no timing
difference between unknown and known users, sessions that end for good at logout, a new CSRF token at login,
and a bounded number of API tokens that logout revokes."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import ApiToken, LoginFailure, db
from models.base import utcnow
from tests.conftest import AuthActions, csrf_token_from, make_config
from web import create_app
from workflow.accounts import users as accounts
from workflow.accounts.tokens import MAX_LIVE_TOKENS
from workflow.accounts.users import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS

LOCKED = "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa"


# --- the next link after login -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/%0a/evil.example",
     "javascript:alert(1)", "/\t/evil.example"],
)
def test_login_never_bounces_to_another_site(demo, client, target):
    page = client.get(f"/login?next={target}")
    response = client.post(
        f"/login?next={target}",
        data={"username": "canbo.pleikan", "password": "demo", "csrf_token": csrf_token_from(page.get_data(True))},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_next_path_on_this_site(demo, client):
    page = client.get("/login?next=/registry?year=2023")
    response = client.post(
        "/login?next=/registry?year=2023",
        data={"username": "canbo.pleikan", "password": "demo", "csrf_token": csrf_token_from(page.get_data(True))},
    )
    assert response.headers["Location"] == "/registry?year=2023"


# --- the throttle --------------------------------------------------------------------------------------------------


def test_the_account_is_locked_after_repeated_wrong_passwords_even_for_the_right_one(demo, client, auth):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert auth.login("canbo.pleikan", "sai").status_code == 401
    refused = auth.login("canbo.pleikan", "demo")
    assert refused.status_code == 429
    assert LOCKED in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert client.get("/unit").status_code == 302  # not logged in
    # Another account from the same address is not locked by this one.
    assert auth.login("canbo.dakxu", "demo").status_code == 302


def test_the_lock_survives_a_restart_and_is_shared_by_every_worker(_app, demo, auth):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        auth.login("truong.pleikan", "sai")
    # A second app on the same database stands for a restarted server or another gunicorn worker.
    second = create_app(make_config(_app.config["SQLALCHEMY_DATABASE_URI"], _app.config["UPLOAD_DIR"]))
    second.test_client_class = _app.test_client_class
    assert AuthActions(second.test_client()).login("truong.pleikan", "demo").status_code == 429
    with second.app_context():
        db.engine.dispose()


def test_the_lock_lifts_when_the_window_has_passed(demo, user):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        accounts.authenticate(db.session, "canbo.pleikan", "sai", address="10.0.0.1")
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate(db.session, "canbo.pleikan", "demo", address="10.0.0.1")
    later = utcnow() + accounts.THROTTLE_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(db.session, "canbo.pleikan", "demo", address="10.0.0.1", now=later) is not None


def test_one_address_trying_many_accounts_is_stopped(demo):
    for i in range(MAX_FAILURES_PER_ADDRESS):
        accounts.authenticate(db.session, f"ai-do-{i}", "sai", address="203.0.113.9")
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate(db.session, "canbo.pleikan", "demo", address="203.0.113.9")
    assert accounts.authenticate(db.session, "canbo.pleikan", "demo", address="198.51.100.1") is not None


def test_the_api_token_endpoint_is_throttled_too(demo, client):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert client.post("/api/v1/auth/tokens", json={"username": "noivu", "password": "x"}).status_code == 401
    refused = client.post("/api/v1/auth/tokens", json={"username": "noivu", "password": "demo"})
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert LOCKED in refused.json["detail"] and int(refused.headers["Retry-After"]) > 0


def test_a_successful_login_clears_the_accounts_failures(demo, auth):
    auth.login("canbo.pleikan", "sai")
    auth.login("canbo.pleikan", "demo")
    db.session.expire_all()
    count = select(func.count()).select_from(LoginFailure).where(LoginFailure.username == "canbo.pleikan")
    assert db.session.scalar(count) == 0


def _median_seconds(call, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def test_an_unknown_username_costs_the_same_hashing_as_a_wrong_password(demo, user):
    """Before, the stand-in hash was a 1,000-round PBKDF2 beside scrypt: an unknown name answered ~20× faster."""
    from werkzeug.security import generate_password_hash

    slow = "pbkdf2:sha256:300000"
    user("canbo.pleikan").password_hash = generate_password_hash("demo", method=slow)
    db.session.commit()
    accounts.configure_password_hashing(slow)
    try:
        known = _median_seconds(lambda: accounts.authenticate(db.session, "canbo.pleikan", "sai", address="a"))
        unknown = _median_seconds(lambda: accounts.authenticate(db.session, "khong.co.ai", "sai", address="b"))
    finally:
        accounts.configure_password_hashing("pbkdf2:sha256:1000")
    assert 0.5 < unknown / known < 2.0


# --- sessions ------------------------------------------------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_no_longer_works_after_it(demo, app, client, auth):
    auth.login("canbo.pleikan")
    copied = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/unit").status_code == 302


def test_the_csrf_token_changes_at_login(demo, client, auth):
    before = csrf_token_from(client.get("/login").get_data(as_text=True))
    auth.login("canbo.pleikan")
    after = csrf_token_from(client.get("/account/language").get_data(as_text=True))
    assert before != after


def test_logout_revokes_the_users_api_tokens(demo, client, auth):
    token = client.post("/api/v1/auth/tokens", json={"username": "canbo.pleikan", "password": "demo"}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200
    auth.login("canbo.pleikan")
    auth.logout()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401


def test_a_user_holds_a_bounded_number_of_live_tokens_the_oldest_revoked(demo, client):
    tokens = [
        client.post("/api/v1/auth/tokens", json={"username": "noivu", "password": "demo"}).json["token"]
        for _ in range(MAX_LIVE_TOKENS + 2)
    ]
    status = [client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {t}"}).status_code for t in tokens]
    assert status == [401, 401] + [200] * MAX_LIVE_TOKENS
    live = select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
    assert db.session.scalar(live) == MAX_LIVE_TOKENS


def test_revoke_all_my_tokens_through_the_api_and_the_account_page(demo, client, auth):
    first, second = (
        client.post("/api/v1/auth/tokens", json={"username": "noivu", "password": "demo"}).json["token"]
        for _ in range(2)
    )
    assert client.delete("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {first}"}).status_code == 204
    assert client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {second}"}).status_code == 401

    third = client.post("/api/v1/auth/tokens", json={"username": "noivu", "password": "demo"}).json["token"]
    auth.login("noivu")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Thu hồi tất cả mã truy cập" in page
    client.post("/account/tokens", data={"csrf_token": csrf_token_from(page)})
    assert client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {third}"}).status_code == 401
