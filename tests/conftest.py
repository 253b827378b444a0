"""Shared fixtures. The database is TEST_DATABASE_URL (PostgreSQL in `make test`) or a SQLite file.

The schema is built once per run by the real Alembic migrations; every test then starts from empty tables."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from models import Base, db
from web import create_app


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def make_config(database_url: str, upload_dir: Path) -> type[TestingConfig]:
    return type(
        "RunConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(upload_dir)},
    )


def reset_postgres_schema(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("db")
    app = create_app(make_config(_database_url(tmp_dir), tmp_dir / "uploads"))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        reset_postgres_schema(app)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def app(_app):
    """The app inside an app context, with every table empty at the start and the end of the test."""
    with _app.app_context():
        yield _app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The Ngọc Hồi demo data, loaded exactly as `flask seed-demo` loads it."""
    from workflow.demo import seed_demo

    report = seed_demo(db.session)
    db.session.commit()
    return report


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class AuthActions:
    """Logs in through the real login form, CSRF token included (flaskr's AuthActions)."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = "demo", follow_redirects: bool = False):
        page = self._client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self._client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        page = self._client.get("/account/language")
        token = csrf_token_from(page.get_data(as_text=True))
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)
