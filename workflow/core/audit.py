"""The keyed, hash-chained audit log: hash = HMAC-SHA256(key, prev_hash ‖ canonical JSON of the entry).

The key (AUDIT_HMAC_KEY) lives in the environment, never in the database: whoever can write the database but
not read the key cannot edit an entry and recompute the later hashes, nor append a forged one. Cutting the tail
off or emptying the table leaves a valid shorter chain; signed checkpoints outside the database
(workflow/audit_checkpoints.py) catch that. Appends are serialised (a transaction-scoped advisory lock on
PostgreSQL; SQLite has one writer at a time), so the chain never forks. `verify` checks the chain, the last
checkpoint and that every dossier and nomination is in the state its last audited transition left it in."""

from __future__ import annotations

import hashlib
import hmac
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, Text, and_, cast, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from models import AuditEntry, CouncilSession, Decision, Dossier, IdentityMatch, Nomination, User
from models.base import utcnow
from models.decision import DecisionState
from models.dossier import NominationState
from workflow.core import audit_checkpoints
from workflow.core.audit_checkpoints import Checkpoint

GENESIS = "0" * 64
# Any fixed number; it names the one lock every audit append takes on PostgreSQL (the engine's lean path takes it
# in its UPDATE, workflow/core/engine.py::_update_row).
CHAIN_LOCK_KEY = 7_302_611
# Built once: every transition pays for these (benchmarks/transition.py). A table-level INSERT, not the unit of
# work, because entries are never changed after this.
_TABLE = AuditEntry.__table__
_LAST = select(_TABLE.c.id, _TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_INSERT = _TABLE.insert().returning(_TABLE.c.id)
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
# The chain's head in one statement, so count and last entry come from the same snapshot.
_HEAD = (
    select(_TABLE.c.id, _TABLE.c.hash, select(func.count()).select_from(_TABLE).scalar_subquery().label("entries"))
    .order_by(_TABLE.c.id.desc())
    .limit(1)
)
# verify reads the columns as stored, past the types' result processing, so a corrupted value becomes a named
# problem instead of a traceback: data as its JSON text, occurred_at as SQLite's text (PostgreSQL's driver
# always hands back a datetime).
_RAW = select(
    _TABLE.c.id,
    type_coerce(_TABLE.c.occurred_at, String).label("occurred_at"),
    _TABLE.c.actor_id,
    _TABLE.c.entity_type,
    _TABLE.c.entity_id,
    _TABLE.c.dossier_id,
    _TABLE.c.action,
    _TABLE.c.from_state,
    _TABLE.c.to_state,
    cast(_TABLE.c.data, Text).label("data"),
    _TABLE.c.prev_hash,
    _TABLE.c.hash,
).order_by(_TABLE.c.id)


_settings: dict[str, Any] = {"key": b"", "checkpoint_file": None, "mac": None}


def configure(key: str, checkpoint_file: str | None) -> None:
    """Set by the app factory from AUDIT_HMAC_KEY and AUDIT_CHECKPOINT_FILE (never stored in the database)."""
    _settings["key"] = key.encode()
    _settings["checkpoint_file"] = checkpoint_file
    # Keyed once: each append copies it instead of deriving the inner and outer pads again.
    _settings["mac"] = hmac.new(_settings["key"], digestmod=hashlib.sha256)


def canonical(entry_fields: dict[str, Any]) -> bytes:
    return json.dumps(entry_fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _fields(
    *, occurred_at: datetime, actor_id, entity_type, entity_id, dossier_id, action, from_state, to_state, data
) -> dict[str, Any]:
    return {
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "dossier_id": dossier_id,
        "actor_id": actor_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "data": data,
    }


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    keyed = _settings["mac"]
    if keyed is None:
        raise RuntimeError("the audit key is not configured: call workflow.core.audit.configure first")
    mac = keyed.copy()
    mac.update(prev_hash.encode() + canonical(fields))
    return mac.hexdigest()


def append(
    session: Session,
    *,
    entity_type: str,
    entity_id: int,
    action: str,
    actor_id: int | None,
    dossier_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    data: dict[str, Any] | None = None,
    chain_locked: bool = False,
) -> AuditEntry:
    """Add one entry at the end of the chain, in the caller's transaction. `chain_locked`: the caller's
    transaction already holds the chain lock (the engine takes it with the row's UPDATE on PostgreSQL)."""
    [values] = append_many(
        session,
        [
            {
                "entity_type": entity_type,
                "entity_id": entity_id,
                "action": action,
                "actor_id": actor_id,
                "dossier_id": dossier_id,
                "from_state": from_state,
                "to_state": to_state,
                "data": data,
            }
        ],
        chain_locked=chain_locked,
    )
    return AuditEntry(**values)


def append_many(session: Session, entries: list[dict[str, Any]], chain_locked: bool = False) -> list[dict[str, Any]]:
    """Add entries at the end of the chain in the order given, in the caller's transaction, under one lock:
    each hash is chained in memory and the rows go in with one executemany. Each entry names entity_type,
    entity_id, action, actor_id and optionally dossier_id, from_state, to_state, data. Returns each stored
    row's column values, its id included; all share one moment. Core statements on the session's connection:
    the entries are never changed after this, so the unit of work has nothing to track."""
    connection = session.connection()
    if not chain_locked and connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"key": CHAIN_LOCK_KEY})
    head = connection.execute(_LAST).first()
    prev_hash, last_id = (head.hash, head.id) if head else (GENESIS, 0)
    now = utcnow()
    rows = []
    for entry in entries:
        fields = _fields(
            occurred_at=now,
            actor_id=entry["actor_id"],
            entity_type=entry["entity_type"],
            entity_id=entry["entity_id"],
            dossier_id=entry.get("dossier_id"),
            action=entry["action"],
            from_state=entry.get("from_state"),
            to_state=entry.get("to_state"),
            data=json.loads(canonical(entry.get("data") or {})),
        )
        values = {**fields, "occurred_at": now, "prev_hash": prev_hash, "hash": entry_hash(prev_hash, fields)}
        prev_hash = values["hash"]
        rows.append(values)
    if len(rows) == 1:
        rows[0]["id"] = connection.execute(_INSERT, rows[0]).scalar_one()
        return rows
    # A plain executemany inserts in order; under the chain lock the ids after the old head are these rows'.
    connection.execute(_TABLE.insert(), rows)
    ids = connection.scalars(select(_TABLE.c.id).where(_TABLE.c.id > last_id).order_by(_TABLE.c.id)).all()
    if len(ids) != len(rows):
        raise RuntimeError(f"audit append: {len(rows)} entries written, {len(ids)} found after #{last_id}")
    for entry_id, values in zip(ids, rows, strict=True):
        values["id"] = entry_id
    return rows


