"""The schema comes from the Alembic revisions, on SQLite and PostgreSQL alike."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from models import Base, db
from tests.conftest import make_config
from web import create_app


@pytest.fixture
def empty_database_url(_app, tmp_path):
    """A brand-new empty database of the same kind as the test run's."""
    url = make_url(_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_flask_db_upgrade_builds_the_schema_on_an_empty_database(empty_database_url, tmp_path):
    app = create_app(make_config(empty_database_url, tmp_path / "uploads"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output

    engine = create_engine(empty_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_check_constraints_reach_the_database(app):
    with pytest.raises(IntegrityError, match=r"(?i)check"):
        db.session.execute(
            text(
                "INSERT INTO authorities (code, name, short_name, level, place_name, valid_from) "
                "VALUES ('X', 'X', 'X', 'village', 'X', '2020-01-01')"
            )
        )
        db.session.flush()
    db.session.rollback()
