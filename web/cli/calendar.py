"""`flask calendar seed` and `flask deadlines sweep`. Each command is one transaction, committed at the end."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from workflow.core.calendar import seed_holidays
from workflow.core.today import local_today
from workflow.dossiers.deadlines import sweep

calendar_cli = AppGroup("calendar", help="Lịch ngày làm việc.")
deadlines_cli = AppGroup("deadlines", help="Hạn giải quyết hồ sơ.")


@calendar_cli.command("seed")
@click.option("--from", "first_year", type=click.IntRange(1995, 2100), default=2018, show_default=True)
@click.option("--to", "last_year", type=click.IntRange(1995, 2100), default=2030, show_default=True)
def seed_command(first_year: int, last_year: int) -> None:
    """Add the Vietnamese public holidays and swapped working Saturdays the `holidays` package knows;
    days already in the table, an administrator's overrides above all, are kept as they are."""
    if first_year > last_year:
        raise click.BadParameter("--from must not be after --to", param_hint="--from")
    created = seed_holidays(db.session, first_year, last_year)
    db.session.commit()
    click.echo(f"Lịch {first_year}–{last_year}: đã thêm {created} ngày nghỉ, ngày làm việc bù.")


@deadlines_cli.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Ngày rà soát (mặc định: hôm nay).")
def sweep_command(today: datetime | None) -> None:
    """Flag overdue dossiers and escalate them; remind those due within three working days. Run it daily."""
    report = sweep(db.session, today.date() if today else local_today())
    db.session.commit()
    click.echo(report.summary())


def register(app: Flask) -> None:
    app.cli.add_command(calendar_cli)
    app.cli.add_command(deadlines_cli)