# --- checkpoints -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakenCheckpoint:
    checkpoint: Checkpoint
    file: str
    told: list[User]  # the standing office heads an e-mail was written for


def checkpoint(session: Session) -> TakenCheckpoint:
    """Append the signed head of the chain to the checkpoint file and write its e-mail to the standing office's
    heads, in the caller's transaction. The line is written before the caller commits: should the commit fail,
    the file holds a true checkpoint that nobody was told of, never an e-mail about a line that is not there."""
    path = _settings["checkpoint_file"]
    if not path:
        raise RuntimeError("AUDIT_CHECKPOINT_FILE is not configured")
    head = session.execute(_HEAD).one_or_none()
    now = utcnow()
    taken = Checkpoint(
        entries=head.entries if head else 0,
        last_id=head.id if head else None,
        last_hash=head.hash if head else GENESIS,
        taken_at=now.isoformat(timespec="seconds"),
    )
    signed = audit_checkpoints.signature(taken, _settings["key"])
    told = audit_checkpoints.notify_office_heads(session, taken, signed, now)
    audit_checkpoints.write(path, taken, _settings["key"])
    return TakenCheckpoint(taken, path, told)


# --- verification ------------------------------------------------------------------------------------------------

CHAIN = "chain"  # an entry whose link or keyed hash does not hold
UNREADABLE = "unreadable"  # an entry whose stored columns cannot be read back
CHECKPOINT = "checkpoint"  # the chain is shorter than, or differs from, the last checkpoint
CHECKPOINT_FILE = "checkpoint_file"  # a line of the checkpoint file that is unreadable or wrongly signed
STATE = "state"  # a dossier or nomination not in the state its last audited transition left it in
# Past this many problems of one kind (one edit re-chained with the wrong algorithm breaks every later entry),
# the rest are only counted.
MAX_PER_KIND = 20


