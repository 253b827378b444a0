"""Accounts: password hashing, authentication with a login throttle, and ending a user's sessions.

The throttle counts refused logins in the database (table login_failures), so it holds across restarts and across
every worker process: after MAX_FAILURES_PER_ACCOUNT refusals for one username, or MAX_FAILURES_PER_ADDRESS from
one address, within THROTTLE_WINDOW, further attempts are refused until the oldest counted failure leaves the
window. A refused attempt costs the same password-hash work as any other, known user or not."""

from __future__ import annotations

import functools
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, LoginFailure, Role, User, UserRole
from models.base import utcnow
from workflow.core.errors import DomainError
from workflow.core.messages import msg

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# Failures older than this are deleted as new ones arrive; only the window's count matters.
FAILURE_RETENTION = timedelta(days=1)
USERNAME_LENGTH = 64

_settings = {"method": "scrypt"}


class LoginThrottled(DomainError):
    """Too many refused logins lately; says how long to wait."""

    def __init__(self, retry_after: timedelta):
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        minutes = max(1, math.ceil(self.retry_after_seconds / 60))
        super().__init__(
            msg(
                "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa. "
                "Vui lòng thử lại sau %(minutes)s phút, hoặc liên hệ quản trị viên nếu quên mật khẩu.",
                minutes=minutes,
            )
        )


def configure_password_hashing(method: str) -> None:
    """Set once by the app factory."""
    _settings["method"] = method


@functools.cache
def _stand_in_hash(method: str) -> str:
    """Checked against when the username is unknown: the same method and cost as a real one, so an unknown name
    answers in the same time as a wrong password."""
    return generate_password_hash("not-a-password", method=method)


def set_password(user: User, raw: str) -> None:
    """A new password ends every session opened under the old one."""
    user.password_hash = generate_password_hash(raw, method=_settings["method"])
    user.session_version = (user.session_version or 0) + 1


def load_user(session: Session, user_id: int) -> User | None:
    """The signed-in user with their roles and unit in one query (every request does this; most permissions ask
    for the unit)."""
    user = session.get(User, user_id, options=[joinedload(User.role_rows), joinedload(User.unit)])
    return user if user is not None and user.active else None


def normalise_username(username: str) -> str:
    return username.strip().lower()[:USERNAME_LENGTH]


def _throttle_wait(session: Session, username: str, address: str, now: datetime) -> timedelta | None:
    """How long until this username and address may try again; None when they may now."""
    since = now - THROTTLE_WINDOW
    waits = []
    for column, value, limit in (
        (LoginFailure.username, username, MAX_FAILURES_PER_ACCOUNT),
        (LoginFailure.address, address, MAX_FAILURES_PER_ADDRESS),
    ):
        recent = select(LoginFailure.failed_at).where(column == value, LoginFailure.failed_at > since)
        count = session.scalar(select(func.count()).select_from(recent.subquery()))
        if count >= limit:
            # Allowed again once enough of the counted failures have left the window.
            oldest_counted = session.scalar(recent.order_by(LoginFailure.failed_at.desc()).offset(limit - 1).limit(1))
            waits.append(oldest_counted + THROTTLE_WINDOW - now)
    return max(waits) if waits else None


def _record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - FAILURE_RETENTION))
    session.add(LoginFailure(username=username, address=address[:64], failed_at=now))
    session.flush()


def authenticate(
    session: Session, username: str, password: str, *, address: str = "", now: datetime | None = None
) -> User | None:
    """The active user whose credentials match, else None (never says which part was wrong). A refusal is recorded
    for the throttle; the caller commits it even though the login failed. Raises LoginThrottled."""
    now = now or utcnow()
    name = normalise_username(username)
    wait = _throttle_wait(session, name, address, now)
    user = session.scalar(select(User).where(User.username == name)) if wait is None else None
    if user is None:
        check_password_hash(_stand_in_hash(_settings["method"]), password)
        if wait is not None:
            raise LoginThrottled(wait)
        _record_failure(session, name, address, now)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        _record_failure(session, name, address, now)
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    user.last_login_at = now
    return user


def end_sessions(session: Session, user: User, *, now: datetime | None = None) -> int:
    """Log the user out everywhere: every browser session (even a copy of the cookie taken earlier) stops working,
    and every live API token is revoked. Returns how many tokens were revoked."""
    user.session_version = (user.session_version or 0) + 1
    return revoke_all_tokens(session, user, now=now)


def revoke_all_tokens(session: Session, user: User, *, now: datetime | None = None) -> int:
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return result.rowcount


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: tuple[str, ...],
    unit_id: int | None = None,
    email: str | None = None,
    language: str = "vi",
) -> User:
    unknown = set(roles) - set(Role.ALL)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    user = User(username=username.lower(), full_name=full_name, unit_id=unit_id, email=email, language=language)
    set_password(user, password)
    user.role_rows = [UserRole(role=r) for r in roles]
    session.add(user)
    return user
