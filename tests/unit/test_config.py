import os
import subprocess
import sys

import pytest

from config import ROOT, ConfigError, ProductionConfig
from web import create_app


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_secret_key(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    with pytest.raises(ConfigError, match="SECRET_KEY") as error:
        create_app(ProductionConfig)
    assert "DATABASE_URL" not in str(error.value)


def test_production_refuses_the_development_placeholder_key(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    clean_env.setenv("SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig.validate()


def test_production_refuses_to_start_without_database_url(clean_env):
    clean_env.setenv("SECRET_KEY", "a-long-random-production-secret")
    with pytest.raises(ConfigError, match="DATABASE_URL") as error:
        ProductionConfig.validate()
    assert "SECRET_KEY" not in str(error.value)


def test_production_names_both_when_both_are_missing(clean_env):
    with pytest.raises(ConfigError) as error:
        ProductionConfig.validate()
    assert "SECRET_KEY" in str(error.value) and "DATABASE_URL" in str(error.value)


def test_production_starts_with_both_set(clean_env):
    clean_env.setenv("SECRET_KEY", "a-long-random-production-secret")
    clean_env.setenv("DATABASE_URL", "sqlite:///:memory:")
    ProductionConfig.validate()
    assert ProductionConfig.SECRET_KEY == "a-long-random-production-secret"


def test_default_database_is_a_sqlite_file_under_instance():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    printed = subprocess.run(
        [sys.executable, "-c", "import config; print(config.DevelopmentConfig.SQLALCHEMY_DATABASE_URI)"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == f"sqlite:///{ROOT / 'instance' / 'app.db'}"


def test_session_cookie_is_http_only_and_same_site_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
