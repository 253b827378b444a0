"""Emulation movements (phong trào thi đua), unit registrations and yearly unit reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, WorkflowState, db
from models.catalogue import RuleSet
from models.org import Authority, Unit


class MovementState(States):
    DRAFT = "draft"
    LAUNCHED = "launched"
    CLOSED = "closed"
    ALL = (DRAFT, LAUNCHED, CLOSED)


class ReportState(States):
    DUE = "due"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    RETURNED = "returned"
    ALL = (DUE, SUBMITTED, REVIEWED, RETURNED)


class Movement(WorkflowState, Timestamped, db.Model):
    """A movement and its launch plan (kế hoạch phát động). The plan's sections are JSON lists, checked as a
    whole by workflow/movements/plans.py: the plan is written, read and versioned as one document, and no query
    reaches inside it, so child tables would only add joins. `contents` keeps a stable `key` per item, which
    registrations and reports use to key their targets."""

    __tablename__ = "movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The general goal (mục tiêu chung) of the plan.
    description: Mapped[str] = mapped_column(Text, default="")
    # Mục đích, yêu cầu: lists of sentences.
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    requirements: Mapped[list] = mapped_column(JSON, default=list)
    # Nội dung thi đua, in order: {"key", "title", "targets": [str, ...]}; the number is the position.
    contents: Mapped[list] = mapped_column(JSON, default=list)
    # Hình thức thi đua: list of sentences.
    forms: Mapped[list] = mapped_column(JSON, default=list)
    # Tổ chức thực hiện: {"who", "what", "when"} per task.
    organisation: Mapped[list] = mapped_column(JSON, default=list)
    # Khối, cụm thi đua: {"name", "unit_ids": [int, ...]}.
    clusters: Mapped[list] = mapped_column(JSON, default=list)
    pinned_rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_sets.id"))
    state: Mapped[str] = mapped_column(String(16), default=MovementState.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    launched_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    authority: Mapped[Authority] = relationship()
    pinned_rule_set: Mapped[RuleSet | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        MovementState.check(),
        CheckConstraint("period_end >= period_start", name="period_order"),
        UniqueConstraint("authority_id", "name"),
    )


class MovementRegistration(Timestamped, db.Model):
    """A unit's yearly registration (đăng ký thi đua): the collective title and the number of individuals per title
    it aims at, its own plan (a stored document) and its targets per content item of the movement."""

    __tablename__ = "movement_registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    commitments: Mapped[str] = mapped_column(Text, default="")
    collective_title: Mapped[str] = mapped_column(String(40), default="")
    # Title code → number of individuals aimed at.
    individual_targets: Mapped[dict] = mapped_column(JSON, default=dict)
    # Content item key → the unit's target for it.
    content_targets: Mapped[dict] = mapped_column(JSON, default=dict)
    plan_sha256: Mapped[str | None] = mapped_column(String(64))
    plan_name: Mapped[str] = mapped_column(String(255), default="")
    plan_media_type: Mapped[str] = mapped_column(String(100), default="")

    unit: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("movement_id", "unit_id", "year"),)


class UnitReport(WorkflowState, Timestamped, db.Model):
    """A unit's yearly report to the council; 'overdue' is computed from due_on, never stored."""

    __tablename__ = "unit_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default=ReportState.DUE, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")
    # Content item key → the figure or text reported for it.
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str] = mapped_column(String(255), default="")
    document_media_type: Mapped[str] = mapped_column(String(100), default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship()
    movement: Mapped[Movement] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (ReportState.check(), UniqueConstraint("movement_id", "unit_id", "year"))
