"""Cost of one committed transition through the service layer against the bare-SQL floor.

Prints one JSON line per database: {"backend", "fire_us", "floor_us", "ratio", ...}. SQLite (WAL, a file in a
temporary folder) always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL points at one (its schema `public`
is dropped and rebuilt: use a throw-away database).

The service side loads the dossier in a fresh session, checks permission and guards, changes the state, appends
the hash-chained audit entry, writes the outbox event and commits, alternating send_back and submit_to_head
(the latter recomputes the document checklist from the rule tables). The floor does the same writes through
the DBAPI in one transaction: SELECT the row, SELECT the last audit hash, UPDATE with the version check, INSERT
the audit entry, INSERT the outbox message, COMMIT.

Usage: .venv/bin/python benchmarks/transition.py [--n 400]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import select, text

from config import TestingConfig
from models import Dossier, User, db
from web import create_app
from workflow.accounts.users import load_user
from workflow.core.today import told_on
from workflow.demo.dossiers import STORY_DAY, seed_demo_dossiers
from workflow.demo.seed import seed_demo
from workflow.dossiers import transitions as steps


def make_app(url: str, upload_dir: Path):
    config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(upload_dir)})
    app = create_app(config)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed_demo(db.session)
        seed_demo_dossiers(db.session, upload_dir)
        db.session.commit()
    return app


def service_us(app, n: int, trigger: str) -> float:
    """Mean committed cost of one transition, timed from loading the row to the commit. Between two timed
    transitions the dossier is put back untimed (send_back: to awaiting_head; submit_to_head: to draft)."""
    back_to = {"send_back": "awaiting_head", "submit_to_head": "draft"}[trigger]
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
        dossier_id = db.session.scalar(
            select(Dossier.id).where(Dossier.unit_id == officer.unit_id, Dossier.title.like("%(chờ ký)"))
        )
        actor_name = {"send_back": "truong.pleikan", "submit_to_head": "canbo.pleikan"}[trigger]
        actor_id = db.session.scalar(select(User.id).where(User.username == actor_name))
        db.session.remove()
        total = 0.0
        for i in range(n + 20):
            with db.engine.begin() as conn:
                conn.execute(
                    text("UPDATE dossiers SET state = :s, version = version + 1 WHERE id = :id"),
                    {"s": back_to, "id": dossier_id},
                )
            start = time.perf_counter()
            _one(trigger, dossier_id, actor_id)
            if i >= 20:  # the first ones warm the statement caches
                total += time.perf_counter() - start
    return total / n * 1e6


def _one(trigger: str, dossier_id: int, actor_id: int) -> None:
    """What a request does: a fresh session, load the user and the dossier, one service call, commit."""
    session = db.session
    actor = load_user(session, actor_id)
    dossier = session.get(Dossier, dossier_id)
    if trigger == "send_back":
        steps.send_back(session, dossier, actor=actor, comment="Bổ sung số liệu", version=dossier.version)
    else:
        steps.submit_to_head(session, dossier, actor=actor, version=dossier.version)
    session.commit()
    db.session.remove()


def floor_us(app, n: int) -> float:
    with app.app_context():
        dossier_id = db.session.scalars(select(Dossier.id).where(Dossier.state == "accepted")).first()
        raw = db.engine.raw_connection()
    dialect = "pg" if "postgresql" in app.config["SQLALCHEMY_DATABASE_URI"] else "sqlite"
    p = "%s" if dialect == "pg" else "?"
    states = ("accepted", "returned")
    try:
        cur = raw.cursor()
        start = None
        for i in range(n + 20):
            if i == 20:
                start = time.perf_counter()
            cur.execute(f"SELECT id, state, version FROM dossiers WHERE id = {p}", (dossier_id,))
            _, state, version = cur.fetchone()
            cur.execute("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1")
            prev = cur.fetchone()[0]
            new_state = states[1] if state == states[0] else states[0]
            cur.execute(
                f"UPDATE dossiers SET state = {p}, version = {p} WHERE id = {p} AND version = {p}",
                (new_state, version + 1, dossier_id, version),
            )
            now = datetime.now(UTC)
            body = json.dumps(
                {"entity": dossier_id, "from": state, "to": new_state, "at": now.isoformat()}, sort_keys=True
            )
            digest = hashlib.sha256(prev.encode() + body.encode()).hexdigest()
            stamp = now if dialect == "pg" else now.isoformat(sep=" ")
            cur.execute(
                "INSERT INTO audit_entries (occurred_at, actor_id, entity_type, entity_id, dossier_id, action, "
                f"from_state, to_state, data, prev_hash, hash) VALUES ({', '.join([p] * 11)})",
                (stamp, None, "dossier", dossier_id, dossier_id, "bench", state, new_state, "{}", prev, digest),
            )
            cur.execute(
                "INSERT INTO outbox_messages (created_at, topic, channel, recipient, payload, idempotency_key, "
                f"state, version, attempts, next_attempt_at, last_error) VALUES ({', '.join([p] * 11)})",
                (stamp, "dossier.bench", "event", "*", body, f"bench:{digest}", "pending", 1, 0, stamp, ""),
            )
            raw.commit()
        return (time.perf_counter() - start) / n * 1e6
    finally:
        raw.close()


def measure(backend: str, url: str, upload_dir: Path, n: int) -> dict:
    app = make_app(url, upload_dir)
    # The demo district ended on 30 June 2025: its dossiers move on a day of its life, as the demo tells them.
    with told_on(STORY_DAY):
        fire = service_us(app, n, "send_back")
        with_checklist = service_us(app, n, "submit_to_head")
    floor = floor_us(app, n)
    with app.app_context():
        db.engine.dispose()
    return {
        "backend": backend,
        "fire_us": round(fire),
        "floor_us": round(floor),
        "ratio": round(fire / floor, 2),
        # submit_to_head also recomputes the document checklist from the rule tables.
        "fire_with_checklist_us": round(with_checklist),
        "n": n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="transitions per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print(json.dumps(measure("sqlite", f"sqlite:///{tmp_path / 'bench.db'}", tmp_path / "up1", args.n)))
        pg = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if pg and pg.startswith("postgresql"):
            print(json.dumps(measure("postgresql", pg, tmp_path / "up2", args.n)))


if __name__ == "__main__":
    main()
