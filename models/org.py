"""Organisation: authorities (UBND by level), units, and the people who log in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, one_of

AUTHORITY_LEVELS = ("province", "district", "commune")
UNIT_KINDS = ("department", "commune", "township", "school", "public_service", "enterprise", "mass_organisation")
LANGUAGES = ("vi", "en")


class Role:
    """The roles a user may hold; permissions in workflow/permissions.py are written in these."""

    UNIT_OFFICER = "unit_officer"
    UNIT_HEAD = "unit_head"
    OFFICE = "office"
    SECRETARY = "secretary"
    COUNCIL_MEMBER = "council_member"
    CHAIRMAN = "chairman"
    ADMIN = "admin"
    ALL = (UNIT_OFFICER, UNIT_HEAD, OFFICE, SECRETARY, COUNCIL_MEMBER, CHAIRMAN, ADMIN)


class Validity:
    """A row that exists for a period: valid_from inclusive, valid_to inclusive or open."""

    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Authority(Validity, db.Model):
    """An Ủy ban nhân dân at some level; its chairman decides awards within its competence."""

    __tablename__ = "authorities"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(16))
    place_name: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    # Who took over after valid_to (the 2025 reorganisation ended the district level): new dossiers go there.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))

    parent: Mapped[Authority | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Authority | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    units: Mapped[list[Unit]] = relationship(back_populates="authority")

    __table_args__ = (
        one_of("level", AUTHORITY_LEVELS),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
    )


class Unit(Validity, db.Model):
    """An agency, commune, school or enterprise under an authority; it proposes commendations."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(Text, default="")  # workflow/search/keys.py
    kind: Mapped[str] = mapped_column(String(24))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    parent_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    authority: Mapped[Authority] = relationship(back_populates="units")
    parent_unit: Mapped[Unit | None] = relationship(remote_side=[id])

    __table_args__ = (
        one_of("kind", UNIT_KINDS),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
    )


class User(Timestamped, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login session's identity (get_id): raising it at logout or a password change ends every
    # session of the user, including copies of the cookie taken earlier.
    session_version: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (one_of("language", LANGUAGES),)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def authority(self) -> Authority | None:
        return self.unit.authority if self.unit else None

    # Flask-Login protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(24), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (one_of("role", Role.ALL),)


class ApiToken(Timestamped, db.Model):
    """A personal bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One refused login, by the name tried and the client address: the throttle counts these, so it holds across
    restarts and across every worker process."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
