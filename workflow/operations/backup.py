"""`flask backup create`: one folder (or .tar) that is enough to bring an installation back after a disaster.

It holds a consistent dump of the database (workflow/operations/backup_database.py), every uploaded file, the
rule-set files, the audit checkpoint file when there is one, and `manifest.json`: each file's SHA-256 and size, the
database's kind and schema revision, the app's version and the time. The folder is written under a `.partial`
name and renamed when complete, so a backup that is there is whole; the uploads are copied after the dump, so
every file the dumped rows name is in it (the store only ever adds files)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from config import ROOT
from workflow.operations import backup_database

MANIFEST = "manifest.json"
FORMAT = 1
UPLOADS = "uploads"
RULESETS = "rulesets"
CHECKPOINTS = "audit-checkpoints.jsonl"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Installation:
    """What a backup takes and a restore puts back: the app's DATABASE_URL, UPLOAD_DIR, AUDIT_CHECKPOINT_FILE and
    the rule-set folder."""

    database_url: str
    upload_dir: Path
    checkpoint_file: Path | None
    ruleset_dir: Path


@dataclass(frozen=True)
class Made:
    path: Path
    manifest: dict


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> dict:
    """The version in pyproject.toml and, in a git checkout, the commit: what a restore names when it refuses."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        version = tomllib.load(file)["project"]["version"]
    commit = None
    if (ROOT / ".git").exists():
        done = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False, timeout=10
        )
        commit = done.stdout.strip() or None
    return {"version": version, "commit": commit}


def _copy_tree(source: Path, destination: Path) -> None:
    """Copy every file under source; a file that goes away while being copied (an upload's temporary file) is
    left out."""
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, target)
        except FileNotFoundError:
            continue


def _listing(folder: Path) -> dict[str, dict]:
    return {
        path.relative_to(folder).as_posix(): {"sha256": sha256_of(path), "size": path.stat().st_size}
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _write_synced(path: Path, content: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def create_backup(installation: Installation, destination: Path, *, as_tar: bool = False) -> Made:
    """Write backup-<UTC time> (a folder, or a .tar of it) into destination; returns its path and manifest."""
    now = datetime.now(UTC)
    name = f"backup-{now:%Y%m%dT%H%M%SZ}"
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / (name + ".tar" if as_tar else name)
    if final.exists():
        raise FileExistsError(f"{final} already exists")
    work = destination / f".{name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        kind = backup_database.kind_of(installation.database_url)
        dumped = backup_database.dump(installation.database_url, work)
        revision = backup_database.revision_in_dump(kind, dumped, installation.database_url)
        _copy_tree(installation.upload_dir, work / UPLOADS)
        _copy_tree(installation.ruleset_dir, work / RULESETS)
        if installation.checkpoint_file and installation.checkpoint_file.is_file():
            shutil.copyfile(installation.checkpoint_file, work / CHECKPOINTS)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "database": {"kind": kind, "file": dumped.name, "schema_revision": revision},
            "app": app_version(),
            "files": _listing(work),
        }
        _write_synced(work / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        if as_tar:
            partial = destination / f".{name}.tar.partial"
            with tarfile.open(partial, "w") as archive:
                archive.add(work, arcname=name)
            os.replace(partial, final)
            shutil.rmtree(work)
        else:
            os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        (destination / f".{name}.tar.partial").unlink(missing_ok=True)
        raise
    return Made(final, manifest)
