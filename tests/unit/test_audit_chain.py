"""The audit log's blind spots, closed: a keyed chain nobody can recompute without AUDIT_HMAC_KEY, signed
checkpoints outside the database that catch a cut tail or an emptied table, TRUNCATE refused on PostgreSQL,
states changed behind the engine's back, and a corrupted entry named instead of a traceback.

Every expected hash is computed here by hand (hmac/hashlib over the canonical JSON), never by the code under test."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEntry, Dossier, OutboxMessage, db
from models.base import utcnow
from tests.conftest import make_config
from tests.workflow_helpers import dossier_in_state
from web import create_app
from workflow.accounts.users import create_user
from workflow.core import audit
from workflow.dossiers import transitions as steps

KEY = b"testing-audit-key"  # TestingConfig.AUDIT_HMAC_KEY
GENESIS = "0" * 64


@pytest.fixture(autouse=True)
def checkpoint_file(request, tmp_path, monkeypatch):
    """Checkpoints go to the test's own folder, never to the real instance/. (No app context unless the test asks
    for one: the migration test must run its commands in an app of its own.)"""
    if "app" in request.fixturenames:
        request.getfixturevalue("app")  # it resets the audit settings; patch after it
    path = tmp_path / "audit-checkpoints.jsonl"
    monkeypatch.setitem(audit._settings, "checkpoint_file", str(path))
    return path


def _body(entry) -> bytes:
    fields = {
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "dossier_id": entry.dossier_id,
        "actor_id": entry.actor_id,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "data": entry.data,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hmac(key: bytes, prev_hash: str, entry) -> str:
    return hmac.new(key, prev_hash.encode() + _body(entry), hashlib.sha256).hexdigest()


def _sha256(prev_hash: str, entry) -> str:
    return hashlib.sha256(prev_hash.encode() + _body(entry)).hexdigest()


def _entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _behind_the_back(*statements: str, **params) -> None:
    """Write as a database superuser could, past the append-only trigger (replica mode skips triggers)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for statement in statements:
        db.session.execute(text(statement), params)
    db.session.commit()


def _submitted(make_dossier, user) -> Dossier:
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    db.session.commit()
    return dossier


def _found(result) -> set[tuple[str, str]]:
    return {(problem.kind, problem.subject) for problem in result.problems}


def _cli(app, command: str):
    return app.test_cli_runner().invoke(args=["audit", command])


# --- the keyed chain ---------------------------------------------------------------------------------------------


def test_every_entry_is_an_hmac_with_the_audit_key_of_its_predecessor_and_content(app, make_dossier, user):
    assert app.config["AUDIT_HMAC_KEY"] == KEY.decode()
    _submitted(make_dossier, user)
    entries = _entries()
    assert len(entries) > 5

    prev_hash = GENESIS
    for entry in entries:
        assert entry.prev_hash == prev_hash
        assert entry.hash == _hmac(KEY, prev_hash, entry)
        assert entry.hash != _sha256(prev_hash, entry)
        prev_hash = entry.hash

    result = _cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert f"Nhật ký toàn vẹn: {len(entries)} mục" in result.output
    assert "Chưa có điểm kiểm tra" in result.output


def test_an_edited_entry_with_every_later_hash_recomputed_with_plain_sha256_is_found(app, make_dossier, user):
    _submitted(make_dossier, user)
    entries = _entries()
    victim = next(e for e in entries if e.entity_type == "dossier" and e.action == "create")
    later = [e for e in entries if e.id > victim.id]
    assert later

    # What an intruder with write access but without the key does: change the content, then re-chain every
    # later entry so that each prev_hash matches, with the only algorithm available to them.
    victim.data = {**victim.data, "title": "Hồ sơ đã bị sửa"}
    prev_hash = victim.prev_hash
    rewritten = []
    for entry in [victim, *later]:
        entry.prev_hash = prev_hash
        prev_hash = _sha256(prev_hash, entry)
        rewritten.append(
            {"id": entry.id, "prev_hash": entry.prev_hash, "hash": prev_hash, "data": json.dumps(entry.data)}
        )
    db.session.expunge_all()
    for values in rewritten:
        _behind_the_back(
            "UPDATE audit_entries SET prev_hash = :prev_hash, hash = :hash, data = :data WHERE id = :id", **values
        )

    result = audit.verify(db.session)
    assert result.problems[0].kind == audit.CHAIN
    assert result.problems[0].subject == f"mục #{victim.id}"
    assert "HMAC" in result.problems[0].reason
    # Every re-chained entry fails its key, not only the first one.
    assert {(audit.CHAIN, f"mục #{e.id}") for e in later} <= _found(result)

    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert f"Nhật ký bị sửa đổi: mục #{victim.id} — " in cli.output


