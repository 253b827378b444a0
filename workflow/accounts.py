"""Accounts: password hashing and authentication. The hashing method is set once by the app factory."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from models import Role, User, UserRole

_settings = {"method": "scrypt"}
# Compared against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-password", method="pbkdf2:sha256:1000")


def configure_password_hashing(method: str) -> None:
    _settings["method"] = method


def set_password(user: User, raw: str) -> None:
    user.password_hash = generate_password_hash(raw, method=_settings["method"])


def load_user(session: Session, user_id: int) -> User | None:
    """The signed-in user with their roles in one query (every request does this)."""
    user = session.get(User, user_id, options=[joinedload(User.role_rows)])
    return user if user is not None and user.active else None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user whose credentials match, else None (never says which part was wrong)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = datetime.now(UTC)
    return user


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
