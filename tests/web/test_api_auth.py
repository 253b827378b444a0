"""Bearer tokens: issued for the right password only, stored as a hash, refused once revoked or expired."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from models import ApiToken, db
from models.base import utcnow

TOKENS = "/api/v1/auth/tokens"
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng"


def issue(client, username: str = "canbo.pleikan", password: str = "demo"):
    return client.post(TOKENS, json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_right_password_gives_a_token_that_lists_dossiers(demo, client):
    response = issue(client)
    assert response.status_code == 201
    assert set(response.json) == {"token", "expires_at"}
    listed = client.get("/api/v1/dossiers", headers=bearer(response.json["token"]))
    assert listed.status_code == 200
    assert listed.json["meta"]["total"] == 0


def test_token_lasts_thirty_days(demo, client):
    response = issue(client)
    row = db.session.scalar(select(ApiToken))
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)
    assert response.json["expires_at"].startswith(row.expires_at.date().isoformat())


@pytest.mark.parametrize(("username", "password"), [("canbo.pleikan", "sai-mat-khau"), ("khong.ton.tai", "demo")])
def test_wrong_password_or_unknown_user_get_the_same_401(demo, client, username, password):
    response = issue(client, username, password)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == BAD_CREDENTIALS
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.session.scalar(select(ApiToken)) is None


def test_only_the_hash_of_a_token_is_stored(demo, client):
    token = issue(client).json["token"]
    rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])
    assert db.session.scalar(select(ApiToken.token_hash)) == hashlib.sha256(token.encode()).hexdigest()


def test_revoked_token_is_refused(demo, client):
    token = issue(client).json["token"]
    assert client.delete(f"{TOKENS}/current", headers=bearer(token)).status_code == 204
    response = client.get("/api/v1/dossiers", headers=bearer(token))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_refused(demo, client):
    token = issue(client).json["token"]
    row = db.session.scalar(select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


def test_token_of_a_disabled_account_is_refused(demo, client, user):
    token = issue(client).json["token"]
    user("canbo.pleikan").active = False
    db.session.commit()
    assert client.get("/api/v1/dossiers", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer khong-phai-ma", "Basic Y2FuYm8ucGxlaWthbjpkZW1v", "Bearer " + "x" * 5000],
)
def test_missing_or_malformed_token_gets_401_problem(demo, client, header):
    response = client.get("/api/v1/dossiers", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="api"')


def test_the_session_cookie_does_not_authenticate_the_api(demo, client, auth):
    auth.login("canbo.pleikan")
    assert client.get("/unit").status_code == 200
    assert client.get("/api/v1/dossiers").status_code == 401
    created = client.post("/api/v1/dossiers", json={"procedure": "regular", "year": 2025, "title": "Giả mạo"})
    assert created.status_code == 401


def test_token_request_without_fields_gets_field_errors(demo, client):
    response = client.post(TOKENS, json={"password": "x" * 201, "extra": 1})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == {"username", "password", "extra"}
    assert response.json["errors"]["username"] == ["Trường này là bắt buộc."]


def test_token_request_that_is_not_json_gets_400(demo, client):
    response = client.post(TOKENS, data="{không phải json", content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["errors"] == {"_schema": ["Nội dung gửi lên không phải JSON hợp lệ."]}
