"""Schemathesis over the whole OpenAPI document: every operation, with requests generated to fit the schema and to
break it, signed in as a unit officer and as the standing office, on the demo with its dossiers. No request may get
a server error. Examples are bounded so the run stays short on both databases.

The operations are driven from inside one test per role (schemathesis' pytest loader does not run under this
pytest), each operation with its own Hypothesis run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from sqlalchemy import select

from models import (
    AgendaItem,
    Council,
    CouncilSession,
    Decision,
    Inspection,
    Job,
    Movement,
    Notification,
    Poll,
    UnitReport,
    User,
    db,
)
from workflow.accounts.tokens import issue_token
from workflow.registry import initiatives as register
from workflow.reporting.worklists import visible_dossiers

EXAMPLES = settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def demo_with_dossiers(demo_story):
    """The whole demo (tests/conftest.py::demo_story)."""


def _initiative(officer):
    """A Plei Kần proposal, which both roles may read."""
    author = next(
        n.nominee for d in db.session.scalars(visible_dossiers(db.session, officer)) for n in d.nominations
        if n.nominee.kind == "person"
    )  # fmt: skip
    initiative = register.propose(
        db.session, actor=officer, title="Số hóa hồ sơ một cửa", year=2024, kind="initiative",
        authors=[register.Author(author.id, 100)],
    )  # fmt: skip
    db.session.commit()
    return initiative


def _session_with_a_poll(dossier):
    """A scheduled session of the dossier's council with one poll on its agenda, for the council operations."""
    council = db.session.scalar(select(Council).where(Council.authority_id == dossier.authority_id))
    council_session = CouncilSession(
        council=council, title="Phiên họp", scheduled_at=datetime(2025, 6, 20, 1, tzinfo=UTC), state="scheduled"
    )
    db.session.add(council_session)
    db.session.flush()
    item = AgendaItem(session_id=council_session.id, nomination_id=dossier.nominations[0].id, position=1)
    db.session.add(item)
    db.session.flush()
    poll = Poll(agenda_item_id=item.id)
    db.session.add(poll)
    db.session.commit()
    return council_session, poll


def _notification(owner):
    """One of the caller's own in-app notifications, for marking it read."""
    note = Notification(user_id=owner.id, topic="dossier.submitted", title="Hồ sơ đã nộp", link="/dossiers")
    db.session.add(note)
    db.session.commit()
    return note


def _finished_job(owner):
    """A failed import of the caller's, for the job operations (finished: no runner takes it up)."""
    job = Job(kind="registry_import", owner_id=owner.id, params={}, state="failed", finished_at=datetime.now(UTC))
    db.session.add(job)
    db.session.commit()
    return job


def _movement_samples(dossier) -> dict[str, int]:
    """The demo's movement of the dossier's authority, with a due report of the dossier's unit and an inspection
    of it, for the movement operations."""
    movement = db.session.scalar(
        select(Movement).where(Movement.authority_id == dossier.authority_id).order_by(Movement.id)
    )
    member = db.session.scalar(select(User).where(User.username == "uyvien1"))
    report = db.session.scalar(
        select(UnitReport).where(UnitReport.movement_id == movement.id, UnitReport.unit_id == dossier.unit_id)
    ) or UnitReport(movement_id=movement.id, unit_id=dossier.unit_id, year=dossier.year - 1, due_on=date(2025, 4, 25))
    inspection = Inspection(movement_id=movement.id, unit_id=dossier.unit_id, inspected_on=date(2025, 5, 20),
                            findings="Chưa lập kế hoạch", recorded_by_id=member.id)
    db.session.add_all([report, inspection])
    db.session.commit()
    return {"movement_id": movement.id, "report_id": report.id, "inspection_id": inspection.id}


@pytest.mark.parametrize("username", ["canbo.pleikan", "noivu"])
def test_no_operation_answers_a_server_error(demo_with_dossiers, app, user, username):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    token = issue_token(db.session, user(username)).token
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    dossier = db.session.scalars(visible_dossiers(db.session, user(username))).first()
    council_session, poll = _session_with_a_poll(dossier)
    known = {
        "dossier_id": dossier.id,
        "nomination_id": dossier.nominations[0].id,
        "period": "2024-2025",
        "name": "dossier",
        "year": dossier.year - 1,
        "initiative_id": _initiative(user("canbo.pleikan")).id,
        "unit_id": dossier.unit_id,
        "session_id": council_session.id,
        "poll_id": poll.id,
        # The demo's signed decision (1/QĐ-UBND of 2025) and its first certificate.
        "decision_id": db.session.scalar(select(Decision.id).order_by(Decision.id)),
        "position": 1,
        "job_id": _finished_job(user(username)).id,
        "notification_id": _notification(user(username)).id,
        "report": "statistics",
        **_movement_samples(dossier),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        if operation.method.lower() == "delete":
            continue  # token revocations would end the run's own token; they take no input
        parameters = {p.name: known[p.name] for p in operation.path_parameters}
        runs = [{"generation_mode": mode} for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if parameters:  # random ids mostly miss: also aim at a real dossier the caller may see
            # A negative case must break some input other than the fixed path: an operation with none (a public
            # read by id takes no token, query or body) cannot have one, which Hypothesis reports as unsatisfiable.
            others = len(list(operation.iter_parameters())) > len(parameters) or len(operation.body) > 0
            modes = GenerationMode if others else (GenerationMode.POSITIVE,)
            runs += [{"generation_mode": mode, "path_parameters": parameters} for mode in modes]
        for options in runs:

            @given(case=operation.as_strategy(**options))
            @EXAMPLES
            def run(case):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            run()
