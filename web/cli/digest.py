"""`flask digest send`: the daily digest e-mails, queued in the outbox for the worker to deliver. Run it once
each morning; a second run the same day queues nothing."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from models import db
from workflow.core.today import local_today
from workflow.notify.digest import send_digests

digest_cli = AppGroup("digest", help="Bản tin hằng ngày qua e-mail.")


def register(app: Flask) -> None:
    app.cli.add_command(digest_cli)


@digest_cli.command("send")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Ngày của bản tin (mặc định: hôm nay).")
def send_command(today: datetime | None) -> None:
    """Queue one e-mail per user listing their overdue dossiers and those due within three working days."""
    report = send_digests(
        db.session, today.date() if today else local_today(), base_url=current_app.config["APP_BASE_URL"]
    )
    db.session.commit()
    click.echo(report.summary())
