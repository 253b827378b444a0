"""The award registry (sổ theo dõi khen thưởng): every award ever decided, here or imported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, WorkflowState, db, one_of
from models.dossier import Dossier, Nominee
from models.org import Unit, User


class RegistryEntry(Timestamped, db.Model):
    __tablename__ = "registry_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    title_code: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    decision_number: Mapped[str] = mapped_column(String(40))
    decision_date: Mapped[date] = mapped_column(Date)
    deciding_authority: Mapped[str] = mapped_column(String(200))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), unique=True)
    money_vnd: Mapped[int | None] = mapped_column(BigInteger)
    golden_book_number: Mapped[str | None] = mapped_column(String(40))
    # Sudden or thematic awards never count toward a higher title (E12).
    basis: Mapped[str] = mapped_column(String(16), default="regular")
    source: Mapped[str] = mapped_column(String(16), default="system")
    note: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The numbered revocation decision that withdrew the award (workflow/decisions/revocation.py).
    revoked_by_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))

    nominee: Mapped[Nominee] = relationship()

    __table_args__ = (
        one_of("source", ("system", "import")),
        one_of("basis", ("regular", "sudden", "thematic")),
        # The registry list, newest award first.
        db.Index("ix_registry_entries_year_decision_date_id", "year", "decision_date", "id"),
    )


class IdentityMatchState(States):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    ALL = (PENDING, CONFIRMED, REJECTED)


class IdentityMatch(WorkflowState, Timestamped, db.Model):
    """A unit named a national ID that already belongs to someone outside its own people. The unit is not told:
    its nomination goes on a provisional identity without the ID, and the standing office decides here whether
    the two are one person (the provisional row is merged into the candidate) or not."""

    __tablename__ = "identity_matches"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    national_id: Mapped[str] = mapped_column(String(12))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default=IdentityMatchState.PENDING, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    dossier: Mapped[Dossier | None] = relationship()
    unit: Mapped[Unit] = relationship()
    nominee: Mapped[Nominee] = relationship(foreign_keys=[nominee_id])
    candidate: Mapped[Nominee] = relationship(foreign_keys=[candidate_id])
    requested_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        IdentityMatchState.check(),
        CheckConstraint("nominee_id <> candidate_id", name="two_identities"),
        CheckConstraint("(state = 'pending') = (resolved_at IS NULL)", name="resolved_iff_not_pending"),
    )
