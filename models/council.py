"""The Emulation–Commendation Council: membership, sessions, agenda, attendance, polls.

A secret poll stores no ballot rows: a vote marks the member's participation (that they voted, never how) and adds
one to the poll's counters in the same transaction, so no row, column, timestamp or row order links a member to a
choice. An open poll records the choice on the participation, by name."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, WorkflowState, db, one_of
from models.org import Authority, Unit, User

COUNCIL_ROLES = ("chair", "vice_chair", "standing_member", "member", "secretary")
# The secretary keeps the minutes and does not vote; every other role does.
VOTING_ROLES = ("chair", "vice_chair", "standing_member", "member")
BALLOT_CHOICES = ("yes", "no", "abstain")
ATTENDANCE_STATUSES = ("present", "absent", "written")
APPROVAL_BASES = ("total", "present")
POLL_MODES = ("electronic", "paper")


class SessionState(States):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    ALL = (SCHEDULED, OPEN, CLOSED)


class PollState(States):
    CREATED = "created"
    STARTED = "started"
    FINISHED = "finished"
    PUBLISHED = "published"
    ALL = (CREATED, STARTED, FINISHED, PUBLISHED)


class Council(db.Model):
    """An authority's council for a term; each rule set here, when set, overrides the rule set's default."""

    __tablename__ = "councils"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    standing_office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(200))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    quorum_ratio: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    pass_ratio: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    secret_ballot: Mapped[bool | None] = mapped_column(Boolean)
    approval_base: Mapped[str | None] = mapped_column(String(8))
    absent_may_vote_in_writing: Mapped[bool | None] = mapped_column(Boolean)
    recuse_own_unit: Mapped[bool | None] = mapped_column(Boolean)

    authority: Mapped[Authority] = relationship()
    standing_office: Mapped[Unit] = relationship()
    memberships: Mapped[list[CouncilMembership]] = relationship(back_populates="council")

    __table_args__ = (
        CheckConstraint("quorum_ratio IS NULL OR (quorum_ratio > 0 AND quorum_ratio <= 1)", name="quorum_ratio"),
        CheckConstraint("pass_ratio IS NULL OR (pass_ratio > 0 AND pass_ratio <= 1)", name="pass_ratio"),
        CheckConstraint(
            f"approval_base IS NULL OR approval_base IN ({', '.join(repr(b) for b in APPROVAL_BASES)})",
            name="approval_base_known",
        ),
    )


class CouncilMembership(db.Model):
    __tablename__ = "council_memberships"
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role_in_council: Mapped[str] = mapped_column(String(24))
    position_title: Mapped[str] = mapped_column(String(200), default="")
    term_from: Mapped[date] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)

    council: Mapped[Council] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    __table_args__ = (
        one_of("role_in_council", COUNCIL_ROLES),
        UniqueConstraint("council_id", "user_id", "term_from"),
    )


class CouncilSession(WorkflowState, Timestamped, db.Model):
    __tablename__ = "council_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default=SessionState.SCHEDULED, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(back_populates="session", order_by="AgendaItem.position")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (SessionState.check(),)


class Attendance(db.Model):
    """Each member's attendance: present, absent, or absent with a written opinion; the quorum counts the present."""

    __tablename__ = "attendances"
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (one_of("status", ATTENDANCE_STATUSES),)


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    session: Mapped[CouncilSession] = relationship(back_populates="agenda_items")
    poll: Mapped[Poll | None] = relationship(back_populates="agenda_item")

    __table_args__ = (
        UniqueConstraint("session_id", "nomination_id"),
        UniqueConstraint("session_id", "position"),
    )


class Poll(WorkflowState, db.Model):
    """The vote on one agenda item. When it starts, the entitled members (participations), the approval base and
    the threshold are frozen; the counters then only grow, by one vote or by the counting committee's totals."""

    __tablename__ = "polls"
    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=PollState.CREATED, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    secret: Mapped[bool] = mapped_column(Boolean, default=True)
    mode: Mapped[str] = mapped_column(String(10), default="electronic")
    entitled_count: Mapped[int | None] = mapped_column(Integer)
    base: Mapped[str | None] = mapped_column(String(8))
    base_count: Mapped[int | None] = mapped_column(Integer)
    pass_ratio: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    yes_count: Mapped[int | None] = mapped_column(Integer)
    no_count: Mapped[int | None] = mapped_column(Integer)
    abstain_count: Mapped[int | None] = mapped_column(Integer)
    invalid_count: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="poll")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        PollState.check(),
        CheckConstraint("(state = 'created') = (entitled_count IS NULL)", name="entitled_frozen_at_start"),
        one_of("mode", POLL_MODES),
        CheckConstraint(
            f"base IS NULL OR base IN ({', '.join(repr(b) for b in APPROVAL_BASES)})", name="base_known"
        ),
        CheckConstraint(
            "coalesce(yes_count, 0) + coalesce(no_count, 0) + coalesce(abstain_count, 0) + coalesce(invalid_count, 0)"
            " <= coalesce(entitled_count, 0)",
            name="votes_within_entitled",
        ),
    )


class PollParticipation(db.Model):
    """A member's place in a poll, frozen when it starts: entitled or recused (with the reason), and whether they
    voted. A secret poll never stores the choice here; an open poll does, by name. The primary key and `voted`
    allow one vote per member."""

    __tablename__ = "poll_participations"
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    recused: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    choice: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (
        CheckConstraint("NOT (recused AND voted)", name="recused_cannot_vote"),
        CheckConstraint(
            f"choice IS NULL OR (voted AND choice IN ({', '.join(repr(c) for c in BALLOT_CHOICES)}))",
            name="choice_only_when_voted",
        ),
    )
