"""Background jobs: long actions (imports, generated files) run outside the request that asked for them.

A job's state is operational, like an outbox message's: it records how far the computer got, not a legal step, so
it is a plain checked column that only workflow/jobs/runner.py changes (claim, finish, fail), never a workflow
definition fired through the engine. What a job does in law (an import's rows) goes through the services and their
audit entries as it would from a form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, db
from models.org import User


class JobState(States):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ALL = (QUEUED, RUNNING, DONE, FAILED)
    FINISHED = (DONE, FAILED)


class Job(Timestamped, db.Model):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(8), default=JobState.QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # What the owner reads when it ends: its outcome, or why it failed (workflow/jobs/store.py keeps each message's
    # catalogue id and values, so the page shows it in the reader's language).
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # A refused import's rows: row, column, header and reason of each bad cell.
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship()

    __table_args__ = (
        JobState.check(),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_not_negative"),
        CheckConstraint("(state IN ('done', 'failed')) = (finished_at IS NOT NULL)", name="finished_iff_finished_at"),
    )

    @property
    def percent(self) -> int:
        """How far it got, 0–100; a finished job is at 100 whatever its count said."""
        if self.state == JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
