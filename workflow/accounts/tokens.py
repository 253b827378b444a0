"""Personal API bearer tokens. Only the SHA-256 of a token is stored: a copy of the table opens no account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken, User
from models.base import utcnow

LIFETIME = timedelta(days=30)
# A user holds at most this many live tokens; issuing another revokes the oldest.
MAX_LIVE_TOKENS = 5


@dataclass(frozen=True)
class IssuedToken:
    """The raw token is handed out once, here; nothing else ever sees it again."""

    token: str
    row: ApiToken

    @property
    def expires_at(self) -> datetime:
        return self.row.expires_at


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, *, now: datetime | None = None) -> IssuedToken:
    """A new token for an authenticated user, valid for LIFETIME; the oldest live ones beyond MAX_LIVE_TOKENS are
    revoked, so a leaked password cannot mint an unbounded number of keys."""
    now = now or utcnow()
    for old in live_tokens(session, user, now=now)[MAX_LIVE_TOKENS - 1 :]:
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=token_hash(token), expires_at=now + LIFETIME)
    session.add(row)
    session.flush()
    return IssuedToken(token, row)


def live_tokens(session: Session, user: User, *, now: datetime | None = None) -> list[ApiToken]:
    """The user's tokens that still open the API, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > (now or utcnow()))
            .order_by(ApiToken.id.desc())
        )
    )


def verify_token(session: Session, token: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token row for a presented token; None when unknown, revoked, expired or its user is disabled."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row if row.user.active else None


def revoke_token(row: ApiToken, *, now: datetime | None = None) -> None:
    row.revoked_at = now or utcnow()
