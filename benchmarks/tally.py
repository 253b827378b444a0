"""Issue 10's target: 1,000 nominees × 30 members tallied and applied in at most 100 ms.

Prints one JSON line per database: {"backend", "tally_ms", "apply_ms", "total_ms", "target_ms", "runs", "machine"}.
SQLite (WAL, a file in a temporary folder) always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL points at one
(its schema `public` is dropped and rebuilt: use a throw-away database).

Each run, untimed: the district council of the demo grows to 30 voting members, all present at an open session
whose agenda holds 1,000 eligible nominations (--dossiers dossiers of equal share, in council); every poll is started
and every member has voted, written with bulk SQL as test setup (a secret poll's participations marked `voted`,
its counters set; some polls reach two thirds, some do not). Timed, each in a fresh session: (a) `tally` of the
1,000 polls, loaded in one query; (b) the secretary finishing, then publishing, every poll at once through the
engine's batch path (each poll's finish and publish, the nomination's approve or not_approve, each dossier's
close_review: every one an audited transition with its outbox event), committed once. Figures are medians of
--runs runs.

Usage: .venv/bin/python benchmarks/tally.py [--runs 3] [--dossiers 100]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select
from sqlalchemy.orm import contains_eager

from benchmarks.bench_app import bench_app, migrate_from_empty
from models import (
    AgendaItem,
    Attendance,
    Authority,
    Council,
    CouncilMembership,
    CouncilSession,
    Dossier,
    Nomination,
    Nominee,
    Poll,
    PollParticipation,
    Unit,
    User,
    db,
)
from workflow.accounts.users import load_user
from workflow.core.today import LOCAL_TZ
from workflow.council import polls as service
from workflow.council.rules import council_rules, voting_members
from workflow.demo.seed import seed_demo

NOMINATIONS = 1000
MEMBERS = 30
TARGET_MS = 100
SESSION_DAY = datetime(2025, 6, 16, 8, 0, tzinfo=LOCAL_TZ)


def make_app(url: str, upload_dir: Path):
    app = bench_app(url, upload_dir)
    with app.app_context():
        migrate_from_empty()
        seed_demo(db.session)
        _thirty_members(_council())
        db.session.commit()
    return app


def _council() -> Council:
    district = db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))
    return db.session.scalar(select(Council).where(Council.authority_id == district.id))


def _thirty_members(council: Council) -> None:
    """The demo council's voting members, topped up to 30 from the district's offices (none from the proposing
    township, so nobody is recused)."""
    office = db.session.scalar(select(Unit).where(Unit.code == "P-NOIVU"))
    have = len(voting_members(db.session, council, SESSION_DAY.date()))
    for n in range(MEMBERS - have):
        user = User(username=f"bench.uyvien{n}", full_name=f"Ủy viên {n:02d}", password_hash="!", unit_id=office.id)
        db.session.add(user)
        db.session.flush()
        db.session.add(
            CouncilMembership(
                council_id=council.id, user_id=user.id, role_in_council="member", term_from=council.term_start
            )
        )


def build_session(dossiers: int) -> int:
    """Test setup (not timed): an open session, 1,000 eligible nominations on its agenda, every poll started and
    every member's vote in. Returns the session's id."""
    council = _council()
    members = [m.user_id for m in voting_members(db.session, council, SESSION_DAY.date())]
    assert len(members) == MEMBERS, len(members)
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    officer = db.session.scalar(select(User).where(User.unit_id == unit.id))
    council_session = CouncilSession(
        council_id=council.id, title="Phiên họp đo hiệu năng", scheduled_at=SESSION_DAY, state="open"
    )
    db.session.add(council_session)
    db.session.flush()
    db.session.execute(
        insert(Attendance),
        [{"session_id": council_session.id, "user_id": uid, "status": "present", "note": ""} for uid in members],
    )
    nominations = []
    for d in range(dossiers):
        dossier = Dossier(
            unit_id=unit.id, authority_id=unit.authority_id, procedure="regular", year=2025,
            title=f"Hồ sơ đo hiệu năng {d}", created_by_id=officer.id, state="in_council",
        )  # fmt: skip
        db.session.add(dossier)
        db.session.flush()
        for n in range(NOMINATIONS // dossiers):
            nominee = Nominee(kind="person", full_name=f"Người được đề nghị {d}-{n}", unit_id=unit.id)
            db.session.add(nominee)
            db.session.flush()
            nomination = Nomination(
                dossier_id=dossier.id, nominee_id=nominee.id, title_code="LDTT", year=2025, state="eligible"
            )
            nominations.append(nomination)
            db.session.add(nomination)
    db.session.flush()
    db.session.execute(
        insert(AgendaItem),
        [
            {"session_id": council_session.id, "nomination_id": n.id, "position": i}
            for i, n in enumerate(nominations, start=1)
        ],
    )
    rules = council_rules(db.session, council, title_code="LDTT", day=SESSION_DAY.date())
    items = db.session.scalars(
        select(AgendaItem.id).where(AgendaItem.session_id == council_session.id).order_by(AgendaItem.position)
    ).all()
    polls = []
    for i, item_id in enumerate(items):
        # 16 to 25 agreeing of 30: two thirds (20) is reached in six polls of ten.
        yes, abstain = 16 + i % 10, i % 3
        polls.append(
            {
                "agenda_item_id": item_id, "state": "started", "version": 2, "secret": True, "mode": "electronic",
                "entitled_count": MEMBERS, "base": rules.base, "base_count": MEMBERS, "pass_ratio": rules.pass_ratio,
                "yes_count": yes, "no_count": MEMBERS - yes - abstain, "abstain_count": abstain, "invalid_count": 0,
                "started_at": SESSION_DAY,
            }
        )  # fmt: skip
    db.session.execute(insert(Poll), polls)
    poll_ids = db.session.scalars(
        select(Poll.id).join(AgendaItem).where(AgendaItem.session_id == council_session.id)
    ).all()
    db.session.execute(
        insert(PollParticipation),
        [
            {"poll_id": pid, "user_id": uid, "recused": False, "note": "", "voted": True, "choice": None}
            for pid in poll_ids
            for uid in members
        ],
    )
    db.session.commit()
    session_id = council_session.id
    db.session.remove()
    return session_id


def _polls(session_id: int) -> list[Poll]:
    return list(
        db.session.scalars(
            select(Poll)
            .join(Poll.agenda_item)
            .where(AgendaItem.session_id == session_id)
            .options(contains_eager(Poll.agenda_item))
            .order_by(AgendaItem.position)
        )
    )


def run_once(app, dossiers: int) -> tuple[float, float]:
    """(tally_ms, apply_ms) of one fresh session of 1,000 polls."""
    with app.app_context():
        session_id = build_session(dossiers)
        secretary_id = db.session.scalar(select(User.id).where(User.username == "thuky"))
        db.session.remove()

        start = time.perf_counter()
        results = service.tally(_polls(session_id))
        tally_ms = (time.perf_counter() - start) * 1e3
        assert len(results) == NOMINATIONS
        passed = sum(r.passed for r in results)
        db.session.remove()

        start = time.perf_counter()
        actor = load_user(db.session, secretary_id)
        polls = _polls(session_id)
        service.finish_polls(db.session, polls, actor=actor)
        service.publish_polls(db.session, polls, actor=actor)
        db.session.commit()
        apply_ms = (time.perf_counter() - start) * 1e3
        db.session.remove()

        states = dict(
            db.session.execute(
                select(Nomination.state, func.count())
                .join(AgendaItem, AgendaItem.nomination_id == Nomination.id)
                .where(AgendaItem.session_id == session_id)
                .group_by(Nomination.state)
            ).all()
        )
        assert states == {"approved": passed, "not_approved": NOMINATIONS - passed}, states
        left = db.session.scalar(select(func.count()).select_from(Dossier).where(Dossier.state == "in_council"))
        assert left == 0, left
        db.session.remove()
    return tally_ms, apply_ms


def machine(app) -> dict:
    """What the figures were measured on, durability settings included."""
    described = {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            described["sqlite"] = sqlite3.sqlite_version
            described["journal_mode"] = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            described["synchronous"] = {0: "off", 1: "normal", 2: "full", 3: "extra"}[synchronous]
        else:
            described["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar()
            for setting in ("fsync", "synchronous_commit", "wal_sync_method"):
                described[setting] = conn.exec_driver_sql(f"SHOW {setting}").scalar()
    return described


def measure(backend: str, url: str, upload_dir: Path, runs: int, dossiers: int) -> dict:
    app = make_app(url, upload_dir)
    figures = [run_once(app, dossiers) for _ in range(runs)]
    tally_ms = statistics.median(t for t, _ in figures)
    apply_ms = statistics.median(a for _, a in figures)
    described = machine(app)
    with app.app_context():
        db.engine.dispose()
    return {
        "backend": backend,
        "tally_ms": round(tally_ms, 1),
        "apply_ms": round(apply_ms, 1),
        "total_ms": round(tally_ms + apply_ms, 1),
        "target_ms": TARGET_MS,
        "nominations": NOMINATIONS,
        "members": MEMBERS,
        "dossiers": dossiers,
        "runs": runs,
        "machine": described,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per database; the median is printed")
    parser.add_argument("--dossiers", type=int, default=100, help="dossiers the 1,000 nominations come in")
    args = parser.parse_args()
    if NOMINATIONS % args.dossiers:
        parser.error(f"--dossiers must divide {NOMINATIONS}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        url = f"sqlite:///{tmp_path / 'bench.db'}"
        print(json.dumps(measure("sqlite", url, tmp_path / "up1", args.runs, args.dossiers)))
        pg = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if pg and pg.startswith("postgresql"):
            print(json.dumps(measure("postgresql", pg, tmp_path / "up2", args.runs, args.dossiers)))


if __name__ == "__main__":
    main()
