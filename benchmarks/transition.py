"""Cost of committed transitions through the service layer, against the bare-SQL floor of the same work.

Prints one JSON line per database, medians of --runs runs (µs, or ms where it says so), with the machine and its
durability settings: SQLite (WAL, synchronous full, a file in a temporary folder) always; PostgreSQL when
TEST_DATABASE_URL or DATABASE_URL points at one (its schema `public` is dropped and rebuilt: use a throw-away
database). Targets: a committed transition at most 3× the floor on SQLite and 2.5× on PostgreSQL.

- `fire_us`: what a request does for `send_back`: a fresh session loads the user (with roles) and the dossier, the
  service checks the trigger, permission, version and guards, moves the state with the version check, appends the
  keyed audit entry, writes the outbox event, and commits. Between two timed transitions the dossier is put back
  untimed. `fire_with_checklist_us`: `submit_to_head`, whose guards also read the document checklist.
- `floor_us`: the same reads and writes through the DBAPI in one transaction, no framework: the user with its roles,
  the dossier row, the UPDATE with the version check (on PostgreSQL taking the chain lock in the same statement, as
  the engine does), the chain head, the audit INSERT with its HMAC over the canonical JSON, the outbox INSERT with
  its JSON payload, COMMIT; same connection settings, so the same fsyncs.
- `vote_us`: a council member's electronic vote in a secret poll (`workflow/council/polls.py::cast_vote`),
  committed; the member's participation is unmarked and the counter taken back untimed between votes.
- `sign_ms`: the chairman signing a decision of two awardees (number, money, two awards, two registry entries,
  the dossier decided and closed), committed; each decision is drafted and sent for signature untimed.
- `lifecycle_ms`: one dossier from draft to closed, every step its own committed transaction (`lifecycle_steps`
  of them): submit to the head, sign and submit, accept (services); each nomination found eligible, the dossier
  put on a council session's agenda, each nomination approved, the review closed (fired through the engine with
  the facts their services would compute: the vote and the tally are measured on their own); the decision
  drafted, sent for signature and signed, which awards, decides and closes (services).

Usage: .venv/bin/python benchmarks/transition.py [--n 300] [--runs 3] [--profile]
(--profile: no figures; pyinstrument's profile of --n committed send_back transitions on SQLite, to stderr.)
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tally
from sqlalchemy import insert, select, text

from benchmarks.bench_app import bench_app, migrate_from_empty
from models import (
    AgendaItem,
    Attendance,
    Authority,
    CouncilSession,
    Decision,
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
from workflow.core.engine import fire
from workflow.core.machines import DOSSIER, NOMINATION
from workflow.core.today import told_on
from workflow.council import polls
from workflow.council.rules import council_rules, voting_members
from workflow.decisions import drafting, signing
from workflow.demo.dossiers import STORY_DAY, seed_demo_dossiers
from workflow.demo.seed import seed_demo
from workflow.dossiers import transitions as steps


def make_app(url: str, upload_dir: Path):
    app = bench_app(url, upload_dir)
    with app.app_context():
        migrate_from_empty()
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


def pleikan_awaiting_head() -> int:
    """The demo's Plei Kần dossier waiting for its head's signature: its documents are all there."""
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    return db.session.scalar(
        select(Dossier.id).where(Dossier.unit_id == officer.unit_id, Dossier.title.like("%(chờ ký)"))
    )


def floor_us(app, n: int) -> float:
    """The floor of `send_back` (see the module's docstring): the same statements, hand-written on the DBAPI."""
    with app.app_context():
        dossier_id = pleikan_awaiting_head()
        actor_id = db.session.scalar(select(User.id).where(User.username == "truong.pleikan"))
        raw = db.engine.raw_connection()
    pg = "postgresql" in app.config["SQLALCHEMY_DATABASE_URI"]
    p = "%s" if pg else "?"
    key = app.config["AUDIT_HMAC_KEY"].encode()
    if pg:
        update = (
            f"WITH moved AS (UPDATE dossiers SET state = {p}, version = {p} WHERE id = {p} AND version = {p} "
            f"RETURNING id) SELECT CAST(pg_advisory_xact_lock({p}) AS TEXT) FROM moved"
        )
    else:
        update = f"UPDATE dossiers SET state = {p}, version = {p} WHERE id = {p} AND version = {p}"
    try:
        cur = raw.cursor()
        start = None
        for i in range(n + 20):
            if i == 20:
                start = time.perf_counter()
            cur.execute(
                "SELECT users.*, user_roles.role FROM users LEFT OUTER JOIN user_roles "
                f"ON users.id = user_roles.user_id WHERE users.id = {p}",
                (actor_id,),
            )
            cur.fetchall()
            cur.execute(f"SELECT * FROM dossiers WHERE id = {p}", (dossier_id,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
            state, version = row[names.index("state")], row[names.index("version")]
            new_state = "draft" if state == "awaiting_head" else "awaiting_head"
            cur.execute(update, (new_state, version + 1, dossier_id, version, *((7_302_611,) if pg else ())))
            moved = len(cur.fetchall()) if pg else cur.rowcount
            assert moved == 1
            cur.execute("SELECT id, hash FROM audit_entries ORDER BY id DESC LIMIT 1")
            prev = cur.fetchone()[1]
            now = datetime.now(UTC)
            fields = {
                "action": "send_back", "actor_id": actor_id, "data": {"comment": "Bổ sung số liệu"},
                "dossier_id": dossier_id, "entity_id": dossier_id, "entity_type": "dossier", "from_state": state,
                "occurred_at": now.isoformat(timespec="microseconds"), "to_state": new_state,
            }  # fmt: skip
            body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hmac.new(key, prev.encode() + body.encode(), hashlib.sha256).hexdigest()
            stamp = now if pg else now.isoformat(sep=" ")
            data = json.dumps(fields["data"])
            cur.execute(
                "INSERT INTO audit_entries (occurred_at, actor_id, entity_type, entity_id, dossier_id, action, "
                f"from_state, to_state, data, prev_hash, hash) VALUES ({', '.join([p] * 11)}) RETURNING id",
                (stamp, actor_id, "dossier", dossier_id, dossier_id, "send_back", state, new_state, data, prev,
                 digest),
            )  # fmt: skip
            audit_id = cur.fetchone()[0]
            payload = json.dumps({**fields, "audit_id": audit_id, "topic": "dossier.sent_back", "audiences": []})
            cur.execute(
                "INSERT INTO outbox_messages (created_at, topic, channel, recipient, payload, idempotency_key, "
                f"state, version, attempts, next_attempt_at, last_error) VALUES ({', '.join([p] * 11)}) RETURNING id",
                (stamp, "dossier.sent_back", "event", "*", payload, f"event:{digest}", "pending", 1, 0, stamp, ""),
            )
            cur.fetchone()
            raw.commit()
        return (time.perf_counter() - start) / n * 1e6
    finally:
        raw.close()


# --- a council member's vote -------------------------------------------------------------------------------------


def _one_poll() -> tuple[int, list[int]]:
    """Test setup (untimed): an open session of the demo council with one started secret poll, every voting member
    present and entitled, nobody voted yet. Returns the poll's id and the members' ids."""
    council = tally._council()
    day = tally.SESSION_DAY
    members = [m.user_id for m in voting_members(db.session, council, day.date())]
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    meeting = CouncilSession(council_id=council.id, title="Phiên họp đo biểu quyết", scheduled_at=day, state="open")
    dossier = Dossier(
        unit_id=unit.id, authority_id=unit.authority_id, procedure="regular", year=2025,
        title="Hồ sơ đo biểu quyết", created_by_id=officer.id, state="in_council",
    )  # fmt: skip
    nominee = Nominee(kind="person", full_name="Người được biểu quyết", unit_id=unit.id)
    db.session.add_all([meeting, dossier, nominee])
    db.session.flush()
    nomination = Nomination(
        dossier_id=dossier.id, nominee_id=nominee.id, title_code="LDTT", year=2025, state="eligible"
    )
    db.session.add(nomination)
    db.session.flush()
    db.session.execute(
        insert(Attendance),
        [{"session_id": meeting.id, "user_id": uid, "status": "present", "note": ""} for uid in members],
    )
    item = AgendaItem(session_id=meeting.id, nomination_id=nomination.id, position=1)
    db.session.add(item)
    db.session.flush()
    rules = council_rules(db.session, council, title_code="LDTT", day=day.date())
    poll = Poll(
        agenda_item_id=item.id, state="started", secret=True, mode="electronic", entitled_count=len(members),
        base=rules.base, base_count=len(members), pass_ratio=rules.pass_ratio, yes_count=0, no_count=0,
        abstain_count=0, invalid_count=0, started_at=day,
    )  # fmt: skip
    db.session.add(poll)
    db.session.flush()
    db.session.execute(
        insert(PollParticipation),
        [{"poll_id": poll.id, "user_id": uid, "recused": False, "note": "", "voted": False} for uid in members],
    )
    db.session.commit()
    return poll.id, members


def vote_us(app, n: int) -> float:
    with app.app_context():
        poll_id, members = _one_poll()
        db.session.remove()
        total = 0.0
        for i in range(n + 20):
            member_id = members[i % len(members)]
            if i >= len(members):  # untimed: the member's vote taken back, so they may vote again
                with db.engine.begin() as conn:
                    conn.execute(
                        text("UPDATE poll_participations SET voted = :no WHERE poll_id = :p AND user_id = :u"),
                        {"no": False, "p": poll_id, "u": member_id},
                    )
                    conn.execute(text("UPDATE polls SET yes_count = yes_count - 1 WHERE id = :p"), {"p": poll_id})
            start = time.perf_counter()
            session = db.session
            member = load_user(session, member_id)
            poll = session.get(Poll, poll_id)
            polls.cast_vote(session, poll, member=member, choice="yes")
            session.commit()
            db.session.remove()
            if i >= 20:
                total += time.perf_counter() - start
    return total / n * 1e6


# --- signing a decision ------------------------------------------------------------------------------------------


def _awaiting_signature(k: int) -> int:
    """Test setup (untimed): a Plei Kần dossier awaiting the decision with two approved nominations, drafted into a
    decision by the office and sent for signature. Returns the decision's id."""
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    dossier = Dossier(
        unit_id=unit.id, authority_id=unit.authority_id, procedure="regular", year=2024,
        title=f"Đề nghị khen thưởng đo ký {k}", created_by_id=officer.id, state="awaiting_decision",
    )  # fmt: skip
    db.session.add(dossier)
    db.session.flush()
    nominations = []
    for name in (f"Nguyễn Văn An {k}", f"Trần Thị Bình {k}"):
        nominee = Nominee(kind="person", full_name=name, unit_id=unit.id)
        db.session.add(nominee)
        db.session.flush()
        nomination = Nomination(dossier_id=dossier.id, nominee_id=nominee.id, title_code="LDTT", year=2024,
                                state="approved")  # fmt: skip
        db.session.add(nomination)
        nominations.append(nomination)
    db.session.flush()
    office = _user("noivu")
    decision = drafting.draft_decision(db.session, _district(), nominations, office)
    signing.submit_for_signature(db.session, decision, actor=office)
    db.session.commit()
    return decision.id


def sign_ms(app, n: int) -> float:
    with app.app_context():
        chairman_id = _user("chutich").id
        total = 0.0
        for k in range(n + 3):
            decision_id = _awaiting_signature(k)
            db.session.remove()
            start = time.perf_counter()
            session = db.session
            chairman = load_user(session, chairman_id)
            decision = session.get(Decision, decision_id)
            signing.sign_decision(session, decision, actor=chairman, capacity="chairman")
            session.commit()
            db.session.remove()
            if k >= 3:
                total += time.perf_counter() - start
    return total / n * 1e3


# --- one dossier from draft to closed ----------------------------------------------------------------------------


def _copy_of_dossier(k: int) -> int:
    """Test setup (untimed): a new draft, copied row for row from a demo dossier that has its documents (its
    nominees, nominations and documents too, under new ids). Returns its id."""
    conn = db.session.connection()
    tables = db.metadata.tables
    dossiers, nominees, nominations, documents = (
        tables[name] for name in ("dossiers", "nominees", "nominations", "documents")
    )
    source = conn.execute(dossiers.select().where(dossiers.c.id == pleikan_awaiting_head())).mappings().one()
    fresh = {**source, "state": "draft", "version": 1, "title": f"{source['title']} #{k}", "submitted_at": None,
             "rule_set_id": None, "accepted_on": None, "due_on": None, "clock_paused_on": None,
             "working_days_left": None, "overdue": False}  # fmt: skip
    fresh.pop("id")
    dossier_id = conn.execute(dossiers.insert().values(fresh).returning(dossiers.c.id)).scalar_one()
    moved = {}
    for nomination in conn.execute(nominations.select().where(nominations.c.dossier_id == source["id"])).mappings():
        nominee = dict(
            conn.execute(nominees.select().where(nominees.c.id == nominee_id_of(nomination))).mappings().one()
        )
        nominee.pop("id")
        nominee["national_id"] = None
        nominee["full_name"] = f"{nominee['full_name']} {k}"
        new_nominee = conn.execute(nominees.insert().values(nominee).returning(nominees.c.id)).scalar_one()
        copy = {**nomination, "dossier_id": dossier_id, "nominee_id": new_nominee, "state": "proposed",
                "version": 1}  # fmt: skip
        copy.pop("id")
        moved[nomination["id"]] = conn.execute(
            nominations.insert().values(copy).returning(nominations.c.id)
        ).scalar_one()
    for document in conn.execute(documents.select().where(documents.c.dossier_id == source["id"])).mappings():
        copy = {**document, "dossier_id": dossier_id, "nomination_id": moved.get(document["nomination_id"])}
        copy.pop("id")
        conn.execute(documents.insert().values(copy))
    db.session.commit()
    return dossier_id


def nominee_id_of(nomination) -> int:
    return nomination["nominee_id"]


def lifecycle_ms(app, k: int) -> tuple[float, int]:
    """(milliseconds, committed steps) of one dossier's way from draft to closed."""
    with app.app_context():
        dossier_id = _copy_of_dossier(k)
        ids = {name: _user(name).id for name in ("canbo.pleikan", "truong.pleikan", "noivu", "thuky", "chutich")}
        db.session.remove()
        elapsed, count = 0.0, 0

        def step(run) -> None:
            nonlocal elapsed, count
            start = time.perf_counter()
            session = db.session
            dossier = session.get(Dossier, dossier_id)
            run(session, dossier, lambda name: load_user(session, ids[name]))
            session.commit()
            db.session.remove()
            elapsed += time.perf_counter() - start
            count += 1

        step(lambda s, d, u: steps.submit_to_head(s, d, actor=u("canbo.pleikan")))
        step(lambda s, d, u: steps.approve_submission(s, d, actor=u("truong.pleikan"), sign_off=True))
        step(lambda s, d, u: steps.accept(s, d, actor=u("noivu")))
        with app.app_context():
            nomination_ids = [n.id for n in db.session.get(Dossier, dossier_id).nominations]
            db.session.remove()
        for nomination_id in nomination_ids:
            step(
                lambda s, d, u, n=nomination_id: fire(
                    NOMINATION, s.get(Nomination, n), "find_eligible", actor=u("noivu")
                )
            )
        step(lambda s, d, u: fire(DOSSIER, d, "schedule", actor=u("thuky"),
                                  context={"eligible_nominations": len(nomination_ids)}))  # fmt: skip
        for nomination_id in nomination_ids:
            step(lambda s, d, u, n=nomination_id: fire(NOMINATION, s.get(Nomination, n), "approve", actor=u("thuky")))
        step(lambda s, d, u: fire(DOSSIER, d, "close_review", actor=u("thuky"),
                                  context={"nominations_without_result": []}))  # fmt: skip
        decision_id = None

        def draft(s, d, u):
            nonlocal decision_id
            decision = drafting.draft_decision(s, _district(s), list(d.nominations), u("noivu"))
            s.flush()
            decision_id = decision.id

        step(draft)
        step(lambda s, d, u: signing.submit_for_signature(s, s.get(Decision, decision_id), actor=u("noivu")))
        step(lambda s, d, u: signing.sign_decision(s, s.get(Decision, decision_id), actor=u("chutich")))
        with app.app_context():
            state = db.session.get(Dossier, dossier_id).state
            db.session.remove()
        assert state == "closed", state
    return elapsed * 1e3, count


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _district(session=None) -> Authority:
    return (session or db.session).scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))


def measure(backend: str, url: str, upload_dir: Path, n: int, runs: int) -> dict:
    app = make_app(url, upload_dir)
    figures: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    # The demo district ended on 30 June 2025: its dossiers move on a day of its life, as the demo tells them.
    with told_on(STORY_DAY):
        for run in range(runs):
            keep("fire_us", service_us(app, n, "send_back"))
            keep("floor_us", floor_us(app, n))
            keep("fire_with_checklist_us", service_us(app, n, "submit_to_head"))
            keep("vote_us", vote_us(app, n))
            keep("sign_ms", sign_ms(app, max(n // 20, 5)))
            took, count = lifecycle_ms(app, run)
            keep("lifecycle_ms", took)
    described = tally.machine(app)
    with app.app_context():
        db.engine.dispose()
    median = {name: statistics.median(values) for name, values in figures.items()}
    target = 2.5 if backend == "postgresql" else 3.0
    return {
        "backend": backend,
        "fire_us": round(median["fire_us"]),
        "floor_us": round(median["floor_us"]),
        "ratio": round(median["fire_us"] / median["floor_us"], 2),
        "target_ratio": target,
        "fire_with_checklist_us": round(median["fire_with_checklist_us"]),
        "vote_us": round(median["vote_us"]),
        "sign_ms": round(median["sign_ms"], 1),
        "lifecycle_ms": round(median["lifecycle_ms"], 1),
        "lifecycle_steps": count,
        "runs": {name: [round(v, 1) for v in values] for name, values in figures.items()},
        "n": n,
        "load": os.getloadavg()[0],
        "machine": described,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="transitions per measurement")
    parser.add_argument("--runs", type=int, default=3, help="runs per database; medians are printed")
    parser.add_argument("--profile", action="store_true", help="print where a transition's time goes instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.profile:
            from pyinstrument import Profiler

            app = make_app(f"sqlite:///{tmp_path / 'bench.db'}", tmp_path / "up1")
            with told_on(STORY_DAY):
                service_us(app, 20, "send_back")  # warm
                with Profiler(interval=0.0002) as profiler:
                    service_us(app, args.n, "send_back")
            print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
            return
        print(json.dumps(measure("sqlite", f"sqlite:///{tmp_path / 'bench.db'}", tmp_path / "up1", args.n, args.runs)),
              flush=True)  # fmt: skip
        pg = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if pg and pg.startswith("postgresql"):
            print(json.dumps(measure("postgresql", pg, tmp_path / "up2", args.n, args.runs)), flush=True)


if __name__ == "__main__":
    main()
