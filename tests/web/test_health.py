"""/healthz and /readyz as a load balancer and a monitor see them: open without login, cheap, and /readyz naming
every check that fails (docs/operations/monitoring.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from models import OutboxMessage, db
from models.base import utcnow
from tests.statements import counting_statements
from web import MIGRATIONS_DIR
from workflow.operations.health import Bounds, readiness

HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def outbox_rows(due: int = 0, later: int = 0, dead: int = 0) -> None:
    """Outbox messages as the dispatcher leaves them: pending and due now, pending until a later retry, dead."""
    now = utcnow()
    rows = (
        [("pending", now - timedelta(minutes=1))] * due
        + [("pending", now + timedelta(hours=1))] * later
        + [("dead", now - timedelta(hours=2))] * dead
    )
    db.session.add_all(
        OutboxMessage(
            topic="dossier.submitted", channel="email", recipient="canbo@example.org", payload={},
            idempotency_key=f"health-{i}", state=state, next_attempt_at=at, attempts=8 if state == "dead" else 1,
        )
        for i, (state, at) in enumerate(rows)
    )  # fmt: skip
    db.session.commit()


def test_healthz_answers_without_touching_the_database(app, client):
    with counting_statements(db.engine) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert statements.count == 0, str(statements)


def test_readyz_is_ready_on_a_migrated_database_in_three_statements(app, client):
    with counting_statements(db.engine) as statements:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["failed"] == []
    assert set(response.json["checks"]) == {"database", "schema", "outbox", "dead_letters"}
    assert all(check["ok"] for check in response.json["checks"].values())
    # SELECT 1, the Alembic revision, the outbox's counts.
    assert statements.count == 3, str(statements)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def schema_behind(app):
    """The database stamped one revision before this code's head, as after deploying code without `flask db
    upgrade`; stamped back to the head afterwards."""
    previous = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(HEAD).down_revision
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    db.session.commit()
    try:
        yield previous
    finally:
        db.session.rollback()
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": HEAD})
        db.session.commit()


def test_readyz_fails_naming_the_schema_when_the_database_is_behind_the_code(schema_behind, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert response.json["failed"] == ["schema"]
    detail = response.json["checks"]["schema"]["detail"]
    assert schema_behind in detail and HEAD in detail and "flask db upgrade" in detail


def test_readyz_counts_only_the_messages_due_now_against_its_bound(app, client, monkeypatch):
    outbox_rows(due=2, later=3)
    monkeypatch.setitem(app.config, "READY_MAX_OUTBOX_DUE", 2)
    assert client.get("/readyz").status_code == 200  # 2 due ≤ 2; the 3 waiting for a retry are not due
    monkeypatch.setitem(app.config, "READY_MAX_OUTBOX_DUE", 1)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["outbox"]
    assert response.json["checks"]["outbox"]["detail"].startswith("2 message(s) due for delivery now (at most 1)")


def test_readyz_fails_naming_the_dead_letters_past_their_bound(app, client, monkeypatch):
    outbox_rows(dead=1)
    monkeypatch.setitem(app.config, "READY_MAX_DEAD_LETTERS", 0)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["dead_letters"]
    assert response.json["checks"]["dead_letters"]["detail"].startswith("1 dead letter(s) (at most 0)")


def test_readyz_needs_no_login_and_names_no_secret(app, client):
    body = client.get("/readyz").get_data(as_text=True)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    for secret in (app.config["SECRET_KEY"], app.config["AUDIT_HMAC_KEY"], url.database, url.host, url.password):
        if secret:
            assert secret not in body


BOUNDS = Bounds(max_due=10, max_dead=10)


def test_a_database_that_does_not_answer_fails_every_check_without_naming_where_it_is(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        unreachable = "sqlite:////nonexistent-directory/app.db"
    else:
        unreachable = url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    engine = create_engine(unreachable)
    with Session(engine) as session:
        checks = readiness(session, heads={HEAD}, now=utcnow(), bounds=BOUNDS)
    engine.dispose()
    assert [(check.name, check.ok) for check in checks] == [
        ("database", False), ("schema", False), ("outbox", False), ("dead_letters", False),
    ]  # fmt: skip
    assert "nonexistent-directory" not in str(checks) and ":1" not in str(checks)


def test_a_database_never_migrated_is_not_ready(app, empty_database_url):
    engine = create_engine(empty_database_url)
    with Session(engine) as session:
        checks = readiness(session, heads={HEAD}, now=utcnow(), bounds=BOUNDS)
    engine.dispose()
    assert {check.name: check.ok for check in checks} == {
        "database": True, "schema": False, "outbox": False, "dead_letters": False,
    }  # fmt: skip
