"""The award registry (sổ theo dõi khen thưởng): every award ever decided, here or imported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, one_of
from models.dossier import Nominee


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

    nominee: Mapped[Nominee] = relationship()

    __table_args__ = (
        one_of("source", ("system", "import")),
        one_of("basis", ("regular", "sudden", "thematic")),
    )