@pytest.mark.parametrize("forger_key", [None, b"a-key-that-is-not-the-audit-key"], ids=["sha256", "wrong-key"])
def test_a_forged_entry_appended_at_the_end_is_found(app, make_dossier, user, forger_key):
    _submitted(make_dossier, user)
    last = _entries()[-1]
    forged = AuditEntry(
        occurred_at=last.occurred_at + timedelta(seconds=1),
        actor_id=user("noivu").id,
        entity_type="dossier",
        entity_id=last.dossier_id,
        dossier_id=last.dossier_id,
        action="comment",
        from_state=None,
        to_state=None,
        data={"comment": "Đã kiểm tra, không có vấn đề"},
    )
    forged_hash = _hmac(forger_key, last.hash, forged) if forger_key else _sha256(last.hash, forged)
    db.session.expunge_all()
    db.session.execute(
        AuditEntry.__table__.insert(),
        {
            "occurred_at": forged.occurred_at,
            "actor_id": forged.actor_id,
            "entity_type": forged.entity_type,
            "entity_id": forged.entity_id,
            "dossier_id": forged.dossier_id,
            "action": forged.action,
            "from_state": None,
            "to_state": None,
            "data": forged.data,
            "prev_hash": last.hash,
            "hash": forged_hash,
        },
    )
    db.session.commit()
    forged_id = _entries()[-1].id
    assert forged_id > last.id

    result = audit.verify(db.session)
    assert [(p.kind, p.subject) for p in result.problems] == [(audit.CHAIN, f"mục #{forged_id}")]
    assert audit.verify_chain(db.session).subject == f"mục #{forged_id}"


# --- checkpoints -------------------------------------------------------------------------------------------------


def test_a_checkpoint_line_holds_the_head_signed_with_the_audit_key(app, make_dossier, user, checkpoint_file):
    _submitted(make_dossier, user)
    entries = _entries()

    result = _cli(app, "checkpoint")
    assert result.exit_code == 0, result.output
    assert f"{len(entries)} mục, mục cuối #{entries[-1].id}" in result.output

    (line,) = checkpoint_file.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    signed = record.pop("hmac")
    assert {k: record[k] for k in ("entries", "last_id", "last_hash")} == {
        "entries": len(entries),
        "last_id": entries[-1].id,
        "last_hash": entries[-1].hash,
    }
    body = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
    assert signed == hmac.new(KEY, b"audit-checkpoint:" + body, hashlib.sha256).hexdigest()

    result = _cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert f"Khớp với điểm kiểm tra lúc {record['taken_at']} ({len(entries)} mục)" in result.output


def test_deleting_the_last_entries_is_found_against_the_checkpoint(app, make_dossier, user):
    _submitted(make_dossier, user)
    assert _cli(app, "checkpoint").exit_code == 0
    entries = _entries()
    count, first_cut, last_id = len(entries), entries[-2].id, entries[-1].id

    _behind_the_back(f"DELETE FROM audit_entries WHERE id >= {first_cut}")

    result = audit.verify(db.session)
    # What is left is a perfectly valid, shorter chain: only the checkpoint can tell.
    assert not any(p.kind == audit.CHAIN for p in result.problems)
    assert {(audit.CHECKPOINT, "nhật ký"), (audit.CHECKPOINT, f"mục #{last_id}")} <= _found(result)
    short = next(p for p in result.problems if p.subject == "nhật ký")
    assert f"chỉ còn {count - 2} mục, ít hơn {count} mục" in short.reason

    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert f"Nhật ký bị cắt bớt: mục #{last_id} — không còn trong nhật ký" in cli.output


