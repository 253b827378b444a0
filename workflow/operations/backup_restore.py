"""`flask backup restore`: put a backup back into an empty installation, or refuse before touching anything.

Every check comes first (a readable manifest, a schema revision this code knows, the same kind of database, every
file's checksum, an empty target database, no uploaded file that would be overwritten with other bytes); only
then are the database, the uploads and the checkpoint file written. A backup made at an older revision is
migrated to this code's head afterwards. The rule-set files are code and stay as they are; those that differ
from the backup's copies are named."""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine

from workflow.operations import backup_database
from workflow.operations.backup import CHECKPOINTS, MANIFEST, RULESETS, UPLOADS, Installation, sha256_of


class RestoreRefused(Exception):
    """The backup cannot go into this installation; `reasons` says why, one line each. Nothing was written."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Restored:
    revision: str
    migrated_to: str | None = None  # this code's head, when the backup was older
    uploads: int = 0
    checkpoint_restored: bool = False
    checkpoint_set_aside: Path | None = None  # the file that was there before, kept under this name
    rulesets_differing: list[str] = field(default_factory=list)


@contextmanager
def opened(path: Path) -> Iterator[Path]:
    """The backup's folder: the path itself, or a .tar unpacked into the temporary folder (TMPDIR) for the
    restore's time (the backup's own folder may be read-only media)."""
    if path.is_dir():
        yield path
        return
    if not tarfile.is_tarfile(path):
        raise RestoreRefused([f"{path} không phải thư mục sao lưu hay tệp .tar"])
    unpacked = Path(tempfile.mkdtemp(prefix="restore-"))
    try:
        try:
            with tarfile.open(path) as archive:
                archive.extractall(unpacked, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise RestoreRefused([f"không giải nén được {path}: {error}"]) from None
        folders = [child for child in unpacked.iterdir() if child.is_dir()]
        yield folders[0] if len(folders) == 1 else unpacked
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RestoreRefused([f"không có {MANIFEST} trong {folder}: đây không phải một bản sao lưu"]) from None
    except ValueError as error:
        raise RestoreRefused([f"{MANIFEST} không đọc được ({error})"]) from None
    database = manifest.get("database") if isinstance(manifest, dict) else None
    if not isinstance(database, dict) or not {"kind", "file"} <= database.keys():
        raise RestoreRefused([f"{MANIFEST} không ghi cơ sở dữ liệu (database.kind, database.file)"])
    if not isinstance(manifest.get("files"), dict):
        raise RestoreRefused([f"{MANIFEST} không có danh sách tệp (files)"])
    return manifest


def bad_files(folder: Path, manifest: dict) -> list[str]:
    """Every file of the manifest that is missing, of another size or of other bytes, named."""
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: thiếu tệp")
        elif path.stat().st_size != expected["size"]:
            problems.append(f"{name}: kích thước {path.stat().st_size} byte, bản kê ghi {expected['size']} byte")
        elif sha256_of(path) != expected["sha256"]:
            problems.append(f"{name}: mã SHA-256 không khớp bản kê (tệp bị hỏng hoặc bị sửa)")
    return problems


def _refusals(folder: Path, manifest: dict, installation: Installation) -> list[str]:
    database = manifest["database"]
    revision = database.get("schema_revision")
    if not backup_database.knows_revision(revision):
        app = manifest.get("app") or {}
        return [
            f"bản sao lưu ở phiên bản lược đồ {revision}, mã nguồn này không biết phiên bản đó (bản sao lưu mới "
            f"hơn mã nguồn): cài phiên bản ứng dụng đã tạo ra nó ({app.get('version')}, commit {app.get('commit')}) "
            "rồi khôi phục lại"
        ]
    target_kind = backup_database.kind_of(installation.database_url)
    if database["kind"] != target_kind:
        return [
            f"bản sao lưu là cơ sở dữ liệu {database['kind']}, cơ sở dữ liệu đích là {target_kind}: khôi phục vào "
            f"một cơ sở dữ liệu {database['kind']} (chuyển SQLite sang PostgreSQL bằng `flask backup copy-database`)"
        ]
    problems = bad_files(folder, manifest)
    if problems:
        return ["tệp hỏng trong bản sao lưu — " + problem for problem in problems]
    try:
        tables = backup_database.tables_in(installation.database_url)
    except backup_database.Unreachable as error:
        return [str(error)]
    if tables:
        return [
            f"cơ sở dữ liệu đích không trống ({len(tables)} bảng, ví dụ {', '.join(sorted(tables)[:3])}): chỉ khôi "
            "phục vào một cơ sở dữ liệu trống; người quản trị tạo một cơ sở dữ liệu mới rồi trỏ DATABASE_URL vào đó"
        ]
    return [
        f"tệp tải lên {name} đã có trong {installation.upload_dir} với nội dung khác"
        for name, existing in _uploads(folder, installation)
        if existing.exists() and sha256_of(existing) != manifest["files"][f"{UPLOADS}/{name}"]["sha256"]
    ]


def _uploads(folder: Path, installation: Installation) -> Iterator[tuple[str, Path]]:
    source = folder / UPLOADS
    for path in sorted(source.rglob("*")) if source.is_dir() else ():
        if path.is_file():
            name = path.relative_to(source).as_posix()
            yield name, installation.upload_dir / name


def _put_checkpoints(folder: Path, installation: Installation, restored: Restored) -> None:
    """The backup's checkpoint file goes where AUDIT_CHECKPOINT_FILE says; a file already there is kept aside
    under a dated name, never deleted (it may record entries made after the backup)."""
    source = folder / CHECKPOINTS
    target = installation.checkpoint_file
    if not source.is_file() or target is None:
        return
    if target.exists():
        if sha256_of(target) == sha256_of(source):
            restored.checkpoint_restored = True
            return
        aside = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        os.replace(target, aside)
        restored.checkpoint_set_aside = aside
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    restored.checkpoint_restored = True


def _rulesets_differing(folder: Path, installation: Installation) -> list[str]:
    saved = folder / RULESETS
    names = {p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file()} if saved.is_dir() else set()
    here = installation.ruleset_dir
    names |= {p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file()} if here.is_dir() else set()
    return [
        name
        for name in sorted(names)
        if not (saved / name).is_file()
        or not (here / name).is_file()
        or sha256_of(saved / name) != sha256_of(here / name)
    ]


def restore_backup(path: Path, installation: Installation) -> Restored:
    """Check the backup and the target, then restore; raises RestoreRefused (with nothing written) when it must
    not go in."""
    with opened(path) as folder:
        manifest = read_manifest(folder)
        refusals = _refusals(folder, manifest, installation)
        if refusals:
            raise RestoreRefused(refusals)
        database = manifest["database"]
        restored = Restored(revision=database["schema_revision"])
        backup_database.restore(folder / database["file"], installation.database_url)
        head = backup_database.code_head()
        if restored.revision != head:
            engine = create_engine(installation.database_url)
            try:
                with engine.begin() as connection:
                    backup_database.migrate_to_head(connection)
            finally:
                engine.dispose()
            restored.migrated_to = head
        for name, target in _uploads(folder, installation):
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / UPLOADS / name, target)
            restored.uploads += 1
        _put_checkpoints(folder, installation, restored)
        restored.rulesets_differing = _rulesets_differing(folder, installation)
        return restored
