"""Checkpoints of the audit chain's head, kept outside the database.

A keyed chain cannot be rewritten without the key, but its tail can still be cut off, or the whole table
emptied: what is left is a valid, shorter chain. A checkpoint (entry count, last id, last hash, UTC time) is
appended as one JSON line to AUDIT_CHECKPOINT_FILE, signed with the audit key so a line cannot be forged, and
e-mailed to the heads of the standing office, so a copy survives even someone who can edit that file.
`workflow.core.audit.verify` compares the chain with the last valid line."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models import User
from workflow.notify import audiences, messages
from workflow.notify.outbox import WRITTEN_FLAG, direct_email

TOPIC = "audit.checkpoint"
# Keeps a checkpoint's signature apart from an entry's hash made with the same key.
_DOMAIN = b"audit-checkpoint:"


@dataclass(frozen=True)
class Checkpoint:
    entries: int
    last_id: int | None  # None: the chain was empty
    last_hash: str
    taken_at: str  # UTC, ISO 8601


def signature(checkpoint: Checkpoint, key: bytes) -> str:
    body = json.dumps(asdict(checkpoint), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, _DOMAIN + body, hashlib.sha256).hexdigest()


def write(path: str, checkpoint: Checkpoint, key: bytes) -> str:
    """Append the signed line and force it to disk; returns the signature."""
    signed = signature(checkpoint, key)
    line = json.dumps({**asdict(checkpoint), "hmac": signed}, sort_keys=True, separators=(",", ":"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
    return signed


def read(path: str | None, key: bytes) -> tuple[Checkpoint | None, list[tuple[int, str]]]:
    """The last line whose signature holds, and (line number, Vietnamese reason) for every line that does not.
    No file yet (no checkpoint taken) is not a problem."""
    if not path or not Path(path).exists():
        return None, []
    latest, bad = None, []
    with open(path, encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                signed = record.pop("hmac")
                checkpoint = Checkpoint(**record)
            except (ValueError, TypeError, KeyError, AttributeError) as error:
                bad.append((number, f"không đọc được dòng này ({type(error).__name__}: {error})"))
                continue
            expected = signature(checkpoint, key).encode()
            if not isinstance(signed, str) or not hmac.compare_digest(signed.encode(), expected):
                bad.append((number, "chữ ký HMAC sai: dòng này không do hệ thống ghi hoặc đã bị sửa"))
                continue
            latest = checkpoint
    return latest, bad


def notify_office_heads(session: Session, checkpoint: Checkpoint, signed: str, now: datetime) -> list[User]:
    """One e-mail outbox row per head of a standing office who has an address, in the caller's transaction.
    Returns the users written to (the others cannot be reached by e-mail)."""
    heads = [user for user in audiences.standing_office_heads(session) if user.email]
    for user in heads:
        language = messages.language_of(user)
        text = messages.checkpoint_email_text(
            language,
            recipient_name=user.full_name,
            entries=checkpoint.entries,
            last_id=checkpoint.last_id,
            last_hash=checkpoint.last_hash,
            taken_at=datetime.fromisoformat(checkpoint.taken_at),
            signature=signed,
        )
        session.add(direct_email(TOPIC, user, language, text.title, text.body, f"{TOPIC}:{signed}:{user.id}", now))
    if heads:
        session.flush()
        session.info[WRITTEN_FLAG] = True
    return heads
