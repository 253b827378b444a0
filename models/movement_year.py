"""The yearly calendar of a movement: by when units register and by when they report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Timestamped, db


class MovementYear(Timestamped, db.Model):
    """One year of a movement: the registration deadline and the yearly report's due date."""

    __tablename__ = "movement_years"
    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    registration_due: Mapped[date | None] = mapped_column(Date)
    report_due: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("movement_id", "year"),)
