"""The app every benchmark measures: the test settings (fast password hashing, the test audit key) on a database
of the benchmark's own, migrated from empty."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from models import db
from web import create_app


def bench_app(url: str, upload_dir: Path, **settings) -> Flask:
    """The app on `url`, uploads in `upload_dir`; `settings` override any other configuration value."""
    values = {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(upload_dir), **settings}
    return create_app(type("BenchConfig", (TestingConfig,), values))


def migrate_from_empty() -> None:
    """In the app's context: the schema at head from nothing. PostgreSQL's `public` schema is dropped first (the
    benchmarks ask for a throw-away database); a SQLite file is new."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
