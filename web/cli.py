"""`flask` commands. Each command is one transaction: it commits on success only."""

from __future__ import annotations

import click
from flask import Flask

from models import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the Ngọc Hồi demo (idempotent: a second run changes nothing)."""
        from workflow.demo import seed_demo

        report = seed_demo(db.session)
        db.session.commit()
        click.echo(report.summary())
