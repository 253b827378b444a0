"""`flask seed-demo`: the Ngọc Hồi demo, loaded once, committed at the end."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from models import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the Ngọc Hồi demo (idempotent: a second run changes nothing)."""
        from workflow.demo.seed import seed_demo

        report = seed_demo(db.session, upload_dir=Path(current_app.config["UPLOAD_DIR"]))
        db.session.commit()
        click.echo(report.summary())
