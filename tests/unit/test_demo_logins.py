"""The demo logins a newcomer reads in README.md are the accounts the seed creates, and `make run` prints the same
table (`flask demo-logins`): a login, its role or its unit changed in one place fails here until the others follow."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from models import Role, User, db
from web.cli.demo import ROLE_LABELS

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \| (.+?) \|$")


def readme_logins() -> list[tuple[str, str, str]]:
    """The rows of the table under "Demo accounts" in README.md: (username, role, unit)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("Demo accounts, all with the password `demo`:") :].split("\n\n")[1]
    rows = [ROW.match(line) for line in table.splitlines()[2:]]
    assert all(rows), table
    return [row.groups() for row in rows]


def test_readme_lists_every_seeded_account_with_its_role_and_unit(demo):
    listed = readme_logins()
    users = {user.username: user for user in db.session.scalars(select(User))}
    assert sorted(username for username, _role, _unit in listed) == sorted(users)
    for username, role, unit in listed:
        user = users[username]
        assert unit == user.unit.name, username
        assert role in {ROLE_LABELS[r] for r in user.roles}, username


def test_the_readme_names_the_password_and_the_roles_a_newcomer_needs():
    """A hand count of the demo (docs/DOMAIN.md §9): one administrator, a standing office, a secretary and a chairman
    for each of the two authorities, seven plus two council members, four units with an officer and a head."""
    roles = [role for _username, role, _unit in readme_logins()]
    assert roles.count(ROLE_LABELS[Role.ADMIN]) == 1
    assert roles.count(ROLE_LABELS[Role.OFFICE]) == 2
    assert roles.count(ROLE_LABELS[Role.SECRETARY]) == 2
    assert roles.count(ROLE_LABELS[Role.CHAIRMAN]) == 2
    assert roles.count(ROLE_LABELS[Role.COUNCIL_MEMBER]) == 9
    assert roles.count(ROLE_LABELS[Role.UNIT_OFFICER]) == 4
    # Four units' heads and the head of Phòng Nội vụ, who receives the overdue escalations.
    assert roles.count(ROLE_LABELS[Role.UNIT_HEAD]) == 5


def test_make_run_prints_the_readme_table(app):
    output = app.test_cli_runner().invoke(args=["demo-logins"]).output
    assert "password for every account: demo" in output
    printed = [line.split() for line in output.splitlines() if line.startswith("  ")]
    for username, role, unit in readme_logins():
        assert [username, *role.split(), *unit.split()] in printed, username
