"""`flask audit verify` (workflow/core/audit.py::verify) over a log of 1,000,000 entries. Target: at most 5 s.

Prints one JSON line per database: {"backend", "entries", "verify_s", "target_s", "runs", "generate_s", "machine"}.
SQLite (WAL, a file in a temporary folder) always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL points at one
(its schema `public` is dropped and rebuilt: use a throw-away database).

Setup, untimed: the demo is seeded (its dossiers, nominations and their audited history), then the chain is grown
to --entries entries with Core executemany inserts, each entry hashed with the real key as `append` would: pairs
of transitions on the demo's dossiers and nominations (there and back again, so every row still stands in the state
its last entry says), a comment on every entry, one in ten written out in Vietnamese and unique, the rest empty.
Timed: `verify` in a fresh session, everything it checks (the chain, the checkpoint, every stateful row), the median
of --runs runs. The result must be intact: a benchmark of a verify that found problems would measure nothing.

Usage: .venv/bin/python benchmarks/audit_verify.py [--entries 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text
from tally import machine

from benchmarks.bench_app import bench_app, migrate_from_empty
from models import AuditEntry, Dossier, Nomination, db
from models.base import utcnow
from workflow.core import audit
from workflow.demo.dossiers import seed_demo_dossiers
from workflow.demo.seed import seed_demo

TARGET_S = 5.0
CHUNK = 20_000
# Where a transition of each kind of row goes and comes back from (legal states of their machines).
AWAY = {"dossier": ("returned", "submitted"), "nomination": ("proposed", "eligible")}


def make_app(url: str, tmp: Path):
    app = bench_app(url, tmp / "uploads", AUDIT_CHECKPOINT_FILE=str(tmp / "checkpoints.jsonl"))
    with app.app_context():
        migrate_from_empty()
        seed_demo(db.session)
        seed_demo_dossiers(db.session, tmp / "uploads")
        db.session.commit()
    return app


def grow_chain(app, entries: int) -> float:
    """Append entries until the log holds `entries`, hashed as `append` hashes them; returns the seconds taken."""
    start = time.perf_counter()
    with app.app_context():
        session = db.session
        rows = [("dossier", d.id, d.id, d.state) for d in session.scalars(select(Dossier))]
        rows += [("nomination", n.id, n.dossier_id, n.state) for n in session.scalars(select(Nomination))]
        head = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).one()
        have = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
        prev_hash = head.hash
        moment = utcnow()
        table = AuditEntry.__table__
        pending = []
        for i in range(entries - have):
            entity_type, entity_id, dossier_id, state = rows[(i // 2) % len(rows)]
            away = next(s for s in AWAY[entity_type] if s != state)
            there = i % 2 == 0
            comment = f"Lần {i}: bổ sung hồ sơ, ý kiến của đơn vị “{entity_id}”" if i % 10 == 0 else ""
            occurred_at = moment + timedelta(microseconds=i)
            fields = audit._fields(
                occurred_at=occurred_at,
                actor_id=None,
                entity_type=entity_type,
                entity_id=entity_id,
                dossier_id=dossier_id,
                action="bench_there" if there else "bench_back",
                from_state=state if there else away,
                to_state=away if there else state,
                data={"comment": comment},
            )
            digest = audit.entry_hash(prev_hash, fields)
            pending.append({**fields, "occurred_at": occurred_at, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
            if len(pending) == CHUNK:
                session.execute(table.insert(), pending)
                session.commit()
                pending = []
        if pending:
            session.execute(table.insert(), pending)
            session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE audit_entries"))
            session.commit()
        db.session.remove()
    return time.perf_counter() - start


def verify_once(app) -> tuple[float, audit.Verification]:
    with app.app_context():
        db.session.remove()
        start = time.perf_counter()
        result = audit.verify(db.session)
        elapsed = time.perf_counter() - start
        db.session.remove()
    return elapsed, result


def measure(backend: str, url: str, tmp: Path, entries: int, runs: int) -> dict:
    app = make_app(url, tmp)
    generate_s = grow_chain(app, entries)
    timings = []
    for _ in range(runs):
        elapsed, result = verify_once(app)
        if not result.intact or result.entries != entries:
            raise SystemExit(f"{backend}: verify found {result.problems[:3]} over {result.entries} entries")
        timings.append(elapsed)
    described = machine(app)
    with app.app_context():
        db.engine.dispose()
    return {
        "backend": backend,
        "entries": entries,
        "verify_s": round(statistics.median(timings), 2),
        "target_s": TARGET_S,
        "runs_s": [round(t, 2) for t in timings],
        "generate_s": round(generate_s, 1),
        "load": os.getloadavg()[0],
        "machine": described,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per database; the median is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "sqlite").mkdir()
        url = f"sqlite:///{tmp_path / 'sqlite' / 'bench.db'}"
        print(json.dumps(measure("sqlite", url, tmp_path / "sqlite", args.entries, args.runs)), flush=True)
        pg = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if pg and pg.startswith("postgresql"):
            (tmp_path / "pg").mkdir()
            print(json.dumps(measure("postgresql", pg, tmp_path / "pg", args.entries, args.runs)), flush=True)


if __name__ == "__main__":
    main()
