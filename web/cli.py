"""`flask` commands. Each command is one transaction: it commits on success only."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from models import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the Ngọc Hồi demo (idempotent: a second run changes nothing)."""
        from workflow.demo import seed_demo

        report = seed_demo(db.session, upload_dir=Path(current_app.config["UPLOAD_DIR"]))
        db.session.commit()
        click.echo(report.summary())

    @app.cli.group("audit")
    def audit_group():
        """The hash-chained audit log."""

    @audit_group.command("verify")
    def audit_verify_command():
        """Recompute the chain; exit 1 and name the first broken entry if anything was altered."""
        from sqlalchemy import func, select

        from models import AuditEntry
        from workflow.audit import verify_chain

        broken = verify_chain(db.session)
        if broken is not None:
            click.echo(f"Nhật ký bị sửa đổi: mục #{broken.entry_id} — {broken.reason}", err=True)
            raise SystemExit(1)
        count = db.session.scalar(select(func.count()).select_from(AuditEntry))
        click.echo(f"Nhật ký toàn vẹn: {count} mục, chuỗi băm khớp.")
