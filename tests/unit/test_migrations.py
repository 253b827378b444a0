"""The schema comes from the Alembic revisions, on SQLite and PostgreSQL alike."""


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from models import Base, db
from tests.conftest import make_config
from web import create_app


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
