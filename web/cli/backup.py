"""`flask backup create`, `flask backup restore` and `flask backup copy-database` (docs/operations/backup.md).

A refusal exits 2 and says why, having written nothing; a restore whose audit check fails exits 1."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from config import INSTANCE_DIR
from models import db
from workflow.operations.backup import Installation, create_backup
from workflow.operations.backup_database import DatabaseToolError
from workflow.operations.backup_restore import RestoreRefused, restore_backup
from workflow.operations.copy_database import CopyRefused, copy_database
from workflow.rules.rulesets import DEFAULT_DIRECTORY

REFUSED = 2


def installation() -> Installation:
    config = current_app.config
    checkpoint = config.get("AUDIT_CHECKPOINT_FILE")
    return Installation(
        database_url=config["SQLALCHEMY_DATABASE_URI"],
        upload_dir=Path(config["UPLOAD_DIR"]),
        checkpoint_file=Path(checkpoint) if checkpoint else None,
        ruleset_dir=DEFAULT_DIRECTORY,
    )


def _refuse(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"Từ chối: {line}", err=True)
    raise SystemExit(REFUSED)


def register(app: Flask) -> None:
    @app.cli.group("backup")
    def backup_group():
        """Backups, restores, and the move from SQLite to PostgreSQL."""

    @backup_group.command("create")
    @click.option(
        "--to",
        "destination",
        type=click.Path(file_okay=False, path_type=Path),
        default=INSTANCE_DIR / "backups",
        show_default=True,
        help="Thư mục nhận bản sao lưu (nên ở một ổ đĩa hoặc máy khác).",
    )
    @click.option("--tar", "as_tar", is_flag=True, help="Một tệp .tar thay cho một thư mục.")
    def create_command(destination: Path, as_tar: bool):
        """Write backup-<UTC time>: a consistent database dump, the uploads, the rule-set files, the audit
        checkpoint file and manifest.json (SHA-256 and size of each file, schema revision)."""
        try:
            made = create_backup(installation(), destination, as_tar=as_tar)
        except (DatabaseToolError, FileExistsError) as error:
            click.echo(f"Sao lưu thất bại: {error}", err=True)
            raise SystemExit(1) from None
        database, files = made.manifest["database"], made.manifest["files"]
        click.echo(f"Đã tạo bản sao lưu: {made.path}")
        click.echo(
            f"Cơ sở dữ liệu {database['kind']}, phiên bản lược đồ {database['schema_revision']}; "
            f"{len(files)} tệp, {sum(f['size'] for f in files.values())} byte; mã SHA-256 trong manifest.json."
        )

    @backup_group.command("restore")
    @click.argument("path", type=click.Path(exists=True, path_type=Path))
    @click.pass_context
    def restore_command(ctx: click.Context, path: Path):
        """Restore a backup (folder or .tar) into this installation's empty database, its uploads and its
        checkpoint file, then run `flask audit verify`. Refuses, writing nothing, a backup of a schema newer than
        this code, a backup with a damaged file, or a database that is not empty."""
        db.engine.dispose()
        try:
            restored = restore_backup(path, installation())
        except RestoreRefused as refused:
            _refuse(refused.reasons)
        except DatabaseToolError as error:
            click.echo(f"Khôi phục thất bại, cơ sở dữ liệu không bị ghi dở: {error}", err=True)
            raise SystemExit(1) from None
        db.engine.dispose()
        click.echo(f"Đã khôi phục cơ sở dữ liệu (phiên bản lược đồ {restored.revision}).")
        if restored.migrated_to:
            click.echo(f"Đã nâng lược đồ lên {restored.migrated_to} (bản sao lưu cũ hơn mã nguồn).")
        click.echo(f"Đã khôi phục {restored.uploads} tệp tải lên.")
        if restored.checkpoint_restored:
            click.echo("Đã khôi phục tệp điểm kiểm tra nhật ký.")
        if restored.checkpoint_set_aside:
            click.echo(f"Tệp điểm kiểm tra có sẵn trước đó được giữ lại tại {restored.checkpoint_set_aside}.")
        for name in restored.rulesets_differing:
            click.echo(f"Lưu ý: tệp bộ quy định {name} khác bản trong bản sao lưu (không bị ghi đè).")
        verify = ctx.find_root().command.get_command(ctx, "audit").get_command(ctx, "verify")
        ctx.invoke(verify)

    @backup_group.command("copy-database")
    @click.option(
        "--to",
        "target_url",
        required=True,
        envvar="TARGET_DATABASE_URL",
        help="Cơ sở dữ liệu đích trống, ví dụ postgresql+psycopg://user@host/db (hoặc biến TARGET_DATABASE_URL).",
    )
    def copy_command(target_url: str):
        """Copy every row of this installation's database into an empty one (the move from SQLite to
        PostgreSQL): migrate the target, copy table by table, compare the row counts, verify the audit chain."""
        try:
            copied = copy_database(current_app.config["SQLALCHEMY_DATABASE_URI"], target_url)
        except CopyRefused as refused:
            _refuse([str(refused)])
        filled = {name: rows for name, rows in copied.rows.items() if rows}
        click.echo(f"Đã chép {sum(filled.values())} dòng của {len(filled)} bảng; số dòng từng bảng khớp nguồn:")
        for name, rows in filled.items():
            click.echo(f"  {name}: {rows}")
        result = copied.verification
        if not result.intact:
            for problem in result.problems:
                click.echo(f"Nhật ký trên cơ sở dữ liệu đích không toàn vẹn: {problem}", err=True)
            raise SystemExit(1)
        click.echo(f"Nhật ký trên cơ sở dữ liệu đích toàn vẹn: {result.entries} mục, chuỗi băm khớp.")