def test_an_emptied_log_is_refused_on_postgresql_and_found_against_the_checkpoint_everywhere(app, make_dossier, user):
    _submitted(make_dossier, user)
    assert _cli(app, "checkpoint").exit_code == 0
    entries = _entries()
    db.session.expunge_all()

    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only: TRUNCATE refused"):
            db.session.execute(text("TRUNCATE audit_entries"))
        db.session.rollback()
        assert len(_entries()) == len(entries)
        # A superuser can still switch triggers off; the checkpoint outside the database still sees it.
        _behind_the_back("TRUNCATE audit_entries")
    else:
        # SQLite has no TRUNCATE and no triggers here: emptying the table is a DELETE.
        _behind_the_back("DELETE FROM audit_entries")
    assert _entries() == []

    result = audit.verify(db.session)
    assert {(audit.CHECKPOINT, "nhật ký"), (audit.CHECKPOINT, f"mục #{entries[-1].id}")} <= _found(result)
    assert f"chỉ còn 0 mục, ít hơn {len(entries)} mục" in str(result.problems)
    assert _cli(app, "verify").exit_code == 1


def test_a_checkpoint_line_with_a_bad_hmac_or_unreadable_is_reported_and_not_trusted(
    app, make_dossier, user, checkpoint_file
):
    _submitted(make_dossier, user)
    assert _cli(app, "checkpoint").exit_code == 0
    genuine = json.loads(checkpoint_file.read_text(encoding="utf-8"))
    # A forger claims a longer log, signing with a key of their own.
    forged = {k: genuine[k] for k in ("last_id", "last_hash", "taken_at")} | {"entries": genuine["entries"] + 100}
    body = json.dumps(forged, sort_keys=True, separators=(",", ":")).encode()
    forged["hmac"] = hmac.new(b"not-the-key", b"audit-checkpoint:" + body, hashlib.sha256).hexdigest()
    with checkpoint_file.open("a", encoding="utf-8") as file:
        file.write(json.dumps(forged) + "\n")
        file.write("{not json\n")

    result = audit.verify(db.session)
    assert _found(result) == {
        (audit.CHECKPOINT_FILE, "tệp điểm kiểm tra, dòng 2"),
        (audit.CHECKPOINT_FILE, "tệp điểm kiểm tra, dòng 3"),
    }
    assert "chữ ký HMAC sai" in result.problems[0].reason
    # The forged line is ignored: the genuine one is the last valid checkpoint.
    assert result.checkpoint.entries == genuine["entries"]

    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert "Tệp điểm kiểm tra bị sửa đổi: tệp điểm kiểm tra, dòng 2 — chữ ký HMAC sai" in cli.output


def test_the_checkpoint_is_emailed_to_each_active_head_of_the_standing_office(
    app, demo, make_dossier, user, checkpoint_file
):
    office_unit_id = user("noivu").unit_id
    # Besides the demo's head of the office, truong.noivu (Nguyễn Thị Bích Liên, Vietnamese):
    heads = [
        ("pho.noivu", "Phó phòng Nội vụ", "pho.noivu@ngochoi.example", "en", True),
        ("khongthu.noivu", "Không có thư", None, "vi", True),
        ("nghiviec.noivu", "Đã nghỉ việc", "nghiviec.noivu@ngochoi.example", "vi", False),
    ]
    for username, name, email, language, active in heads:
        head = create_user(
            db.session,
            username=username,
            full_name=name,
            password="demo",
            roles=("unit_head",),
            unit_id=office_unit_id,
            email=email,
            language=language,
        )
        head.active = active
    db.session.commit()
    _submitted(make_dossier, user)  # truong.pleikan is a unit head too, of a unit that is not a standing office
    entries = _entries()

    result = _cli(app, "checkpoint")
    assert result.exit_code == 0, result.output
    assert "Nguyễn Thị Bích Liên <truong.noivu@ngochoi.example>" in result.output

    signed = json.loads(checkpoint_file.read_text(encoding="utf-8"))["hmac"]
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "audit.checkpoint").order_by(OutboxMessage.id)
    ).all()
    assert [(m.channel, m.recipient, m.state) for m in mails] == [
        ("email", "truong.noivu@ngochoi.example", "pending"),
        ("email", "pho.noivu@ngochoi.example", "pending"),
    ]
    vietnamese, english = (m.payload for m in mails)
    for payload in (vietnamese, english):
        assert entries[-1].hash in payload["body"] and signed in payload["body"]
        assert f"#{entries[-1].id}" in payload["body"]
    assert vietnamese["subject"].startswith(f"Điểm kiểm tra nhật ký hệ thống: {len(entries)} mục")
    assert "Kính gửi Nguyễn Thị Bích Liên" in vietnamese["body"]
    assert english["subject"].startswith(f"Audit log checkpoint: {len(entries)} entries")
    assert "Dear Phó phòng Nội vụ" in english["body"]


