"""`flask backup copy-database`: a SQLite installation moved into an empty database of the run's kind (PostgreSQL
in the PostgreSQL run, a new SQLite file in the SQLite run), every row and audit hash kept."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models import AuditEntry, db
from tests.conftest import make_config
from tests.unit.test_backup import invoke, rows_of
from web import create_app
from workflow.core import audit
from workflow.operations.copy_database import copy_database


@pytest.fixture
def sqlite_installation(app, make_dossier, tmp_path):
    """A SQLite installation with the demo and a dossier made through the services: the run's rows, copied into
    a SQLite file the test owns. Returns its app, and the rows it holds."""
    make_dossier(complete=True)
    rows = rows_of(db.session.connection())
    db.session.rollback()
    url = f"sqlite:///{tmp_path / 'installation.db'}"
    copy_database(app.config["SQLALCHEMY_DATABASE_URI"], url)
    source = create_app(make_config(url, tmp_path / "uploads"))
    yield source, rows
    with source.app_context():
        db.engine.dispose()


def test_a_sqlite_installation_copied_into_an_empty_database_keeps_every_row_and_hash(
    sqlite_installation, empty_database_url
):
    source, rows = sqlite_installation
    entries = len(rows["audit_entries"])

    result = invoke(source, "backup", "copy-database", "--to", empty_database_url)

    assert result.exit_code == 0, result.output
    assert f"  audit_entries: {entries}\n" in result.output
    assert f"Nhật ký trên cơ sở dữ liệu đích toàn vẹn: {entries} mục, chuỗi băm khớp." in result.output
    target = create_engine(empty_database_url)
    with target.connect() as connection:
        copied = rows_of(connection)
    for table, expected in rows.items():
        assert copied[table] == expected, table

    # The installation runs on the copy: the next audit entry takes the next id and extends the same chain.
    with Session(target) as session:
        entry = audit.append(session, entity_type="dossier", entity_id=1, action="note", actor_id=None)
        session.commit()
        assert entry.id == rows["audit_entries"][-1]["id"] + 1
        checked = audit.verify(session)
        assert checked.intact, checked.problems
        assert checked.entries == entries + 1
        if target.dialect.name == "postgresql":  # the copy kept the append-only guard
            with pytest.raises(DBAPIError, match="append-only"):
                session.execute(text("DELETE FROM audit_entries WHERE id = 1"))
            session.rollback()
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries + 1
    target.dispose()


def test_a_copy_into_a_database_that_is_not_empty_is_refused(app, demo, tmp_path):
    target = tmp_path / "in-use.db"
    with sqlite3.connect(target) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('kept')")
    connection.close()

    result = invoke(app, "backup", "copy-database", "--to", f"sqlite:///{target}")

    assert result.exit_code == 2
    assert "Từ chối: cơ sở dữ liệu đích không trống (1 bảng, ví dụ notes)" in result.output
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
        assert connection.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    connection.close()
