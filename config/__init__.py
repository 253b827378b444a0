"""Configuration classes. Nothing here imports our code.

A class holds the defaults; `settings(environ)` overlays the environment variables and checks the result. The
app factory calls it when the app is created, never at import, so what an operator exports before starting the
server is what the server runs with."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

DEV_SECRET_KEY = "dev-only-not-secret"
DEV_AUDIT_KEY = "dev-only-audit-key"
# token_urlsafe(32), as the README shows, gives 43 characters.
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs to start."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _log_format(value: str) -> str:
    if value.strip().lower() not in ("json", "text"):
        raise ValueError(value)
    return value.strip().lower()


def _log_level(value: str) -> str:
    if value.strip().upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(value)
    return value.strip().upper()


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (127.0.0.1, 10.0.0.0/8, ::1); ValueError for anything else."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


class BaseConfig:
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'app.db'}"
    # A pooled connection is tested (a round trip) before a request uses it: after the database restarted, failed
    # over or dropped idle connections, the next request gets a fresh connection instead of an error page.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    # Each uploaded file is at most 20 MB (workflow/dossiers/documents.py, which says so in its own message); the
    # dossier page sends up to five in one go, so past 105 MB the request itself is refused (web/errors.py says so).
    MAX_CONTENT_LENGTH = 105 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None
    # Strict-Transport-Security is sent only where the site is served over HTTPS (production).
    HSTS = False

    # How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For/-Proto headers are then
    # believed, so the login throttle counts the real client address. 0 trusts no such header.
    PROXY_COUNT = 0

    # werkzeug's default (scrypt) is right for production; tests lower the cost only.
    PASSWORD_HASH_METHOD = "scrypt"

    # The audit chain is keyed (HMAC-SHA256): whoever can write the database but not read this key cannot
    # rewrite history and recompute the hashes. Checkpoints of the chain's head are appended to a file outside
    # the database.
    AUDIT_HMAC_KEY = DEV_AUDIT_KEY
    AUDIT_CHECKPOINT_FILE = str(INSTANCE_DIR / "audit-checkpoints.jsonl")

    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "thiduakhenthuong@localhost"

    # The outbox worker: retry backoff base (doubling, capped at an hour), attempts before a dead letter, and
    # whether development delivers right after each commit instead of waiting for `flask outbox run`.
    OUTBOX_BACKOFF_SECONDS = 30.0
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_FLUSH_AFTER_COMMIT = False
    # Absolute links in e-mails.
    APP_BASE_URL = "http://127.0.0.1:5000"

    # Logs: "json" writes one JSON object per line on stderr (every request, every error, with its request id);
    # "text" leaves logging as Python, Flask and gunicorn set it up.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # /readyz answers 503 past these: outbox messages due for delivery now, and dead letters.
    READY_MAX_OUTBOX_DUE = 500
    READY_MAX_DEAD_LETTERS = 100
    # /metrics answers only these client addresses (as ProxyFix gives them), or a request bearing METRICS_TOKEN.
    METRICS_ALLOWED_NETWORKS = _networks("127.0.0.1, ::1")
    METRICS_TOKEN: str | None = None

    # Which rule set judges a nomination (docs/DOMAIN.md §2): reached_authority (default), review or achievement_year.
    RULE_SET_BASIS = "reached_authority"

    TESTING = False
    DEBUG = False

    # Environment variable → (setting, parser). Read by settings(), when the app is created.
    ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
        "SECRET_KEY": ("SECRET_KEY", str),
        "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
        "UPLOAD_DIR": ("UPLOAD_DIR", str),
        "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _bool),
        "PROXY_COUNT": ("PROXY_COUNT", int),
        "PASSWORD_HASH_METHOD": ("PASSWORD_HASH_METHOD", str),
        "AUDIT_HMAC_KEY": ("AUDIT_HMAC_KEY", str),
        "AUDIT_CHECKPOINT_FILE": ("AUDIT_CHECKPOINT_FILE", str),
        "MAIL_SERVER": ("MAIL_SERVER", str),
        "MAIL_PORT": ("MAIL_PORT", int),
        "MAIL_USE_TLS": ("MAIL_USE_TLS", _bool),
        "MAIL_USERNAME": ("MAIL_USERNAME", str),
        "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
        "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
        "OUTBOX_BACKOFF_SECONDS": ("OUTBOX_BACKOFF_SECONDS", float),
        "OUTBOX_MAX_ATTEMPTS": ("OUTBOX_MAX_ATTEMPTS", int),
        "APP_BASE_URL": ("APP_BASE_URL", str),
        "RULE_SET_BASIS": ("RULE_SET_BASIS", str),
        "LOG_FORMAT": ("LOG_FORMAT", _log_format),
        "LOG_LEVEL": ("LOG_LEVEL", _log_level),
        "READY_MAX_OUTBOX_DUE": ("READY_MAX_OUTBOX_DUE", int),
        "READY_MAX_DEAD_LETTERS": ("READY_MAX_DEAD_LETTERS", int),
        "METRICS_ALLOWED_NETWORKS": ("METRICS_ALLOWED_NETWORKS", _networks),
        "METRICS_TOKEN": ("METRICS_TOKEN", str),
    }

    @classmethod
    def settings(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The class's values with the environment laid over them, checked. Raises ConfigError."""
        environ = os.environ if environ is None else environ
        values = {name: getattr(cls, name) for name in dir(cls) if name.isupper() and name != "ENVIRONMENT"}
        for variable, (setting, parse) in cls.ENVIRONMENT.items():
            if variable in environ:
                try:
                    values[setting] = parse(environ[variable])
                except ValueError:
                    raise ConfigError(f"{variable} has an unreadable value: {environ[variable]!r}") from None
        cls.check(values, environ)
        return values

    @classmethod
    def check(cls, values: dict[str, Any], environ: Mapping[str, str]) -> None:
        """Raise ConfigError when the values cannot run; the base class accepts anything."""


