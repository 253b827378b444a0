"""`flask seed-demo`: the Ngọc Hồi demo, loaded once, committed at the end; `flask demo-logins`: its accounts, the
table `make run` prints and README.md repeats (tests/unit/test_demo_logins.py keeps the three in step)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from models import Role, db
from workflow.demo.seed import DEMO_PASSWORD, SUCCESSOR_UNITS, UNITS, USERS

# What each role does, in the words of the README's table: the Vietnamese title, then English for newcomers.
ROLE_LABELS = {
    Role.ADMIN: "quản trị hệ thống (administrator)",
    Role.OFFICE: "cơ quan thường trực Hội đồng (standing office)",
    Role.SECRETARY: "thư ký Hội đồng (council secretary)",
    Role.CHAIRMAN: "Chủ tịch UBND, chủ trì Hội đồng (chairman)",
    Role.COUNCIL_MEMBER: "ủy viên Hội đồng (council member)",
    Role.UNIT_HEAD: "thủ trưởng đơn vị (unit head)",
    Role.UNIT_OFFICER: "cán bộ đơn vị (unit officer)",
}


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, unit) of every demo account, in the seed's order. A chairman's council seat goes without
    saying, so an account is described by its first role."""
    unit_names = {code: name for code, name, *_rest in (*UNITS, *SUCCESSOR_UNITS)}
    return [(username, ROLE_LABELS[roles[0]], unit_names[unit]) for username, _name, roles, unit in USERS]


def logins_table() -> str:
    rows = [("Login", "Role", "Unit"), *demo_logins()]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {login:<{widths[0]}}  {role:<{widths[1]}}  {unit}" for login, role, unit in rows]
    lines.insert(1, f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * max(len(row[2]) for row in rows)}")
    return "\n".join(lines)


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the Ngọc Hồi demo (idempotent: a second run changes nothing)."""
        from workflow.demo.seed import seed_demo

        report = seed_demo(db.session, upload_dir=Path(current_app.config["UPLOAD_DIR"]))
        db.session.commit()
        click.echo(report.summary())

    @app.cli.command("demo-logins")
    def demo_logins_command():
        """Print the demo accounts (the same table as README.md)."""
        click.echo(f"Demo logins (password for every account: {DEMO_PASSWORD})")
        click.echo(logins_table())
        click.echo(
            "Ngọc Hồi district ends on 30 June 2025; from 1 July its successor, UBND xã Plei Kần (minh hoạ: an "
            "illustrative name), receives new dossiers: the accounts of the units marked 'xã Plei Kần (minh hoạ)'."
        )
