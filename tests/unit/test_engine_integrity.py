"""What the engine guarantees: all-or-nothing transitions, one winner in a race, a tamper-evident audit log."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEntry, Dossier, User, db
from models.base import DirectStateWrite
from tests.workflow_helpers import audit_and_outbox_counts
from workflow.core import audit
from workflow.core.errors import StaleObject
from workflow.dossiers import transitions as steps


def _submitted(make_dossier, user) -> Dossier:
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    db.session.commit()
    return dossier


def test_a_failure_after_the_state_change_leaves_state_audit_and_outbox_as_they_were(make_dossier, user, monkeypatch):
    dossier = _submitted(make_dossier, user)
    before = audit_and_outbox_counts()

    def broken_outbox(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("workflow.core.engine.enqueue_events", broken_outbox)
    with pytest.raises(RuntimeError):
        steps.accept(db.session, dossier, actor=user("noivu"))
    db.session.rollback()
    assert db.session.get(Dossier, dossier.id).state == "submitted"
    assert audit_and_outbox_counts() == before


def test_a_failure_during_a_request_is_a_rolled_back_500_page(app, make_dossier, user, monkeypatch, auth, client):
    dossier = _submitted(make_dossier, user)
    before = audit_and_outbox_counts()
    monkeypatch.setattr("workflow.core.engine.enqueue_events", lambda *a, **k: 1 / 0)
    auth.login("noivu")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = client.post(
        f"/dossiers/{dossier.id}/actions/accept",
        data={"csrf_token": csrf_token_from(page), "version": dossier.version},
    )
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "submitted"
    assert audit_and_outbox_counts() == before


def test_twenty_officials_accepting_at_once_produce_exactly_one_acceptance(app, make_dossier, user):
    dossier = _submitted(make_dossier, user)
    dossier_id, office_id = dossier.id, user("noivu").id
    before_audit, _ = audit_and_outbox_counts()
    db.session.remove()
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def official():
        with app.app_context():
            try:
                row = db.session.get(Dossier, dossier_id)
                actor = db.session.get(User, office_id)
                _ = actor.unit.authority_id, row.documents, row.nominations  # load before the race
                barrier.wait(timeout=30)
                steps.accept(db.session, row, actor=actor)
                db.session.commit()
                result = "accepted"
            except StaleObject:
                db.session.rollback()
                result = "stale"
            except Exception as error:  # anything else would have been a 500
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=official) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted"] + ["stale"] * 19, outcomes
    assert db.session.get(Dossier, dossier_id).state == "accepted"
    accepts = db.session.scalars(
        select(AuditEntry).where(AuditEntry.dossier_id == dossier_id, AuditEntry.action == "accept")
    ).all()
    assert len(accepts) == 1
    assert audit_and_outbox_counts()[0] == before_audit + 1


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_audit_verify_passes_on_an_untouched_log_and_names_a_one_byte_change(
    app, make_dossier, user, tmp_path, monkeypatch
):
    # verify compares with the configured checkpoint file: the test's own, never the real instance/ one.
    monkeypatch.setitem(audit._settings, "checkpoint_file", str(tmp_path / "audit-checkpoints.jsonl"))
    dossier = _submitted(make_dossier, user)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "toàn vẹn" in result.output

    victim = db.session.scalars(
        select(AuditEntry).where(AuditEntry.dossier_id == dossier.id, AuditEntry.action == "approve_submission")
    ).one()
    _tamper(f"UPDATE audit_entries SET to_state = 'submittee' WHERE id = {victim.id}")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"#{victim.id}" in result.output


def _tamper(statement: str) -> None:
    """Change a row behind the application's back, as a database administrator could."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
        db.session.execute(text(statement))
        db.session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
    else:
        db.session.execute(text(statement))
    db.session.commit()


def test_an_audit_entry_cannot_be_rewritten_unnoticed(app, make_dossier, user):
    """PostgreSQL refuses the rewrite itself (its triggers must exist); SQLite, the embedded single-user mode, has
    no such trigger, so there the keyed chain must name the altered entry."""
    _submitted(make_dossier, user)
    entry_id = db.session.scalars(select(AuditEntry.id)).first()
    if db.engine.dialect.name == "postgresql":
        triggers = set(
            db.session.scalars(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass"))
        )
        assert {"audit_entries_append_only", "audit_entries_no_truncate"} <= triggers
        for statement in (
            f"UPDATE audit_entries SET action = 'x' WHERE id = {entry_id}",
            f"DELETE FROM audit_entries WHERE id = {entry_id}",
            "TRUNCATE audit_entries",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.get(AuditEntry, entry_id).action != "x"
    else:
        db.session.execute(text(f"UPDATE audit_entries SET action = 'x' WHERE id = {entry_id}"))
        db.session.commit()
        result = _verify(app)
        assert result.exit_code == 1
        assert f"#{entry_id}" in result.output


def test_assigning_a_stored_rows_state_outside_the_engine_is_refused(make_dossier, user):
    dossier = make_dossier()
    with pytest.raises(DirectStateWrite, match="outside the workflow engine"):
        dossier.state = "accepted"
    with pytest.raises(DirectStateWrite):
        dossier.nominations[0].state = "awarded"
    db.session.rollback()
    assert db.session.get(Dossier, dossier.id).state == "draft"
    # The engine's own change goes through.
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    assert dossier.state == "awaiting_head"


def test_a_new_row_may_start_in_any_known_state():
    assert Dossier(state="accepted").state == "accepted"
