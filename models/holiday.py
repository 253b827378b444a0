"""The working-day calendar's exceptions (docs/DOMAIN.md §8)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, one_of


class Holiday(db.Model):
    """One calendar day that differs from the Mon–Fri rule: a day off, or a swapped working Saturday."""

    __tablename__ = "holidays"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        one_of("kind", ("day_off", "working_day")),
        one_of("source", ("package", "admin")),
    )
