"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, session
from flask_login import current_user

from config import BaseConfig, config_from_env
from models import User, db
from web.extensions import babel, csrf, login_manager, migrate
from workflow.accounts import configure_password_hashing, load_user

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: type[BaseConfig] | None = None) -> Flask:
    config = config or config_from_env()
    config.validate()
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    configure_password_hashing(app.config["PASSWORD_HASH_METHOD"])

    from web import cli_calendar, cli_outbox, cli_rules, errors, filters
    from web.api import init_api
    from web.blueprints import notifications, register_blueprints
    from web.cli import register_cli

    register_blueprints(app)
    init_api(app)
    errors.register(app)
    filters.register(app)
    notifications.register_context(app)
    register_cli(app)
    cli_calendar.register(app)
    cli_outbox.register(app)
    cli_rules.register(app)
    _enable_sqlite_foreign_keys(app)
    return app


def _select_locale() -> str:
    """A signed-in user's own choice; before login, the choice kept in the session; else Vietnamese."""
    if current_user and current_user.is_authenticated:
        return current_user.language
    return session.get("language") if session.get("language") in ("vi", "en") else "vi"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return load_user(db.session, int(user_id)) if user_id.isdigit() else None


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
