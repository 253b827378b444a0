"""Every `flask` command of the project, registered on the app by the factory. Each command is one transaction: it
commits on success only."""

from __future__ import annotations

from flask import Flask

from web.cli import audit, backup, calendar, demo, digest, jobs, outbox, rules


def register(app: Flask) -> None:
    for module in (audit, backup, calendar, demo, digest, jobs, outbox, rules):
        module.register(app)
