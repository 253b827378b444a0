"""Inspections of a unit's part in a movement (kiểm tra, đôn đốc): council members record what they found and
what the unit must follow up, the unit answers. No state machine: "answered" is the presence of the answer,
and nothing else moves an inspection on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db
from models.movement import Movement
from models.org import Unit, User

inspection_inspectors = Table(
    "inspection_inspectors",
    db.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Inspection(Timestamped, db.Model):
    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text)
    # [{"item": "…", "due_on": "YYYY-MM-DD"}, …]: what the unit must do, and by when.
    follow_ups: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    movement: Mapped[Movement] = relationship()
    unit: Mapped[Unit] = relationship()
    inspectors: Mapped[list[User]] = relationship(secondary=inspection_inspectors, order_by=User.full_name)
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answered_iff_answer"),
    )