def test_a_checkpoint_with_nobody_to_email_still_records_the_line_and_warns(app, demo, user, checkpoint_file):
    user("truong.noivu").email = None
    db.session.commit()
    result = _cli(app, "checkpoint")
    assert result.exit_code == 0, result.output
    assert "0 mục, nhật ký còn trống" in result.output
    assert "không có thủ trưởng cơ quan thường trực nào có e-mail" in result.output
    record = json.loads(checkpoint_file.read_text(encoding="utf-8"))
    assert (record["entries"], record["last_id"], record["last_hash"]) == (0, None, GENESIS)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- states and unreadable entries -------------------------------------------------------------------------------


def test_a_state_changed_with_raw_sql_is_reported_naming_the_row(app, make_dossier, user):
    dossier = _submitted(make_dossier, user)
    nomination = dossier.nominations[0]
    approve = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == dossier.id, AuditEntry.action == "approve_submission")
    ).one()
    untouched = dossier_in_state("accepted")  # put in place without the engine: no audit entry at all
    _behind_the_back(
        f"UPDATE dossiers SET state = 'accepted' WHERE id = {dossier.id}",
        f"UPDATE nominations SET state = 'approved' WHERE id = {nomination.id}",
    )

    result = audit.verify(db.session)
    by_subject = {p.subject: p.reason for p in result.problems if p.kind == audit.STATE}
    assert by_subject[f"hồ sơ #{dossier.id}"] == (
        f"ở trạng thái 'accepted', khác trạng thái 'submitted' ghi ở mục #{approve.id} của nhật ký"
    )
    assert "phải là 'proposed'" in by_subject[f"đề nghị khen thưởng #{nomination.id}"]
    assert "không có mục nào" in by_subject[f"hồ sơ #{untouched.id}"]
    assert f"đề nghị khen thưởng #{untouched.nominations[0].id}" in by_subject
    assert len(by_subject) == 4
    assert not any(p.kind == audit.CHAIN for p in result.problems)

    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert f"Trạng thái bị sửa ngoài quy trình: hồ sơ #{dossier.id} — ở trạng thái 'accepted'" in cli.output


def test_states_reached_through_the_engine_agree_with_the_log(app, make_dossier, user):
    dossier = _submitted(make_dossier, user)
    steps.accept(db.session, dossier, actor=user("noivu"))
    db.session.commit()
    assert dossier.state == "accepted"
    assert audit.verify(db.session).intact


def test_a_corrupted_entry_is_named_instead_of_a_traceback(app, make_dossier, user):
    _submitted(make_dossier, user)
    first, second = (entry.id for entry in _entries()[1:3])
    if db.engine.dialect.name == "postgresql":
        # PostgreSQL's types refuse unreadable values; a readable but altered one must still be named.
        _behind_the_back(
            f"""UPDATE audit_entries SET data = '{{"x": 1}}' WHERE id = {first}""",
            f"UPDATE audit_entries SET occurred_at = occurred_at + interval '1 hour' WHERE id = {second}",
        )
        expected = {(audit.CHAIN, f"mục #{first}"), (audit.CHAIN, f"mục #{second}")}
    else:
        _behind_the_back(
            f"UPDATE audit_entries SET data = '{{not json' WHERE id = {first}",
            f"UPDATE audit_entries SET occurred_at = 'hôm qua' WHERE id = {second}",
        )
        expected = {(audit.UNREADABLE, f"mục #{first}"), (audit.UNREADABLE, f"mục #{second}")}

    result = audit.verify(db.session)
    assert _found(result) == expected

    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert isinstance(cli.exception, SystemExit)  # a clean exit, not a traceback
    assert f"Nhật ký bị sửa đổi: mục #{first} — " in cli.output
    assert f"Nhật ký bị sửa đổi: mục #{second} — " in cli.output
    if db.engine.dialect.name == "sqlite":
        assert "cột data không phải JSON hợp lệ" in cli.output
        assert "không đọc được thời điểm occurred_at: 'hôm qua'" in cli.output


