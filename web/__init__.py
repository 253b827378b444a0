"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BaseConfig, config_from_env
from models import User, db
from web import observability
from web.extensions import babel, csrf, login_manager, migrate
from workflow.accounts.users import configure_password_hashing, load_user
from workflow.core import audit

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: type[BaseConfig] | None = None) -> Flask:
    config = config or config_from_env()
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(config.settings())
    if app.config["PROXY_COUNT"] > 0:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    observability.register(app)  # first: its request hooks wrap every other one
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    configure_workflow(app)

    from web import errors, filters, params, security_headers
    from web.api import init_api
    from web.blueprints import notifications, register_blueprints
    from web.cli import commands

    register_blueprints(app)
    init_api(app)
    errors.register(app)
    params.register(app)
    security_headers.register(app)
    filters.register(app)
    notifications.register_context(app)
    commands.register(app)
    _enable_sqlite_foreign_keys(app)
    return app


def configure_workflow(app: Flask) -> None:
    """Hand workflow/ the settings it keeps per process (it never reads Flask's config): the password hashing
    method and the audit key. Called by the factory; tests that build a second app call it again for theirs."""
    configure_password_hashing(app.config["PASSWORD_HASH_METHOD"])
    audit.configure(app.config["AUDIT_HMAC_KEY"], app.config["AUDIT_CHECKPOINT_FILE"])


def _select_locale() -> str:
    """An API call's token user's own choice (the API never reads the session); a signed-in user's own choice;
    before login, the choice kept in the session; else Vietnamese."""
    token = g.get("api_token")
    if token is not None:
        return token.user.language
    if current_user and current_user.is_authenticated:
        return current_user.language
    return session.get("language") if session.get("language") in ("vi", "en") else "vi"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The session names the user and the session version it was opened under (User.get_id); a version
    raised since (logout, password change) ends it."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 10 or len(version) > 10:
        return None
    user = load_user(db.session, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    """SQLite ignores foreign keys unless asked per connection; PostgreSQL always enforces them."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
