"""The hash-chained audit log: hash = sha256(prev_hash ‖ canonical JSON of the entry).

Appends are serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite has one writer at a time),
so the chain never forks; `verify_chain` recomputes it and names the first broken entry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import AuditEntry
from models.base import utcnow

GENESIS = "0" * 64
# Any fixed number; it names the one lock every audit append takes on PostgreSQL.
_CHAIN_LOCK_KEY = 7_302_611
# Built once: every transition pays for these (benchmarks/transition.py). A table-level INSERT, not the unit of
# work, because entries are never changed after this.
_LAST_HASH = select(AuditEntry.__table__.c.hash).order_by(AuditEntry.__table__.c.id.desc()).limit(1)
_INSERT = AuditEntry.__table__.insert().returning(AuditEntry.__table__.c.id)
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


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
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()


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
) -> AuditEntry:
    """Add one entry at the end of the chain, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"key": _CHAIN_LOCK_KEY})
    prev_hash = session.execute(_LAST_HASH).scalar() or GENESIS
    fields = _fields(
        occurred_at=utcnow(),
        actor_id=actor_id,
        entity_type=entity_type,
        entity_id=entity_id,
        dossier_id=dossier_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        data=json.loads(canonical(data or {})),
    )
    values = {
        "occurred_at": datetime.fromisoformat(fields["occurred_at"]),
        "actor_id": actor_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "dossier_id": dossier_id,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "data": fields["data"],
        "prev_hash": prev_hash,
        "hash": entry_hash(prev_hash, fields),
    }
    entry_id = session.execute(_INSERT, values).scalar_one()
    return AuditEntry(id=entry_id, **values)


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify_chain(session: Session, batch: int = 1000) -> ChainBreak | None:
    """Recompute every hash in id order; return the first entry that does not match, or None."""
    prev_hash = GENESIS
    for entry in _in_batches(session, batch):
        if entry.prev_hash != prev_hash:
            return ChainBreak(entry.id, "prev_hash does not match the previous entry's hash")
        fields = _fields(
            occurred_at=entry.occurred_at,
            actor_id=entry.actor_id,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            dossier_id=entry.dossier_id,
            action=entry.action,
            from_state=entry.from_state,
            to_state=entry.to_state,
            data=entry.data,
        )
        if entry_hash(prev_hash, fields) != entry.hash:
            return ChainBreak(entry.id, "content does not match its hash")
        prev_hash = entry.hash
    return None


def _in_batches(session: Session, batch: int) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(
            session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch))
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        for row in rows:
            session.expunge(row)


def dossier_timeline(session: Session, dossier_id: int) -> list[AuditEntry]:
    """Everything that happened to a dossier and the nominations and documents in it, oldest first."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.dossier_id == dossier_id).order_by(AuditEntry.id)))