def test_verify_reads_the_log_in_batches(app, make_dossier, user):
    _submitted(make_dossier, user)
    entries = _entries()
    _behind_the_back(f"UPDATE audit_entries SET action = 'x' WHERE id = {entries[-1].id}")
    # A batch of 2 crosses several pages; the count and the break are the same as when read at once.
    result = audit.verify(db.session, batch=2)
    assert result.entries == len(entries)
    assert _found(result) == {(audit.CHAIN, f"mục #{entries[-1].id}")}


# --- the migration -----------------------------------------------------------------------------------------------




def test_the_migration_rehashes_an_existing_chain_with_the_key_and_guards_truncate(
    empty_database_url, tmp_path, monkeypatch
):
    # The migration reads the key from the environment, as config does; not the development key.
    monkeypatch.setenv("AUDIT_HMAC_KEY", KEY.decode())
    # TestingConfig lays TEST_DATABASE_URL over the class values: without this the app would be the test run's.
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    fresh = create_app(make_config(empty_database_url, tmp_path / "uploads"))
    assert fresh.config["SQLALCHEMY_DATABASE_URI"] == empty_database_url
    engine = create_engine(empty_database_url)
    postgresql = engine.dialect.name == "postgresql"

    def migrate(step, revision: str) -> None:
        # Alembic's own commands: Flask-Migrate's CLI would turn the migration's error into a bare exit 1.
        with fresh.app_context():
            step(fresh.extensions["migrate"].migrate.get_config(), revision)

    try:
        migrate(command.upgrade, "4a11be19b6f0")
        # A chain as the previous revision wrote it: plain sha256.
        rows = [
            AuditEntry(
                id=n,
                occurred_at=utcnow() + timedelta(minutes=n),
                actor_id=None,
                entity_type="holiday",
                entity_id=n,
                dossier_id=None,
                action="create",
                from_state=None,
                to_state=None,
                data={"day": f"2025-09-0{n}", "name": "Quốc khánh"},
            )
            for n in (1, 2, 3)
        ]
        prev_hash = GENESIS
        with engine.begin() as conn:
            for row in rows:
                row.prev_hash, row.hash = prev_hash, _sha256(prev_hash, row)
                prev_hash = row.hash
                conn.execute(
                    AuditEntry.__table__.insert(), {c.name: getattr(row, c.name) for c in AuditEntry.__table__.c}
                )

        migrate(command.upgrade, "head")
        prev_hash = GENESIS
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT id, prev_hash, hash FROM audit_entries ORDER BY id")).all()
        for row, (entry_id, stored_prev, stored_hash) in zip(rows, stored, strict=True):
            assert (entry_id, stored_prev, stored_hash) == (row.id, prev_hash, _hmac(KEY, prev_hash, row))
            prev_hash = stored_hash
        if postgresql:
            with engine.connect() as conn, pytest.raises(DBAPIError, match="TRUNCATE refused"):
                conn.execute(text("TRUNCATE audit_entries"))

        migrate(command.downgrade, "4a11be19b6f0")
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT hash FROM audit_entries ORDER BY id")).scalars().all()
            assert stored == [row.hash for row in rows]  # the sha256 values written above
            if postgresql:
                conn.execute(text("TRUNCATE audit_entries"))  # allowed again; rolled back with the connection
                conn.rollback()

        # An altered chain is never laundered into a keyed one.
        with engine.begin() as conn:
            if postgresql:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("UPDATE audit_entries SET action = 'delete' WHERE id = 2"))
        with pytest.raises(RuntimeError, match="audit entry #2 does not match its hash"):
            migrate(command.upgrade, "head")
    finally:
        engine.dispose()
        with fresh.app_context():
            db.engine.dispose()
