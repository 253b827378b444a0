"""The database half of a backup: a consistent dump and its restore, per kind of database, and the schema revision.

PostgreSQL is dumped by `pg_dump` (custom format; one snapshot, so consistent while the app writes) and restored by
`pg_restore` in one transaction; SQLite by its online backup API (`sqlite3.Connection.backup`, also one snapshot)
and restored by moving a copy of the file into place. The password travels in PGPASSWORD, never on a command line
that `ps` shows."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from config import ROOT

MIGRATIONS = ROOT / "migrations"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class DatabaseToolError(RuntimeError):
    """pg_dump or pg_restore is missing or failed; the message carries what it printed."""


def kind_of(url: str | URL) -> str:
    """'postgresql' or 'sqlite' (the two databases the app runs on)."""
    return make_url(url).get_backend_name()


def sqlite_path(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DatabaseToolError("a SQLite database in memory cannot be backed up or restored")
    return Path(database)


# --- the schema revision -------------------------------------------------------------------------------------


def scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def code_head() -> str:
    return scripts().get_current_head()


def knows_revision(revision: str) -> bool:
    """Whether this code's migrations hold the revision (a newer backup's is unknown to them)."""
    if not revision:
        return False
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def revision_of(connection: Connection) -> str | None:
    """The database's Alembic revision; None for a database never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate_to_head(connection: Connection) -> None:
    """Run this code's migrations up to head on the connection, inside the caller's transaction when it has one.
    Without Flask: migrations/env.py reads the app, and this runs on a database other than the app's."""
    script = scripts()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with EnvironmentContext(
        config, script, fn=lambda revision, _context: script._upgrade_revs("head", revision), destination_rev="head"
    ) as context:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


# --- emptiness -----------------------------------------------------------------------------------------------


class Unreachable(RuntimeError):
    """The database named cannot be opened (it does not exist, or the server refuses the connection)."""


def tables_in(url: str) -> list[str]:
    """The tables a database holds; none for a SQLite file that does not exist yet (restoring creates it)."""
    if kind_of(url) == "sqlite" and not sqlite_path(url).exists():
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    except OperationalError as error:
        raise Unreachable(f"không mở được cơ sở dữ liệu {make_url(url)!r}: {error.orig}") from None
    finally:
        engine.dispose()


# --- dump ----------------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    """A PostgreSQL client program: on PATH, else Debian's newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise DatabaseToolError(f"{name} not found: install postgresql-client (the server's major version or newer)")
    return str(candidates[-1])


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it, without the password, and the environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        name = Path(command[0]).name
        raise DatabaseToolError(f"{name} exited with {done.returncode}: {done.stderr.strip()}")


def dump(url: str, destination: Path) -> Path:
    """Write a consistent copy of the database into the folder; returns the file written."""
    kind = kind_of(url)
    target = destination / DUMP_FILES[kind]
    if kind == "postgresql":
        dsn, env = _libpq(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", dsn], env)
        return target
    source = sqlite3.connect(sqlite_path(url))
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


def revision_in_dump(kind: str, dump_file: Path, url: str) -> str | None:
    """The schema revision the dump holds: read from the SQLite copy itself; for PostgreSQL from the database
    just dumped (the dump is not readable without restoring it)."""
    engine = create_engine(f"sqlite:///{dump_file}" if kind == "sqlite" else url)
    try:
        with engine.connect() as connection:
            return revision_of(connection)
    finally:
        engine.dispose()


# --- restore -------------------------------------------------------------------------------------------------


def restore(dump_file: Path, url: str) -> None:
    """Put the dump into the empty database named by the URL: all of it, or (on failure) nothing."""
    if kind_of(url) == "postgresql":
        dsn, env = _libpq(url)
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={dsn}",
                str(dump_file),
            ],
            env,
        )
        return
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump_file, partial)
    with open(partial, "rb") as file:
        os.fsync(file.fileno())
    # An empty database left by a connection in WAL mode may have these beside it; they belong to the old file.
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, target)
