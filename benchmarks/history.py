"""A province's history for the page benchmarks: 100,000 dossiers, 500,000 nominations, 2,000,000 audit entries.

The schema comes from the real migrations and the Ngọc Hồi demo from `seed_demo` (users, rule sets, councils,
the demo dossiers); on top of that this writes, with Core bulk inserts (COPY on PostgreSQL, executemany on
SQLite), six years (2020–2025) of fifty units' dossiers in realistic proportions of states: most closed, some in
every other state, some of the running ones overdue on the story day (16 June 2025). Each dossier has its
nominations, nominees (with the year's facts), documents (rows only, no files) and an audit trail shaped like the
engine's (dossier transitions, nominations added, their outcomes, uploads; `dossier_id` set, in time order). The
awarded land in decisions (about 50 dossiers each), decision items and the registry; regular dossiers past the
office went through council sessions (agenda items, published polls, attendance).

The audit hashes are unique but not a valid keyed chain (the verifier is benchmarked elsewhere).

Usage: .venv/bin/python benchmarks/history.py [--dossiers 100000] [--out /tmp/history.db]
PostgreSQL instead when TEST_DATABASE_URL points at a throw-away database (its schema `public` is rebuilt).
Prints one JSON line: the rows written per table and the seconds taken."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from bisect import bisect
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from sqlalchemy import func, select, text

from benchmarks.bench_app import bench_app, migrate_from_empty
from models import Authority, Council, CouncilMembership, Movement, RuleSet, Unit, User, db
from workflow.demo.seed import DISTRICT_CODE, seed_demo
from workflow.search.keys import fold

STORY_MOMENT = datetime(2025, 6, 16, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
STORY_DAY = STORY_MOMENT.date()
YEARS = range(2020, 2026)
UNITS_WANTED = 50

# Share of a year's dossiers in each state: finished years are mostly closed; the current one is in full flow.
PAST_STATES = {
    "closed": 800, "rejected": 40, "withdrawn": 50, "forwarded": 25, "decided": 20, "awaiting_decision": 12,
    "in_council": 10, "accepted": 12, "submitted": 10, "returned": 8, "awaiting_head": 6, "draft": 7,
}  # fmt: skip
CURRENT_STATES = {
    "closed": 150, "rejected": 30, "withdrawn": 40, "forwarded": 30, "decided": 60, "awaiting_decision": 80,
    "in_council": 90, "accepted": 140, "submitted": 120, "returned": 70, "awaiting_head": 80, "draft": 110,
}  # fmt: skip
# The path each state was reached by (every transition leaves one audit entry).
PATHS = {
    "draft": [],
    "awaiting_head": [("submit_to_head", "draft", "awaiting_head")],
    "submitted": [("submit_to_head", "draft", "awaiting_head"), ("approve_submission", "awaiting_head", "submitted")],
}
PATHS["returned"] = PATHS["submitted"] + [("return_for_supplement", "submitted", "returned")]
PATHS["rejected"] = PATHS["submitted"] + [("reject", "submitted", "rejected")]
PATHS["withdrawn"] = [("withdraw", "draft", "withdrawn")]
PATHS["accepted"] = PATHS["submitted"] + [("accept", "submitted", "accepted")]
PATHS["in_council"] = PATHS["accepted"] + [("schedule", "accepted", "in_council")]
PATHS["awaiting_decision"] = PATHS["in_council"] + [("close_review", "in_council", "awaiting_decision")]
PATHS["decided"] = PATHS["awaiting_decision"] + [("decide", "awaiting_decision", "decided")]
PATHS["forwarded"] = PATHS["awaiting_decision"] + [("forward", "awaiting_decision", "forwarded")]
PATHS["closed"] = PATHS["decided"] + [("close", "decided", "closed")]
PROCEDURES = {"regular": 60, "giay_khen_periodic": 25, "giay_khen_thematic": 5, "simplified": 5, "forward": 5}
TITLES = {"person": ["LDTT", "LDTT", "LDTT", "CSTDCS", "GIAY_KHEN_CT_HUYEN"], "collective": ["TLDTT", "TLDXS",
          "GIAY_KHEN_CT_HUYEN_TAP_THE"]}  # fmt: skip
DOCUMENT_KINDS = ("to_trinh", "bao_cao_thanh_tich")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "A", "Y", "Đinh", "Lương"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thị Thu", "Văn Hoàng", "Thị Kim", ""]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khoa", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân",
         "Xuân", "Yến"]  # fmt: skip
EXTRA_UNIT_KINDS = [("school", "Trường Tiểu học {}"), ("school", "Trường THCS {}"), ("school", "Trường Mầm non {}"),
                    ("public_service", "Trạm Y tế {}"), ("mass_organisation", "Hội Nông dân {}")]  # fmt: skip
PLACES = ["Plei Kần", "Đắk Xú", "Bờ Y", "Đắk Nông", "Đắk Kan", "Sa Loong", "Đắk Ang", "Đắk Dục"]
SESSION_SIZE = 150  # agenda items per council session


class Sink:
    """Buffered bulk writer: COPY on PostgreSQL, executemany on SQLite (values converted as SQLAlchemy stores
    them: ISO dates, naive UTC datetimes, JSON text)."""

    def __init__(self, raw, dialect: str):
        self.raw, self.dialect = raw, dialect
        self.buffers: dict[str, tuple[tuple[str, ...], list]] = {}
        self.counts: Counter = Counter()

    def put(self, table: str, columns: tuple[str, ...], row: tuple) -> None:
        buffer = self.buffers.setdefault(table, (columns, []))[1]
        buffer.append(row)
        if len(buffer) >= 20000:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            columns, rows = self.buffers[name]
            if not rows:
                continue
            cur = self.raw.cursor()
            if self.dialect == "postgresql":
                with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_pg(v) for v in row])
            else:
                marks = ", ".join("?" for _ in columns)
                cur.executemany(
                    f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", [tuple(map(_lite, r)) for r in rows]
                )
            self.counts[name] += len(rows)
            rows.clear()


def _pg(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _lite(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _weighted(rng: random.Random, weights: dict[str, int]):
    keys = list(weights)
    cumulative, total = [], 0
    for key in keys:
        total += weights[key]
        cumulative.append(total)
    return lambda: keys[bisect(cumulative, rng.random() * total)]


def build(url: str, dossiers: int, seed: int = 15) -> dict:
    """Migrate a fresh database at `url`, seed the demo and write the history; returns what was written."""
    upload_dir = Path(tempfile.mkdtemp(prefix="history-uploads-"))
    started = time.perf_counter()
    with time_machine.travel(STORY_MOMENT, tick=True):
        app = bench_app(url, upload_dir)
        with app.app_context():
            migrate_from_empty()
            seed_demo(db.session, upload_dir=upload_dir)
            db.session.commit()
            seeded = time.perf_counter()
            counts = write_history(db.session, dossiers, random.Random(seed))
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            db.engine.dispose()
    return {
        "database": url.split(":")[0],
        "dossiers": dossiers,
        "rows": dict(sorted(counts.items())),
        "seed_demo_s": round(seeded - started, 1),
        "history_s": round(time.perf_counter() - seeded, 1),
    }


def write_history(session, n_dossiers: int, rng: random.Random) -> Counter:
    """Write `n_dossiers` dossiers' history on top of the seeded demo (tests use a few dozen); commits."""
    district = session.scalar(select(Authority).where(Authority.code == DISTRICT_CODE))
    units = _fifty_units(session, district, rng)
    session.commit()
    users = {u.username: u.id for u in session.scalars(select(User))}
    officer_of = {}
    for user in session.scalars(select(User)):
        if user.unit_id and user.username.startswith("canbo."):
            officer_of[user.unit_id] = user.id
    council = session.scalar(select(Council).where(Council.authority_id == district.id))
    members = list(session.scalars(select(CouncilMembership.user_id).where(CouncilMembership.council_id == council.id)))
    movement_id = session.scalar(select(Movement.id).order_by(Movement.id))
    rule_sets = [
        (rs.effective_from, rs.id)
        for rs in session.scalars(
            select(RuleSet).where(RuleSet.override_for_authority_id.is_(None)).order_by(RuleSet.effective_from)
        )
    ]
    next_id = {
        name: (session.scalar(select(func.max(table.c.id))) or 0) + 1
        for name, table in db.metadata.tables.items()
        if "id" in table.c and table.c.id.primary_key
    }
    numbers = Counter(
        dict(
            session.execute(text("SELECT year, max(number) FROM decisions WHERE year IS NOT NULL GROUP BY year")).all()
        )
    )
    last_hash = session.scalar(text("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1")) or "0" * 64
    session.commit()

    raw = db.engine.raw_connection()
    dialect = db.engine.dialect.name
    # Rows go in table by table in buffers, so a row may arrive before the one it refers to: the references are
    # checked by construction, not by the database, while loading.
    if dialect == "sqlite":
        raw.commit()
        raw.cursor().execute("PRAGMA foreign_keys = OFF")
        raw.cursor().execute("PRAGMA synchronous = OFF")
    else:
        raw.cursor().execute("SET session_replication_role = replica")
    sink = Sink(raw, dialect)
    history = History(sink, rng, next_id, units, users, officer_of, members, council.id, district, movement_id,
                      rule_sets, last_hash, n_dossiers)  # fmt: skip
    history.numbers = numbers
    history.write()
    sink.flush()
    if dialect == "postgresql":
        cur = raw.cursor()
        for name in sink.counts:
            table = db.metadata.tables[name]
            if "id" in table.c and table.c.id.primary_key:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
    raw.commit()
    # The connection goes back to the pool: checks on again for whoever uses it next.
    if dialect == "sqlite":
        raw.cursor().execute("PRAGMA foreign_keys = ON")
    else:
        raw.cursor().execute("SET session_replication_role = DEFAULT")
        raw.commit()
    raw.close()
    return sink.counts


