"""`flask backup create` and `flask backup restore`: a round trip into an empty database of the run's kind (a new
SQLite file, or a PostgreSQL database made for the test), and each refusal."""

from __future__ import annotations

import json
import tarfile
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from models import Base, db
from tests.conftest import make_config
from web import create_app
from workflow.core import audit


def rows_of(connection) -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order, with the schema revision."""
    rows = {
        table.name: [dict(row) for row in connection.execute(select(table).order_by(*table.primary_key)).mappings()]
        for table in Base.metadata.sorted_tables
    }
    rows["alembic_version"] = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def checkpoint_file(tmp_path, monkeypatch, app):
    """The audit checkpoint file of the installation backed up: the test's own, not the run's."""
    path = tmp_path / "source" / "audit-checkpoints.jsonl"
    monkeypatch.setitem(audit._settings, "checkpoint_file", str(path))
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    return path


@pytest.fixture
def restore_into_empty(empty_database_url, tmp_path):
    """`flask backup restore PATH` on a second installation: an empty database, no uploads, no checkpoint file.
    Made when called, after the test has written its source installation (making an app sets the audit key
    and checkpoint file workflow/ uses)."""
    made_apps = []

    def restore(backup: Path):
        fresh = create_app(make_config(empty_database_url, tmp_path / "restored" / "uploads"))
        made_apps.append(fresh)
        return invoke(fresh, "backup", "restore", str(backup))

    yield restore
    for fresh in made_apps:
        with fresh.app_context():
            db.engine.dispose()


def invoke(app, *args: str):
    """The command as `flask` runs it on that app (the test's own app context is the run's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def backup_of(app, destination: Path, *options: str) -> Path:
    result = invoke(app, "backup", "create", "--to", str(destination), *options)
    assert result.exit_code == 0, result.output
    [made] = destination.iterdir()
    assert str(made) in result.output
    return made


def tables_of(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
    engine.dispose()
    return names


def test_a_backup_restored_into_an_empty_database_has_every_row_and_every_file(
    app, make_dossier, checkpoint_file, restore_into_empty, empty_database_url, tmp_path
):
    make_dossier(complete=True)  # the demo, a dossier and its uploaded documents, through the services
    audit.checkpoint(db.session)
    db.session.commit()
    before = rows_of(db.session.connection())
    uploads = files_under(Path(app.config["UPLOAD_DIR"]))
    assert uploads and before["audit_entries"] and before["documents"]

    made = backup_of(app, tmp_path / "backups", "--tar")
    assert made.suffix == ".tar"
    result = restore_into_empty(made)

    assert result.exit_code == 0, result.output
    entries = len(before["audit_entries"])
    assert f"Nhật ký toàn vẹn: {entries} mục, chuỗi băm khớp." in result.output
    assert "Khớp với điểm kiểm tra lúc" in result.output
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        after = rows_of(connection)
    engine.dispose()
    for table, rows in before.items():
        assert after[table] == rows, table
    assert files_under(tmp_path / "restored" / "uploads") == uploads
    assert (tmp_path / "restored" / "audit-checkpoints.jsonl").read_bytes() == checkpoint_file.read_bytes()


def test_the_manifest_lists_each_file_with_its_checksum_and_the_schema_revision(app, demo, tmp_path):
    made = backup_of(app, tmp_path / "backups")
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    kind = db.engine.dialect.name

    assert manifest["database"] == {
        "kind": kind,
        "file": {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[kind],
        "schema_revision": revision,
    }
    assert manifest["app"]["version"] == "0.1.0"
    on_disk = {p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    assert "rulesets/base_salaries.yaml" in on_disk
    listed = manifest["files"][manifest["database"]["file"]]
    assert listed["size"] == (made / manifest["database"]["file"]).stat().st_size


def test_a_backup_of_a_newer_schema_is_refused(app, tmp_path, restore_into_empty, empty_database_url):
    made = backup_of(app, tmp_path / "backups")
    manifest_path = made / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["database"]["schema_revision"] = "9f9f9f9f9f9f"  # what a later version of the code would write
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = restore_into_empty(made)

    assert result.exit_code == 2
    assert "9f9f9f9f9f9f" in result.output
    assert "bản sao lưu mới hơn mã nguồn" in result.output
    assert tables_of(empty_database_url) == []


def test_a_damaged_file_is_named_and_nothing_is_restored(
    app, make_dossier, tmp_path, restore_into_empty, empty_database_url
):
    make_dossier(complete=True)
    made = backup_of(app, tmp_path / "backups")
    [upload, *_] = sorted(p for p in (made / "uploads").rglob("*") if p.is_file())
    upload.write_bytes(upload.read_bytes() + b"tampered")
    dump = next(made.glob("database.*"))
    dump.write_bytes(b"X" + dump.read_bytes()[1:])

    result = restore_into_empty(made)

    assert result.exit_code == 2
    damaged = [line for line in result.output.splitlines() if line.startswith("Từ chối: tệp hỏng")]
    assert len(damaged) == 2
    assert any(upload.relative_to(made).as_posix() in line for line in damaged)
    assert any(dump.name in line and "SHA-256" in line for line in damaged)
    assert tables_of(empty_database_url) == []
    assert not (tmp_path / "restored" / "uploads").exists()
    assert not (tmp_path / "restored" / "audit-checkpoints.jsonl").exists()


def test_a_database_that_is_not_empty_is_refused(app, demo, tmp_path):
    made = backup_of(app, tmp_path / "backups")
    before = rows_of(db.session.connection())
    db.session.rollback()

    result = invoke(app, "backup", "restore", str(made))

    assert result.exit_code == 2
    assert "cơ sở dữ liệu đích không trống" in result.output
    assert rows_of(db.session.connection()) == before


def test_a_folder_without_a_manifest_is_not_a_backup(app, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    result = invoke(app, "backup", "restore", str(tmp_path / "elsewhere"))
    assert result.exit_code == 2
    assert "không có manifest.json" in result.output


def test_a_tar_that_is_not_a_backup_is_refused_and_its_unpacked_copy_removed(app, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # TMPDIR, where a .tar is unpacked
    archive = tmp_path / "other.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(__file__, arcname="other/readme.py")
    result = invoke(app, "backup", "restore", str(archive))
    assert result.exit_code == 2
    assert "không có manifest.json" in result.output
    assert list(scratch.iterdir()) == []