@dataclass(frozen=True)
class Problem:
    """One thing `verify` found wrong, in the words an operator reads."""

    kind: str
    subject: str  # what is wrong: "mục #12", "hồ sơ #5", "tệp điểm kiểm tra, dòng 3"
    reason: str

    def __str__(self) -> str:
        return f"{self.subject} — {self.reason}"


@dataclass
class Verification:
    entries: int = 0
    checkpoint: Checkpoint | None = None
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0  # problems beyond MAX_PER_KIND of their kind, counted but not listed
    _per_kind: Counter[str] = field(default_factory=Counter, repr=False)

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        self._per_kind[problem.kind] += 1
        if self._per_kind[problem.kind] <= MAX_PER_KIND:
            self.problems.append(problem)
        else:
            self.omitted += 1


def verify(session: Session, batch: int = 50_000) -> Verification:
    """Everything that shows the log or the states were altered: the keyed chain entry by entry (streamed in
    batches of `batch`), the chain against the last validly signed checkpoint, the checkpoint file's own
    signatures, and each dossier's and nomination's state against its last audited transition."""
    latest, bad_lines = audit_checkpoints.read(_settings["checkpoint_file"], _settings["key"])
    result = Verification(checkpoint=latest)
    for number, reason in bad_lines:
        result.add(Problem(CHECKPOINT_FILE, f"tệp điểm kiểm tra, dòng {number}", reason))

    scan = _scan(session, batch, latest.last_id if latest else None)
    for problem in scan.found:
        result.add(problem)
    result.entries = scan.entries
    result.omitted += sum(scan.omitted.values())
    result._per_kind.update(scan.omitted)

    if latest is not None:
        for problem in _against_checkpoint(latest, result.entries, scan.watched_hash):
            result.add(problem)
    for problem in _state_problems(session, scan.last_states):
        result.add(problem)
    return result


def verify_chain(session: Session, batch: int = 50_000) -> Problem | None:
    """The first entry whose link or keyed hash does not hold, or that cannot be read; None if the chain holds."""
    connection = session.connection()
    return next(iter(_ChainScan(_pages(connection, batch, 0, _NO_END))), None)


# The canonical JSON of an entry (`canonical(_fields(...))`) written out directly: keys in sorted order, the
# values as json.dumps writes a str, an int or None. Any other type, or a mismatch, is judged the slow, exact way.
_BODY = (
    '{"action":%s,"actor_id":%s,"data":%s,"dossier_id":%s,"entity_id":%s,"entity_type":%s,"from_state":%s,'
    '"occurred_at":%s,"to_state":%s}'
)
# The stored columns in verify's order; occurred_at as SQLite's text, or on PostgreSQL as the ISO text
# `_fields` writes (UTC, microseconds); data as its JSON text.
_SCAN_COLUMNS = (
    "id, {at}, actor_id, entity_type, entity_id, dossier_id, action, from_state, to_state, {data}, prev_hash, hash"
)
_SCAN_SQL = {
    "sqlite": "SELECT " + _SCAN_COLUMNS.format(at="occurred_at", data="CAST(data AS TEXT)")
    + " FROM audit_entries WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
    "postgresql": "SELECT "
    + _SCAN_COLUMNS.format(
        at="""to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""", data="data::text"
    )
    + " FROM audit_entries WHERE id > %s AND id <= %s ORDER BY id LIMIT %s",
}


_BROKEN_LINK = "prev_hash không khớp mã băm của mục liền trước (mục bị xóa hoặc chèn)"


class _Raw(NamedTuple):
    id: int
    occurred_at: Any
    actor_id: Any
    entity_type: Any
    entity_id: Any
    dossier_id: Any
    action: Any
    from_state: Any
    to_state: Any
    data: Any
    prev_hash: Any
    hash: Any


