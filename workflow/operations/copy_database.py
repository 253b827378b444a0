"""`flask backup copy-database`: every row of one database into another, empty one; how a SQLite installation
moves to PostgreSQL.

The target is migrated to head by this code's migrations (so it has PostgreSQL's own schema: the audit table's
triggers, the trigram indexes), then every table is copied in foreign-key order with SQLAlchemy Core in batches,
through the models' column types (SQLite's 0/1 become booleans, its datetime text UTC timestamps; JSON is read and
written the same way), ids and audit hashes unchanged. A column pointing into its own table (a unit's parent, an
authority's successor) is filled in a second pass, so row order cannot break its foreign key. The id sequences are
moved past the copied ids, the row counts are compared table by table, all in one transaction on the target; then
the audit chain is verified there. The source is read from one snapshot: a SQLite source is first copied with
the online backup API, a PostgreSQL source read in one REPEATABLE READ transaction."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Table, bindparam, create_engine, func, select, text
from sqlalchemy.orm import Session

from models import Base
from workflow.core import audit
from workflow.operations import backup_database

BATCH = 2_000


class CopyRefused(Exception):
    """The copy cannot start, or its counts did not match (then nothing was kept); the message says which."""


@dataclass
class Copied:
    rows: dict[str, int] = field(default_factory=dict)  # table → rows in source and target alike
    verification: audit.Verification | None = None


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


@contextmanager
def _snapshot(source_url: str) -> Iterator[Connection]:
    """A connection that sees the source as of one moment."""
    if backup_database.kind_of(source_url) == "sqlite":
        if not backup_database.sqlite_path(source_url).is_file():
            raise CopyRefused(f"không có cơ sở dữ liệu nguồn {backup_database.sqlite_path(source_url)}")
        with tempfile.TemporaryDirectory(prefix="copy-source-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            source, target = sqlite3.connect(backup_database.sqlite_path(source_url)), sqlite3.connect(copy)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
            engine = create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                engine.dispose()
        return
    engine = create_engine(source_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            connection.execute(text("SET TRANSACTION READ ONLY"))
            yield connection
    finally:
        engine.dispose()


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    later = _self_references(table)
    order = list(table.primary_key.columns)
    copied, pending = 0, []
    result = source.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for batch in result.mappings().partitions():
        rows = [dict(row) for row in batch]
        for row in rows:
            if any(row[name] is not None for name in later):
                pending.append({"key_" + c.name: row[c.name] for c in order} | {name: row[name] for name in later})
                row.update(dict.fromkeys(later, None))
        target.execute(table.insert(), rows)
        copied += len(rows)
    if pending:
        where = [c == bindparam("key_" + c.name) for c in order]
        target.execute(table.update().where(*where), pending)
    return copied


def _move_sequences(target: Connection) -> None:
    """PostgreSQL hands out the next id from a sequence that the copied ids did not move."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = target.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        if sequence is None:
            continue
        top = target.scalar(select(func.max(table.c.id)))
        target.execute(
            text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": top or 1, "called": top is not None},
        )


def copy_database(source_url: str, target_url: str) -> Copied:
    """Copy the source database into the empty target; raises CopyRefused before writing anything when the
    target is not empty or the source is not at this code's schema head, and rolls everything back when a
    table's row count differs after the copy."""
    try:
        tables = backup_database.tables_in(target_url)
    except backup_database.Unreachable as error:
        raise CopyRefused(str(error)) from None
    if tables:
        raise CopyRefused(
            f"cơ sở dữ liệu đích không trống ({len(tables)} bảng, ví dụ {', '.join(sorted(tables)[:3])}): tạo một "
            "cơ sở dữ liệu trống cho bản sao"
        )
    copied = Copied()
    target_engine = create_engine(target_url)
    try:
        with _snapshot(source_url) as source:
            revision, head = backup_database.revision_of(source), backup_database.code_head()
            if revision != head:
                raise CopyRefused(
                    f"cơ sở dữ liệu nguồn ở phiên bản lược đồ {revision}, mã nguồn ở {head}: chạy `flask db upgrade` "
                    "trên nguồn trước"
                )
            with target_engine.begin() as target:
                backup_database.migrate_to_head(target)
                for table in Base.metadata.sorted_tables:
                    copied.rows[table.name] = _copy_table(source, target, table)
                if target.dialect.name == "postgresql":
                    _move_sequences(target)
                differing = [
                    f"{name}: nguồn {rows}, đích {count}"
                    for name, rows in copied.rows.items()
                    if (count := target.scalar(select(func.count()).select_from(Base.metadata.tables[name]))) != rows
                ]
                if differing:
                    raise CopyRefused("số dòng không khớp, không giữ lại gì: " + "; ".join(differing))
        with Session(target_engine) as session:
            copied.verification = audit.verify(session)
    finally:
        target_engine.dispose()
    return copied
