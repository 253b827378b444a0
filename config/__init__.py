"""Configuration classes. Values come from environment variables; nothing here imports our code."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs to start."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'app.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    # werkzeug's default (scrypt) is right for production; tests lower the cost only.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "thiduakhenthuong@localhost")

    # The outbox worker: retry backoff base (doubling, capped at an hour), attempts before a dead letter, and
    # whether development delivers right after each commit instead of waiting for `flask outbox run`.
    OUTBOX_BACKOFF_SECONDS = float(os.environ.get("OUTBOX_BACKOFF_SECONDS", "30"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_FLUSH_AFTER_COMMIT = False
    # Absolute links in e-mails.
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000")

    # Which rule set judges a nomination (DOMAIN.md §2): reached_authority (default), review or achievement_year.
    RULE_SET_BASIS = os.environ.get("RULE_SET_BASIS", "reached_authority")

    TESTING = False
    DEBUG = False

    @classmethod
    def validate(cls) -> None:
        """Raise ConfigError when the configuration cannot run; the base class accepts anything."""


class DevelopmentConfig(BaseConfig):
    DEBUG = _env_bool("FLASK_DEBUG", False)
    OUTBOX_FLUSH_AFTER_COMMIT = _env_bool("OUTBOX_FLUSH_AFTER_COMMIT", True)


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None


class ProductionConfig(BaseConfig):
    @classmethod
    def validate(cls) -> None:
        missing = []
        secret = os.environ.get("SECRET_KEY", "")
        if not secret or secret == BaseConfig.SECRET_KEY or len(secret) < 16:
            missing.append("SECRET_KEY (a random string of at least 16 characters)")
        if not os.environ.get("DATABASE_URL"):
            missing.append("DATABASE_URL (e.g. postgresql+psycopg://user:pass@host/db)")
        if missing:
            raise ConfigError("Production configuration is missing: " + "; ".join(missing))
        cls.SECRET_KEY = secret
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[BaseConfig]:
    """Pick the configuration class named by APP_ENV (development by default)."""
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"APP_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