class _ChainScan:
    """One pass over the log in id order, iterated for the problems it finds. Along the way it counts the
    entries, keeps the hash of the entry a checkpoint names, and the last audited state of each stateful row
    (for `_state_problems`). Each entry is first checked the fast way (its canonical JSON written out directly,
    one HMAC call); an entry that fails is judged again exactly as `append` hashed it, which names what is wrong."""

    def __init__(self, pages: Iterator[list[tuple]], watched_id: int | None = None, prev_hash: str | None = GENESIS):
        # prev_hash None: the first entry's link is judged by whoever knows the entry before it (`_Halves`).
        self.pages, self.watched_id, self.prev_hash = pages, watched_id, prev_hash
        self.first: tuple[int, str] | None = None  # the first entry's id and prev_hash
        self.last_hash: str | None = None
        self.entries = 0
        self.watched_hash: str | None = None
        self.last_states: dict[tuple[str, int], tuple[int, str]] = {}

    def __iter__(self) -> Iterator[Problem]:
        if _settings["mac"] is None:
            raise RuntimeError("the audit key is not configured: call workflow.core.audit.configure first")
        key, digest, encode = _settings["key"], hmac.digest, json.encoder.encode_basestring
        stateful = {entity_type for _, entity_type, _, _ in _STATEFUL}
        last_states, watched_id = self.last_states, self.watched_id
        canonical_data: dict[str, str] = {}  # stored JSON text → its canonical text (most entries repeat a few)
        prev_hash = self.prev_hash
        for rows in self.pages:
            if self.first is None and rows:
                self.first = (rows[0][0], rows[0][10])
                prev_hash = rows[0][10] if prev_hash is None else prev_hash
            for raw in rows:
                (entry_id, at, actor_id, entity_type, entity_id, dossier_id, action, from_state, to_state, data, prev,
                 stored) = raw  # fmt: skip
                if prev != prev_hash:
                    yield Problem(CHAIN, f"mục #{entry_id}", _BROKEN_LINK)
                body = None
                if (
                    type(at) is str
                    and type(action) is str
                    and type(entity_type) is str
                    and type(entity_id) is int
                    and (actor_id is None or type(actor_id) is int)
                    and (dossier_id is None or type(dossier_id) is int)
                    and (from_state is None or type(from_state) is str)
                    and (to_state is None or type(to_state) is str)
                    and type(data) is str
                    and type(prev) is str
                ):
                    if len(at) == 26 and at[10] == " ":  # SQLite's naive UTC text
                        at = at[:10] + "T" + at[11:] + "+00:00"
                    data_text = canonical_data.get(data)
                    if data_text is None:
                        try:
                            data_text = canonical(json.loads(data)).decode()
                        except ValueError:
                            data_text = None
                        else:
                            if len(canonical_data) < 100_000:
                                canonical_data[data] = data_text
                    if data_text is not None:
                        body = _BODY % (
                            encode(action),
                            "null" if actor_id is None else actor_id,
                            data_text,
                            "null" if dossier_id is None else dossier_id,
                            entity_id,
                            encode(entity_type),
                            "null" if from_state is None else encode(from_state),
                            encode(at),
                            "null" if to_state is None else encode(to_state),
                        )
                if body is None or digest(key, (prev + body).encode(), "sha256").hex() != stored:
                    problem = _exact_problem(_Raw(*raw))
                    if problem is not None:
                        yield problem
                if to_state is not None and entity_type in stateful:
                    last_states[entity_type, entity_id] = (entry_id, to_state)
                if entry_id == watched_id:
                    self.watched_hash = stored
                self.entries += 1
                prev_hash = stored
        self.last_hash = prev_hash


_NO_END = 2**62


def _pages(connection, batch: int, after: int, upto: int, dialect: str | None = None) -> Iterator[list[tuple]]:
    """The entries with after < id <= upto in keyset pages of `batch`, in id order, read through the driver (no
    result processing): memory stays flat on a log of millions of entries. `connection`: SQLAlchemy's, or a
    driver connection with its `dialect` named."""
    dialect = dialect or connection.dialect.name
    sql = _SCAN_SQL.get(dialect)
    if sql is None:  # another database: SQLAlchemy reads it
        while True:
            statement = _RAW.where(_TABLE.c.id > after, _TABLE.c.id <= upto).limit(batch)
            rows = [tuple(row) for row in connection.execute(statement)]
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    cursor = connection.connection.cursor() if hasattr(connection, "dialect") else connection.cursor()
    try:
        while True:
            cursor.execute(sql, (after, upto, batch))
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    finally:
        cursor.close()


# A log this long is checked in two halves side by side (two processes) on a machine with two cores or more.
PARALLEL_FROM = 200_000


