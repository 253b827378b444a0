"""A long audit log is verified in two halves at once (a forked process reads the second on its own connection):
the halves must find exactly what one pass finds, the link between them included. Here every log counts as long."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import func, select, text

from models import AuditEntry, Dossier, db
from workflow.core import audit
from workflow.dossiers import transitions as steps


class _CountedPool(ProcessPoolExecutor):
    submitted = 0

    def submit(self, *args, **kwargs):
        type(self).submitted += 1
        return super().submit(*args, **kwargs)


@pytest.fixture(autouse=True)
def halves(app, tmp_path, monkeypatch):
    monkeypatch.setitem(audit._settings, "checkpoint_file", str(tmp_path / "audit-checkpoints.jsonl"))
    monkeypatch.setattr(audit, "PARALLEL_FROM", 1)
    monkeypatch.setattr(audit, "ProcessPoolExecutor", _CountedPool)
    _CountedPool.submitted = 0
    yield
    assert _CountedPool.submitted >= 1  # the second half really was read by another process


def _log(make_dossier, user) -> list[int]:
    """Three dossiers taken to the office: a log of a few dozen entries, committed (the other process reads it)."""
    for _ in range(3):
        dossier = make_dossier()
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _behind_the_back(*statements: str) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()


def _found(result) -> set[tuple[str, str]]:
    return {(problem.kind, problem.subject) for problem in result.problems}


def test_an_untouched_log_read_in_halves_is_intact_and_every_entry_counted(make_dossier, user):
    ids = _log(make_dossier, user)
    result = audit.verify(db.session)
    assert result.intact, result.problems
    assert result.entries == len(ids) == db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_halves_name_an_edit_in_each_half_and_an_entry_cut_out_at_their_seam(make_dossier, user):
    ids = _log(make_dossier, user)
    middle = (ids[0] + ids[-1]) // 2  # where verify splits the log
    in_first, seam, in_second = ids[1], middle + 1, ids[-2]
    _behind_the_back(
        f"UPDATE audit_entries SET action = 'x' WHERE id = {in_first}",
        f"DELETE FROM audit_entries WHERE id = {seam}",
        f"UPDATE audit_entries SET from_state = 'closed' WHERE id = {in_second}",
    )
    result = audit.verify(db.session)
    assert _found(result) == {
        (audit.CHAIN, f"mục #{in_first}"),
        (audit.CHAIN, f"mục #{seam + 1}"),  # its predecessor is gone: the link across the seam is broken
        (audit.CHAIN, f"mục #{in_second}"),
    }
    assert result.entries == len(ids) - 1
    # One pass says the same.
    assert audit.verify_chain(db.session).subject == f"mục #{in_first}"


def test_a_state_changed_behind_the_back_is_found_from_the_second_half(make_dossier, user):
    _log(make_dossier, user)
    last = db.session.scalars(select(Dossier).order_by(Dossier.id.desc())).first()
    _behind_the_back(f"UPDATE dossiers SET state = 'accepted' WHERE id = {last.id}")
    result = audit.verify(db.session)
    assert [(p.kind, p.subject) for p in result.problems] == [(audit.STATE, f"hồ sơ #{last.id}")]
    assert "khác trạng thái 'submitted'" in result.problems[0].reason