def _fifty_units(session, district: Authority, rng: random.Random) -> list[tuple[int, str]]:
    """The district's units, topped up to fifty with schools, health stations and associations of its communes."""
    units = list(session.scalars(select(Unit).where(Unit.authority_id == district.id).order_by(Unit.id)))
    i = 0
    while len(units) < UNITS_WANTED:
        kind, pattern = EXTRA_UNIT_KINDS[i % len(EXTRA_UNIT_KINDS)]
        place = PLACES[(i // len(EXTRA_UNIT_KINDS)) % len(PLACES)]
        name = pattern.format(place) + (f" số {i // 40 + 1}" if i >= 40 else "")
        unit = Unit(code=f"HIST-{i:03d}", name=name, kind=kind, authority_id=district.id, valid_from=date(2020, 1, 1))
        session.add(unit)
        units.append(unit)
        i += 1
    session.flush()
    for unit in units:
        unit.search_key = fold(unit.name)
    return [(u.id, u.name) for u in units]


class History:
    """Writes the rows, year by year, each year's audit entries in time order."""

    def __init__(self, sink, rng, next_id, units, users, officer_of, members, council_id, district, movement_id,
                 rule_sets, last_hash, n_dossiers):  # fmt: skip
        self.sink, self.rng, self.next_id = sink, rng, next_id
        self.units, self.users, self.officer_of = units, users, officer_of
        self.members, self.council_id, self.district, self.movement_id = members, council_id, district, movement_id
        self.rule_sets, self.last_hash, self.n_dossiers = rule_sets, last_hash, n_dossiers
        self.audit_per_dossier = 24
        # Each unit's people: a pool large enough that nobody is nominated twice in one year.
        self.pool_size = n_dossiers * 5 // len(YEARS) // len(units) * 2 + 60
        self.pool: dict[int, list[int]] = {}
        self.nominee_kind: dict[int, str] = {}
        self.nominee_name: dict[int, str] = {}
        self.folded: dict[str, str] = {}
        self.office, self.chair = users["noivu"], users["chutich"]
        self.group_id, self.group_size = 0, 0
        self.name_mix = [(f, m, g) for f in FAMILY for m in MIDDLE for g in GIVEN]

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] += 1
        return value

    def fold(self, value: str) -> str:
        key = self.folded.get(value)
        if key is None:
            key = self.folded[value] = fold(value)
        return key

    def rule_set_on(self, day: date) -> int:
        chosen = self.rule_sets[0][1]
        for start, rule_set_id in self.rule_sets:
            if start <= day:
                chosen = rule_set_id
        return chosen

    def write(self) -> None:
        weights = [18 if y < 2025 else 10 for y in YEARS]
        total_weight = sum(weights)
        per_year = [self.n_dossiers * w // total_weight for w in weights]
        per_year[-1] += self.n_dossiers - sum(per_year)
        for year, count in zip(YEARS, per_year, strict=True):
            self.write_year(year, count)

    # --- one year -------------------------------------------------------------------------------------------
    def write_year(self, year: int, count: int) -> None:
        rng = self.rng
        pick_state = _weighted(rng, CURRENT_STATES if year == 2025 else PAST_STATES)
        pick_procedure = _weighted(rng, PROCEDURES)
        events: list[tuple] = []  # (moment, entity_type, entity_id, dossier_id, action, from, to, data, actor)
        used: dict[int, int] = Counter()  # unit -> people nominated so far this year
        awarded: list[tuple] = []  # (dossier_id, nomination_id, nominee_id, title_code, decided_on)
        council_nominations: list[tuple[int, int, date, bool]] = []  # (nomination, dossier, reviewed_on, passed)
        year_start = datetime(year, 1, 15, 8, tzinfo=UTC) if year < 2025 else datetime(2025, 1, 6, 8, tzinfo=UTC)
        span = (STORY_MOMENT.astimezone(UTC) - year_start) if year == 2025 else timedelta(days=330)
        for _ in range(count):
            unit_id, unit_name = self.units[rng.randrange(len(self.units))]
            state = pick_state()
            procedure = "regular" if state == "forwarded" else pick_procedure()
            created = year_start + timedelta(seconds=rng.random() * span.total_seconds() * 0.6)
            path = PATHS[state]
            if state == "withdrawn" and rng.random() < 0.5:
                path = [*PATHS["submitted"][:1], ("withdraw", "awaiting_head", "withdrawn")]
            if procedure != "regular" and "schedule" in [p[0] for p in path]:
                # Procedures that may skip the council go straight to the chairman.
                path = [p for p in path if p[0] != "close_review"]
                path = [("skip_council", "accepted", "awaiting_decision") if p[0] == "schedule" else p for p in path]
            # Moments of each step, a few working days apart, never past the story day.
            moments, moment = [], created
            limit = STORY_MOMENT.astimezone(UTC) if year == 2025 else created + span
            for _step in path:
                moment = min(moment + timedelta(days=rng.uniform(1, 12)), limit - timedelta(minutes=1))
                moments.append(moment)
            dossier_id = self.new_id("dossiers")
            officer = self.officer_of.get(unit_id, self.users["canbo.pleikan"])
            title = f"Đề nghị khen thưởng năm {year} – {unit_name}"
            submitted_at = next(
                (m for (t, *_), m in zip(path, moments, strict=True) if t == "approve_submission"), None
            )
            accepted = next((m for (t, *_), m in zip(path, moments, strict=True) if t == "accept"), None)
            accepted_on = accepted.date() if accepted else None
            due_on = (accepted_on + timedelta(days=28)) if accepted_on else None
            overdue = False
            if state in ("submitted", "accepted", "in_council", "awaiting_decision") and accepted_on:
                if rng.random() < 0.25:
                    due_on = min(due_on, STORY_DAY - timedelta(days=rng.randint(1, 60)))
                else:
                    due_on = max(due_on, STORY_DAY + timedelta(days=rng.randint(1, 25)))
                overdue = due_on < STORY_DAY
            paused = STORY_DAY - timedelta(days=3) if state == "returned" else None
            closed_at = moments[-1] if state in ("closed", "withdrawn", "rejected") else None
            self.sink.put("dossiers", DOSSIER_COLUMNS, (
                dossier_id, unit_id, self.district.id, self.movement_id if rng.random() < 0.1 else None, procedure,
                year, title, self.fold(title), state, len(path) + 1, officer,
                self.rule_set_on(created.date()) if submitted_at else None, submitted_at, accepted_on, due_on,
                paused, 12 if paused else None, overdue,
                rng.choice(("criteria_not_met", "incomplete_dossier")) if state == "rejected" else None,
                closed_at, created,
            ))  # fmt: skip
            events.append((created, "dossier", dossier_id, dossier_id, "create", None, "draft",
                           {"procedure": procedure, "title": title}, officer))  # fmt: skip
            for (trigger, frm, to), at in zip(path, moments, strict=True):
                actor = self.office if trigger in ("accept", "return_for_supplement", "reject", "schedule") else (
                    self.chair if trigger in ("decide", "close_review") else officer)  # fmt: skip
                events.append((at, "dossier", dossier_id, dossier_id, trigger, frm, to, {"comment": ""}, actor))
            # The dossier's own document, then the nominations with theirs.
            document_day = created + timedelta(hours=2)
            self.document(dossier_id, None, "to_trinh", document_day, officer, events)
            n_nominations = rng.randint(1, 9)
            decided_on = moments[-1].date() if state in ("decided", "closed") else None
            decision_id = None
            if decided_on is not None:
                if self.group_size == 0 or self.group_size >= 50:
                    self.group_id, self.group_size = self.new_id("decisions"), 0
                self.group_size += 1
                decision_id = self.group_id
            budget = self.audit_per_dossier - (2 + len(path) + 2 * n_nominations)
            for _k in range(n_nominations):
                nominee_id, kind = self.nominee(unit_id, year, used)
                title_code = rng.choice(TITLES["collective" if kind == "collective" else "person"])
                n_state = self.nomination_state(state, procedure)
                nomination_id = self.new_id("nominations")
                added = created + timedelta(minutes=5)
                events.append((added, "nomination", nomination_id, dossier_id, "nomination_added", None, None,
                               {"nominee": self.nominee_name[nominee_id], "revision": 1, "title_code": title_code},
                               officer))  # fmt: skip
                outcome_at = moments[-1] if moments else added
                if n_state != "proposed":
                    events.append((outcome_at, "nomination", nomination_id, dossier_id, OUTCOME_ACTION[n_state],
                                   None, n_state, {}, self.office))  # fmt: skip
                if budget > 0:
                    budget -= 1
                    self.document(dossier_id, nomination_id, "bao_cao_thanh_tich", added, officer, events)
                self.sink.put("nominations", NOMINATION_COLUMNS, (
                    nomination_id, dossier_id, nominee_id, title_code, year, "Hoàn thành xuất sắc nhiệm vụ năm.",
                    False, n_state, 2 if n_state != "proposed" else 1, 1, None,
                    decision_id if n_state == "awarded" else None, None, added,
                ))  # fmt: skip
                if n_state == "awarded":
                    awarded.append((dossier_id, nomination_id, nominee_id, title_code, decided_on, decision_id))
                reviewed = next((m for (t, *_), m in zip(path, moments, strict=True) if t == "close_review"), None)
                if procedure == "regular" and reviewed is not None:
                    council_nominations.append((nomination_id, dossier_id, reviewed, n_state not in (
                        "not_approved", "ineligible")))  # fmt: skip
                elif procedure == "regular" and state == "in_council":
                    council_nominations.append((nomination_id, dossier_id, None, True))
        self.group_size = 0  # a year's last decision is not shared with the next year's
        self.council(year, council_nominations, events)
        decisions = self.decisions(year, awarded, events)
        self.audit(sorted(events, key=lambda e: e[0]), decisions)

    def nominee(self, unit_id: int, year: int, used: Counter) -> tuple[int, str]:
        """The next person of the unit not yet nominated this year, made on first use, with the year's facts."""
        pool = self.pool.setdefault(unit_id, [])
        k = used[unit_id]
        used[unit_id] += 1
        index = (k + (year - YEARS[0]) * 7) % self.pool_size
        while len(pool) <= index:
            pool.append(self.make_nominee(unit_id))
        nominee_id = pool[index]
        kind = self.nominee_kind[nominee_id]
        self.sink.put("nominee_years", ("nominee_id", "year", "unit_id", "position", "annual_rating",
                                        "months_of_service", "discipline_status"),
                      (nominee_id, year, unit_id, "Chuyên viên", "excellent", 12, "none"))  # fmt: skip
        return nominee_id, kind

    def make_nominee(self, unit_id: int) -> int:
        rng = self.rng
        nominee_id = self.new_id("nominees")
        if rng.random() < 0.08:
            kind, name, born, gender, national = "collective", f"Tổ công tác số {nominee_id}", None, None, None
        else:
            family, middle, given = self.name_mix[rng.randrange(len(self.name_mix))]
            name = " ".join(p for p in (family, middle, given) if p)
            kind, born = "person", date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
            gender = "female" if "Thị" in middle else "male"
            national = f"062{nominee_id:09d}" if rng.random() < 0.6 else None
        self.nominee_kind[nominee_id] = kind
        self.nominee_name[nominee_id] = name
        self.sink.put("nominees", ("id", "kind", "full_name", "search_key", "date_of_birth", "national_id", "gender",
                                   "unit_id", "address", "created_at"),
                      (nominee_id, kind, name, self.fold(name), born, national, gender, unit_id, "",
                       datetime(2020, 1, 10, tzinfo=UTC)))  # fmt: skip
        return nominee_id

    def nomination_state(self, state: str, procedure: str) -> str:
        r = self.rng.random()
        if state in ("draft", "awaiting_head", "submitted", "returned", "rejected"):
            return "proposed"
        if state == "withdrawn":
            return "withdrawn" if r < 0.5 else "proposed"
        if state == "accepted":
            return "proposed" if r < 0.6 else ("eligible" if r < 0.95 else "ineligible")
        if state == "in_council":
            return "eligible" if r < 0.95 else "ineligible"
        if state == "awaiting_decision":
            return "approved" if r < 0.9 else "not_approved"
        if state == "forwarded":
            return "forwarded"
        return "awarded" if r < 0.9 else ("not_approved" if r < 0.96 else "ineligible")

    def document(self, dossier_id, nomination_id, kind, at, officer, events) -> None:
        document_id = self.new_id("documents")
        digest = hashlib.sha256(f"doc{document_id}".encode()).hexdigest()
        self.sink.put("documents", ("id", "dossier_id", "nomination_id", "kind", "revision", "content_hash",
                                    "original_name", "media_type", "size_bytes", "uploaded_by_id", "superseded",
                                    "removed", "created_at"),
                      (document_id, dossier_id, nomination_id, kind, 1, digest, f"{kind}.pdf", "application/pdf",
                       180_000 + document_id % 90_000, officer, False, False, at))  # fmt: skip
        events.append((at, "document", document_id, dossier_id, "document_uploaded", None, None,
                       {"kind": kind, "name": f"{kind}.pdf", "nomination_id": nomination_id, "revision": 1,
                        "sha256": digest}, officer))  # fmt: skip

    def council(self, year: int, nominations: list, events: list) -> None:
        """Sessions of SESSION_SIZE agenda items, each item with its published poll; attendance for every member."""
        held = sorted((n for n in nominations if n[2] is not None), key=lambda n: n[2])
        waiting = [n for n in nominations if n[2] is None]
        chunks = [held[i : i + SESSION_SIZE] for i in range(0, len(held), SESSION_SIZE)]
        chunks += [waiting[i : i + SESSION_SIZE] for i in range(0, len(waiting), SESSION_SIZE)]
        for number, chunk in enumerate(chunks, start=1):
            done = chunk[0][2] is not None
            day = max(n[2] for n in chunk) - timedelta(hours=2) if done else STORY_MOMENT + timedelta(days=7)
            session_id = self.new_id("council_sessions")
            self.sink.put("council_sessions", ("id", "council_id", "title", "scheduled_at", "location", "state",
                                               "version", "opened_at", "closed_at", "created_at"),
                          (session_id, self.council_id, f"Phiên họp xét khen thưởng đợt {number} năm {year}", day,
                           "Phòng họp số 1, UBND huyện Ngọc Hồi", "closed" if done else "scheduled",
                           3 if done else 1, day if done else None, day + timedelta(hours=3) if done else None,
                           day - timedelta(days=7)))  # fmt: skip
            events.append((day - timedelta(days=7), "council_session", session_id, None, "schedule_session", None,
                           "scheduled", {"title": f"đợt {number}"}, self.office))  # fmt: skip
            if done:
                for member in self.members:
                    self.sink.put("attendances", ("session_id", "user_id", "note", "status"),
                                  (session_id, member, "", "present"))  # fmt: skip
                events.append((day, "council_session", session_id, None, "open", "scheduled", "open",
                               {"members": len(self.members)}, self.office))  # fmt: skip
            for position, (nomination_id, _dossier, _reviewed, passed) in enumerate(chunk, start=1):
                item_id = self.new_id("agenda_items")
                self.sink.put("agenda_items", ("id", "session_id", "nomination_id", "position"),
                              (item_id, session_id, nomination_id, position))  # fmt: skip
                if not done:
                    continue
                entitled = len(self.members)
                yes = entitled - 1 if passed else entitled // 3
                self.sink.put("polls", ("id", "agenda_item_id", "state", "version", "secret", "entitled_count",
                                        "yes_count", "no_count", "abstain_count", "passed", "started_at",
                                        "finished_at", "mode", "base", "base_count", "pass_ratio", "invalid_count"),
                              (self.new_id("polls"), item_id, "published", 4, True, entitled, yes, entitled - yes, 0,
                               passed, day, day + timedelta(minutes=10), "electronic", "total", entitled,
                               "0.6666", 0))  # fmt: skip

    def decisions(self, year: int, awarded: list, events: list) -> dict[int, tuple[int, str]]:
        """The signed decisions (fifty decided dossiers each, ids given as the nominations were written); registry
        entries and decision items for the awarded."""
        groups: dict[int, list] = {}
        for row in awarded:
            groups.setdefault(row[5], []).append(row)
        decided: dict[int, tuple[int, str]] = {}
        for decision_id, rows in sorted(groups.items()):
            signed_on = max(row[4] for row in rows)
            self.numbers[signed_on.year] += 1
            number = self.numbers[signed_on.year]
            label = f"{number}/QĐ-UBND"
            summary = f"Về việc khen thưởng năm {year} (đợt {number})"
            signed_at = datetime.combine(signed_on, datetime.min.time(), UTC)
            self.sink.put("decisions", ("id", "authority_id", "summary", "body", "state", "version", "year", "number",
                                        "signed_on", "signer_id", "signer_capacity", "drafted_by_id", "created_at",
                                        "content", "search_key"),
                          (decision_id, self.district.id, summary, "", "published", 4, signed_on.year, number,
                           signed_on, self.chair, "chairman", self.office, signed_at - timedelta(days=3),
                           {"legal_bases": [], "recital": "", "executors": [], "recipients": []},
                           self.fold(f"{label} {summary}")))  # fmt: skip
            for position, (dossier_id, nomination_id, nominee_id, title_code, _day, _d) in enumerate(rows, start=1):
                decided[dossier_id] = (decision_id, label)
                self.sink.put("decision_items", ("id", "decision_id", "nomination_id", "position", "achievement",
                                                 "amount_vnd"),
                              (self.new_id("decision_items"), decision_id, nomination_id, position,
                               "Hoàn thành xuất sắc nhiệm vụ.", 1_170_000))  # fmt: skip
                self.sink.put("registry_entries", ("id", "nominee_id", "title_code", "year", "decision_number",
                                                   "decision_date", "deciding_authority", "authority_id",
                                                   "decision_id", "nomination_id", "money_vnd", "basis", "source",
                                                   "note", "created_at"),
                              (self.new_id("registry_entries"), nominee_id, title_code, year, label, signed_on,
                               self.district.name, self.district.id, decision_id, nomination_id, 1_170_000,
                               "regular", "system", "", signed_at))  # fmt: skip
            events.append((signed_at, "decision", decision_id, None, "sign", "awaiting_signature", "signed",
                           {"number": label}, self.chair))  # fmt: skip
        return decided

    def audit(self, events: list, decisions: dict) -> None:
        for at, entity_type, entity_id, dossier_id, action, frm, to, data, actor in events:
            entry_id = self.new_id("audit_entries")
            digest = hashlib.sha256(f"history:{entry_id}".encode()).hexdigest()
            if action in ("decide", "close", "award") and dossier_id in decisions:
                data = {"decision": decisions[dossier_id][1]}
            self.sink.put("audit_entries", ("id", "occurred_at", "actor_id", "entity_type", "entity_id", "dossier_id",
                                            "action", "from_state", "to_state", "data", "prev_hash", "hash"),
                          (entry_id, at, actor, entity_type, entity_id, dossier_id, action, frm, to, data,
                           self.last_hash, digest))  # fmt: skip
            self.last_hash = digest


OUTCOME_ACTION = {
    "eligible": "find_eligible", "ineligible": "find_ineligible", "approved": "approve", "not_approved": "not_approve",
    "awarded": "award", "forwarded": "forward", "withdrawn": "withdraw",
}  # fmt: skip
DOSSIER_COLUMNS = (
    "id", "unit_id", "authority_id", "movement_id", "procedure", "year", "title", "search_key", "state", "version",
    "created_by_id", "rule_set_id", "submitted_at", "accepted_on", "due_on", "clock_paused_on", "working_days_left",
    "overdue", "rejection_reason", "closed_at", "created_at",
)  # fmt: skip
NOMINATION_COLUMNS = (
    "id", "dossier_id", "nominee_id", "title_code", "year", "achievement", "relies_on_initiative", "state", "version",
    "revision", "outcome_reason", "decision_id", "findings", "created_at",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "history.db"), help="the SQLite file")
    args = parser.parse_args()
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        Path(args.out).unlink(missing_ok=True)
        url = f"sqlite:///{args.out}"
    print(json.dumps(build(url, args.dossiers)))


if __name__ == "__main__":
    main()