@dataclass
class _ScanResult:
    """What a scan of the whole log (or of one half, in another process) hands back."""

    found: list[Problem]
    omitted: Counter[str]
    entries: int
    watched_hash: str | None
    last_states: dict[tuple[str, int], tuple[int, str]]
    first: tuple[int, str] | None
    last_hash: str | None


def _collect(scan: _ChainScan) -> _ScanResult:
    found, per_kind, omitted = [], Counter(), Counter()
    for problem in scan:
        per_kind[problem.kind] += 1
        if per_kind[problem.kind] <= MAX_PER_KIND:
            found.append(problem)
        else:
            omitted[problem.kind] += 1
    return _ScanResult(found, omitted, scan.entries, scan.watched_hash, scan.last_states, scan.first, scan.last_hash)


def _scan(session: Session, batch: int, watched_id: int | None) -> _ScanResult:
    """The whole chain, in two halves at once when the log is long and the database can be opened a second time
    (a file or a server): this process checks the first half on the session's connection while a forked one
    checks the second on its own; the link between the halves is checked here."""
    connection = session.connection()
    low, high = connection.execute(select(func.min(_TABLE.c.id), func.max(_TABLE.c.id))).one()
    reopen = _reopener(connection)
    if low is None or high - low < PARALLEL_FROM or reopen is None or (os.cpu_count() or 1) < 2:
        return _collect(_ChainScan(_pages(connection, batch, 0, _NO_END), watched_id))
    middle = (low + high) // 2
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        second = pool.submit(_scan_half, reopen, connection.dialect.name, batch, middle, watched_id)
        first = _collect(_ChainScan(_pages(connection, batch, 0, middle), watched_id))
        second = second.result()
    if second.first is not None and second.first[1] != first.last_hash:
        first.found.append(Problem(CHAIN, f"mục #{second.first[0]}", _BROKEN_LINK))
    for problem in second.found:
        kind_count = sum(1 for p in first.found if p.kind == problem.kind) + first.omitted[problem.kind]
        if kind_count < MAX_PER_KIND:
            first.found.append(problem)
        else:
            first.omitted[problem.kind] += 1
    first.omitted.update(second.omitted)
    first.entries += second.entries
    first.watched_hash = first.watched_hash or second.watched_hash
    first.last_states.update(second.last_states)
    return first


def _reopener(connection) -> tuple[str, str] | None:
    """How another process opens the same database: a SQLite file's path, or PostgreSQL's connection URL."""
    url = connection.engine.url
    if connection.dialect.name == "sqlite" and url.database and url.database != ":memory:":
        return ("sqlite", url.database)
    if connection.dialect.name == "postgresql":
        return ("postgresql", url.set(drivername="postgresql").render_as_string(hide_password=False))
    return None


def _scan_half(reopen: tuple[str, str], dialect: str, batch: int, after: int, watched_id: int | None) -> _ScanResult:
    """In the forked process: the entries after `after`, on a connection of its own."""
    kind, target = reopen
    if kind == "sqlite":
        import sqlite3

        driver = sqlite3.connect(target)
    else:
        import psycopg

        driver = psycopg.connect(target)
    try:
        return _collect(_ChainScan(_pages(driver, batch, after, _NO_END, dialect), watched_id, prev_hash=None))
    finally:
        driver.close()


def _exact_problem(row: _Raw) -> Problem | None:
    """An entry judged exactly as `append` hashed it: unreadable, altered, or (None) sound after all."""
    subject = f"mục #{row.id}"
    try:
        fields = _fields(
            occurred_at=_stored_time(row.occurred_at),
            actor_id=row.actor_id,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            dossier_id=row.dossier_id,
            action=row.action,
            from_state=row.from_state,
            to_state=row.to_state,
            data=_stored_json(row.data),
        )
    except _Unreadable as error:
        return Problem(UNREADABLE, subject, str(error))
    # The entry's own prev_hash: a broken link is reported apart, the content is judged on its own.
    if entry_hash(row.prev_hash, fields) != row.hash:
        return Problem(CHAIN, subject, "nội dung không khớp mã băm (HMAC): mục bị sửa hoặc giả mạo")
    return None


class _Unreadable(ValueError):
    pass


