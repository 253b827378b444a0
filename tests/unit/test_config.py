import os
import secrets
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from config import ROOT, ConfigError, DevelopmentConfig, ProductionConfig
from web import create_app

STRONG = secrets.token_urlsafe(32)
OTHER_STRONG = secrets.token_urlsafe(32)
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "AUDIT_HMAC_KEY", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def production_env(**overrides) -> dict[str, str]:
    env = {"SECRET_KEY": STRONG, "AUDIT_HMAC_KEY": OTHER_STRONG, "DATABASE_URL": "sqlite:///:memory:"}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_production_refuses_to_start_without_secret_key(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    clean_env.setenv("AUDIT_HMAC_KEY", OTHER_STRONG)
    with pytest.raises(ConfigError, match="SECRET_KEY") as error:
        create_app(ProductionConfig)
    assert "DATABASE_URL" not in str(error.value) and "AUDIT_HMAC_KEY" not in str(error.value)


@pytest.mark.parametrize("weak", ["dev-only-not-secret", "short-secret-16ch", "a" * 40])
def test_production_refuses_the_placeholder_a_short_or_a_one_letter_secret_key(weak):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig.settings(production_env(SECRET_KEY=weak))


def test_production_refuses_an_audit_key_missing_or_equal_to_the_secret_key():
    with pytest.raises(ConfigError, match="AUDIT_HMAC_KEY"):
        ProductionConfig.settings(production_env(AUDIT_HMAC_KEY=None))
    with pytest.raises(ConfigError, match="AUDIT_HMAC_KEY"):
        ProductionConfig.settings(production_env(AUDIT_HMAC_KEY=STRONG))


def test_production_refuses_to_start_without_database_url():
    with pytest.raises(ConfigError, match="DATABASE_URL") as error:
        ProductionConfig.settings(production_env(DATABASE_URL=None))
    assert "SECRET_KEY" not in str(error.value)


def test_production_names_everything_missing_at_once():
    with pytest.raises(ConfigError) as error:
        ProductionConfig.settings({})
    assert all(name in str(error.value) for name in ("SECRET_KEY", "AUDIT_HMAC_KEY", "DATABASE_URL"))


def test_the_environment_is_read_when_the_app_is_created_not_at_import(clean_env):
    # The config module was imported long before these variables existed, as with `export …` then gunicorn.
    for name, value in production_env(DATABASE_URL="sqlite://").items():
        clean_env.setenv(name, value)
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == STRONG
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_production_forces_secure_cookies_even_when_told_otherwise():
    settings = ProductionConfig.settings(production_env(SESSION_COOKIE_SECURE="false"))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True


def test_an_unreadable_number_in_the_environment_is_named():
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        DevelopmentConfig.settings({"MAIL_PORT": "twenty-five"})


def test_default_database_is_a_sqlite_file_under_instance():
    assert DevelopmentConfig.settings({})["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{ROOT / 'instance' / 'app.db'}"


def test_session_cookie_is_http_only_and_same_site_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_production_starts_as_the_readme_says_with_secure_cookies(tmp_path):
    """`export APP_ENV=production SECRET_KEY=… AUDIT_HMAC_KEY=… DATABASE_URL=…`, `flask db upgrade`, gunicorn."""
    env = {
        **os.environ,
        "APP_ENV": "production",
        **production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
    }
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # The master binds the socket before it logs this line; a request made after it waits in the backlog for
        # the worker, so no polling is needed.
        for line in server.stderr:
            if b"Listening at" in line:
                break
        else:
            raise AssertionError("gunicorn stopped before listening")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=30) as response:
            status, body, headers = response.status, response.read().decode(), response.headers
        assert status == 200
        assert "Đăng nhập" in body
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()