class DevelopmentConfig(BaseConfig):
    OUTBOX_FLUSH_AFTER_COMMIT = True
    ENVIRONMENT = {
        **BaseConfig.ENVIRONMENT,
        "FLASK_DEBUG": ("DEBUG", _bool),
        "OUTBOX_FLUSH_AFTER_COMMIT": ("OUTBOX_FLUSH_AFTER_COMMIT", _bool),
    }


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing"
    AUDIT_HMAC_KEY = "testing-audit-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None
    # Tests say what they run with (tests/conftest.py picks the database); nothing comes from the environment.
    ENVIRONMENT: dict = {}


def _weak(secret: str, placeholder: str) -> bool:
    return not secret or secret == placeholder or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8


class ProductionConfig(BaseConfig):
    # Behind HTTPS only: cookies never travel in clear, browsers are told to stay on HTTPS.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    LOG_FORMAT = "json"
    ENVIRONMENT = {k: v for k, v in BaseConfig.ENVIRONMENT.items() if k != "SESSION_COOKIE_SECURE"}

    @classmethod
    def check(cls, values: dict[str, Any], environ: Mapping[str, str]) -> None:
        problems = []
        if _weak(values["SECRET_KEY"], DEV_SECRET_KEY):
            problems.append(f"SECRET_KEY (a random string of at least {MIN_SECRET_LENGTH} characters)")
        if _weak(values["AUDIT_HMAC_KEY"], DEV_AUDIT_KEY) or values["AUDIT_HMAC_KEY"] == values["SECRET_KEY"]:
            problems.append(
                f"AUDIT_HMAC_KEY (a second random string of at least {MIN_SECRET_LENGTH} characters, "
                "not the SECRET_KEY)"
            )
        if values["METRICS_TOKEN"] is not None and _weak(values["METRICS_TOKEN"], ""):
            problems.append(f"METRICS_TOKEN (unset, or a random string of at least {MIN_SECRET_LENGTH} characters)")
        if not environ.get("DATABASE_URL"):
            problems.append("DATABASE_URL (e.g. postgresql+psycopg://user:pass@host/db)")
        if problems:
            raise ConfigError("Production configuration is missing or weak: " + "; ".join(problems))


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