def _stored_time(raw: Any) -> datetime:
    """occurred_at as append hashed it: UTC, whatever the session's time zone or SQLite's naive text."""
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        raise _Unreadable(f"không đọc được thời điểm occurred_at: {raw!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _stored_json(raw: Any) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, ValueError) as error:
        raise _Unreadable(f"cột data không phải JSON hợp lệ ({error}): {str(raw)[:80]!r}") from None


def _against_checkpoint(latest: Checkpoint, entries: int, watched_hash: str | None) -> Iterator[Problem]:
    when = f"điểm kiểm tra lúc {latest.taken_at}"
    if entries < latest.entries:
        yield Problem(
            CHECKPOINT,
            "nhật ký",
            f"chỉ còn {entries} mục, ít hơn {latest.entries} mục ở {when}: các mục đã bị xóa hoặc bảng bị làm rỗng",
        )
    if latest.last_id is None:
        return
    if watched_hash is None:
        yield Problem(CHECKPOINT, f"mục #{latest.last_id}", f"không còn trong nhật ký, dù {when} đã ghi nhận")
    elif watched_hash != latest.last_hash:
        yield Problem(CHECKPOINT, f"mục #{latest.last_id}", f"mã băm khác với mã đã ghi ở {when}")


# (model, entity_type, how the operator calls it, the state before any transition; None: the row's creation
# is itself audited with a to_state, so a row without one was put in behind the application's back).
_STATEFUL = (
    (Dossier, "dossier", "hồ sơ", None),
    (Nomination, "nomination", "đề nghị khen thưởng", NominationState.PROPOSED),
    (IdentityMatch, "identity_match", "đối chiếu số định danh", None),
    (CouncilSession, "council_session", "phiên họp Hội đồng", None),
    (Decision, "decision", "quyết định", DecisionState.DRAFT),
)


def _state_problems(session: Session, last_states: dict[tuple[str, int], tuple[int, str]]) -> Iterator[Problem]:
    """Each stateful row against the last audited state the chain scan saw (`last_states`: (entity type, id) →
    (entry id, to_state)); the rows that seem to disagree are then judged by one exact statement per table, each row
    joined to the last audit entry of it that carries a to_state. One snapshot each, so a transition committing
    during the scan (state and entry in one transaction) is seen whole or not at all."""
    for model, entity_type, noun, initial in _STATEFUL:
        doubtful = []
        for row_id, state in session.execute(select(model.id, model.state)):
            audited = last_states.get((entity_type, row_id))
            if (audited is None and state != initial) or (audited is not None and audited[1] != state):
                doubtful.append(row_id)
        for start in range(0, len(doubtful), 500):
            yield from _exact_state_problems(session, model, entity_type, noun, initial, doubtful[start : start + 500])


def _exact_state_problems(session: Session, model, entity_type: str, noun: str, initial, ids: list[int]):
    last = (
        select(_TABLE.c.entity_id, func.max(_TABLE.c.id).label("entry_id"))
        .where(_TABLE.c.entity_type == entity_type, _TABLE.c.entity_id.in_(ids), _TABLE.c.to_state.is_not(None))
        .group_by(_TABLE.c.entity_id)
        .subquery()
    )
    unaudited = last.c.entry_id.is_(None)
    if initial is not None:
        unaudited = and_(unaudited, model.state != initial)
    statement = (
        select(model.id, model.state, last.c.entry_id, _TABLE.c.to_state)
        .outerjoin(last, last.c.entity_id == model.id)
        .outerjoin(_TABLE, _TABLE.c.id == last.c.entry_id)
        .where(model.id.in_(ids), or_(unaudited, _TABLE.c.to_state != model.state))
        .order_by(model.id)
    )
    for row_id, state, entry_id, audited in session.execute(statement):
        subject = f"{noun} #{row_id}"
        if entry_id is None and initial is None:
            reason = f"ở trạng thái '{state}' nhưng nhật ký không có mục nào ghi nhận trạng thái của nó"
        elif entry_id is None:
            reason = f"ở trạng thái '{state}' nhưng nhật ký chưa ghi chuyển trạng thái nào (phải là '{initial}')"
        else:
            reason = f"ở trạng thái '{state}', khác trạng thái '{audited}' ghi ở mục #{entry_id} của nhật ký"
        yield Problem(STATE, subject, reason)


def dossier_timeline(session: Session, dossier_id: int) -> list[AuditEntry]:
    """Everything that happened to a dossier and the nominations and documents in it, oldest first."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.dossier_id == dossier_id).order_by(AuditEntry.id)))
