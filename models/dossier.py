"""Dossiers (hồ sơ đề nghị), their nominations, the nominees behind them, and uploaded documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, WorkflowState, db, one_of
from models.catalogue import PROCEDURES, SUBJECT_KINDS, RuleSet
from models.movement import Movement
from models.org import Authority, Unit, User

REASON_CATEGORIES = ("wrong_subject", "criteria_not_met", "incomplete_dossier", "law_violation")
ANNUAL_RATINGS = ("excellent", "good", "complete", "incomplete")
DISCIPLINE_STATUSES = ("none", "under_review", "reprimand", "warning", "dismissal")
INITIATIVE_SCOPES = ("unit", "district", "province", "national")
INITIATIVE_KINDS = ("initiative", "research")


class DossierState(States):
    DRAFT = "draft"
    AWAITING_HEAD = "awaiting_head"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    IN_COUNCIL = "in_council"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    FORWARDED = "forwarded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    ALL = (
        DRAFT,
        AWAITING_HEAD,
        SUBMITTED,
        RETURNED,
        ACCEPTED,
        IN_COUNCIL,
        AWAITING_DECISION,
        DECIDED,
        FORWARDED,
        CLOSED,
        WITHDRAWN,
        REJECTED,
    )
    # The groups every list, sweep and dashboard uses, defined once.
    FINAL = (CLOSED, WITHDRAWN, REJECTED)
    RUNNING = (DRAFT, AWAITING_HEAD, SUBMITTED, RETURNED, ACCEPTED, IN_COUNCIL, AWAITING_DECISION, DECIDED, FORWARDED)
    # The unit (its head, or the officer for a draft) may still take it back.
    WITHDRAWABLE = (DRAFT, AWAITING_HEAD, SUBMITTED, RETURNED, ACCEPTED)
    # With the deciding authority and its legal clock running (paused while returned; met once decided; the
    # higher authority's own once forwarded): only these can be overdue.
    CLOCK_RUNNING = (SUBMITTED, ACCEPTED, IN_COUNCIL, AWAITING_DECISION)


class NominationState(States):
    PROPOSED = "proposed"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    AWARDED = "awarded"
    FORWARDED = "forwarded"
    AWARDED_BY_HIGHER = "awarded_by_higher"
    DECLINED_BY_HIGHER = "declined_by_higher"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    ALL = (
        PROPOSED,
        ELIGIBLE,
        INELIGIBLE,
        APPROVED,
        NOT_APPROVED,
        AWARDED,
        FORWARDED,
        AWARDED_BY_HIGHER,
        DECLINED_BY_HIGHER,
        WITHDRAWN,
        REVOKED,
    )
    # An outcome nothing in this authority changes any more (revocation aside).
    FINAL = (
        INELIGIBLE,
        NOT_APPROVED,
        AWARDED,
        AWARDED_BY_HIGHER,
        DECLINED_BY_HIGHER,
        WITHDRAWN,
        REVOKED,
    )


class Dossier(WorkflowState, Timestamped, db.Model):
    """One unit's proposal under one procedure; the state is the process, nominations carry outcomes."""

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(24))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(Text, default="")  # workflow/search/keys.py
    state: Mapped[str] = mapped_column(String(24), default=DossierState.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_sets.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The legal clock stops while the dossier is back with the unit; the days left are kept here.
    clock_paused_on: Mapped[date | None] = mapped_column(Date)
    working_days_left: Mapped[int | None] = mapped_column(Integer)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str | None] = mapped_column(String(24))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    authority: Mapped[Authority] = relationship()
    movement: Mapped[Movement | None] = relationship()
    created_by: Mapped[User] = relationship()
    rule_set: Mapped[RuleSet | None] = relationship()
    nominations: Mapped[list[Nomination]] = relationship(back_populates="dossier", order_by="Nomination.id")
    documents: Mapped[list[Document]] = relationship(back_populates="dossier", order_by="Document.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        DossierState.check(),
        one_of("procedure", PROCEDURES),
        CheckConstraint(
            f"rejection_reason IS NULL OR rejection_reason IN ({', '.join(repr(r) for r in REASON_CATEGORIES)})",
            name="rejection_reason_known",
        ),
        CheckConstraint("(state = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_iff_reason"),
        CheckConstraint("year BETWEEN 1945 AND 2200", name="year_range"),
        # The lists' WHERE and ORDER BY together, at a province's scale (benchmarks/pages.py).
        db.Index("ix_dossiers_authority_id_state_due_on", "authority_id", "state", "due_on"),
        db.Index("ix_dossiers_authority_id_year_id", "authority_id", "year", "id"),
        db.Index("ix_dossiers_unit_id_id", "unit_id", "id"),
    )

    @property
    def code(self) -> str:
        """The reference people quote on the phone: year and number, e.g. HS-2024-00042."""
        return f"HS-{self.year}-{self.id:05d}"


class Nominee(Timestamped, db.Model):
    """A person, collective or household whose identity stays the same across years and dossiers."""

    __tablename__ = "nominees"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    search_key: Mapped[str] = mapped_column(Text, default="")  # workflow/search/keys.py
    # Indexed: appraisal looks for name twins born the same day (E-rules' duplicate check).
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    gender: Mapped[str | None] = mapped_column(String(8))
    # The unit a collective is, or the unit a person belongs to now.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    # Indexed: every history and appraisal follows the merges (workflow/registry/identity.py::merged_ids).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("nominees.id"), index=True)

    unit: Mapped[Unit | None] = relationship()
    years: Mapped[list[NomineeYear]] = relationship(back_populates="nominee", order_by="NomineeYear.year")

    __table_args__ = (
        one_of("kind", SUBJECT_KINDS),
        one_of("gender", ("male", "female"), name="gender_known"),
        CheckConstraint("kind = 'person' OR date_of_birth IS NULL", name="only_persons_have_birthdays"),
    )


class NomineeYear(db.Model):
    """What a nominee did in one year: the facts the eligibility rules read."""

    __tablename__ = "nominee_years"
    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    position: Mapped[str] = mapped_column(String(200), default="")
    annual_rating: Mapped[str | None] = mapped_column(String(16))
    months_of_service: Mapped[int | None] = mapped_column(Integer)
    discipline_status: Mapped[str] = mapped_column(String(16), default="none")
    # Collectives: member counts the collective titles' percentages are computed from.
    member_count: Mapped[int | None] = mapped_column(Integer)
    members_ldtt: Mapped[int | None] = mapped_column(Integer)
    members_cstdcs: Mapped[int | None] = mapped_column(Integer)
    members_completed: Mapped[int | None] = mapped_column(Integer)
    # Members disciplined in the year; the most severe level among them is the collective's discipline_status.
    members_disciplined: Mapped[int | None] = mapped_column(Integer)

    nominee: Mapped[Nominee] = relationship(back_populates="years")

    __table_args__ = (
        UniqueConstraint("nominee_id", "year"),
        # Registry scope: the people with a recorded year in the actor's units.
        db.Index("ix_nominee_years_unit_id_nominee_id", "unit_id", "nominee_id"),
        one_of("discipline_status", DISCIPLINE_STATUSES),
        CheckConstraint(
            f"annual_rating IS NULL OR annual_rating IN ({', '.join(repr(r) for r in ANNUAL_RATINGS)})",
            name="annual_rating_known",
        ),
        CheckConstraint("months_of_service IS NULL OR months_of_service BETWEEN 0 AND 12", name="months_range"),
        CheckConstraint(
            "member_count IS NULL OR (member_count >= 0 AND coalesce(members_ldtt, 0) <= member_count "
            "AND coalesce(members_cstdcs, 0) <= member_count AND coalesce(members_completed, 0) <= member_count "
            "AND coalesce(members_disciplined, 0) <= member_count)",
            name="member_counts_within_total",
        ),
    )


class InitiativeState(States):
    PROPOSED = "proposed"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"
    ALL = (PROPOSED, RECOGNISED, NOT_RECOGNISED)


class Initiative(WorkflowState, Timestamped, db.Model):
    """An initiative (sáng kiến) or research work in an authority's register: proposed by a unit, then recognised
    (with the decision and the scope of its effect) or refused; only a recognised one counts for E4, E6 and E7."""

    __tablename__ = "initiatives"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    # The proposing unit; rows carried over from before the register may have none.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(Text, default="")  # workflow/search/keys.py
    field: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16), default="initiative")
    state: Mapped[str] = mapped_column(String(16), default=InitiativeState.PROPOSED, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # The recognition: known once recognised.
    scope: Mapped[str | None] = mapped_column(String(16))
    recognised_by: Mapped[str] = mapped_column(String(200), default="")
    decision_number: Mapped[str] = mapped_column(String(40), default="")
    recognised_on: Mapped[date | None] = mapped_column(Date)

    authority: Mapped[Authority] = relationship()
    unit: Mapped[Unit | None] = relationship()
    authors: Mapped[list[InitiativeAuthor]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="InitiativeAuthor.nominee_id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        InitiativeState.check(),
        one_of("scope", INITIATIVE_SCOPES),
        one_of("kind", INITIATIVE_KINDS),
        CheckConstraint("year BETWEEN 1945 AND 2200", name="year_range"),
        # The services ask for the whole decision; rows carried over from before the register know only the scope.
        CheckConstraint("state <> 'recognised' OR scope IS NOT NULL", name="recognised_has_scope"),
    )


class InitiativeAuthor(db.Model):
    """One author of an initiative: a nominee identity and their share of the work, in percent."""

    __tablename__ = "initiative_authors"
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), primary_key=True, index=True)
    share: Mapped[int] = mapped_column(Integer)

    initiative: Mapped[Initiative] = relationship(back_populates="authors")
    nominee: Mapped[Nominee] = relationship()

    __table_args__ = (CheckConstraint("share BETWEEN 1 AND 100", name="share_percent"),)


# The initiatives a nomination relies on (E4, E6, E7), chosen by its unit among its nominee's own.
nomination_initiatives = Table(
    "nomination_initiatives",
    db.metadata,
    Column("nomination_id", ForeignKey("nominations.id"), primary_key=True),
    Column("initiative_id", ForeignKey("initiatives.id"), primary_key=True, index=True),
)


class Nomination(WorkflowState, Timestamped, db.Model):
    """One nominee × one title inside a dossier; its state is the outcome."""

    __tablename__ = "nominations"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), index=True)
    title_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    achievement: Mapped[str] = mapped_column(Text, default="")
    relies_on_initiative: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(24), default=NominationState.PROPOSED, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Each edit after submission makes a new revision; earlier ones stay in nomination_revisions.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    outcome_reason: Mapped[str | None] = mapped_column(String(24))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    # The last appraisal (workflow/eligibility): rule set, route and findings with their legal sources.
    findings: Mapped[dict | None] = mapped_column(JSON)

    dossier: Mapped[Dossier] = relationship(back_populates="nominations")
    nominee: Mapped[Nominee] = relationship()
    # What the unit stated about the nominee in the nomination's year; written through NomineeYear, read here.
    year_facts: Mapped[NomineeYear | None] = relationship(
        primaryjoin=lambda: and_(
            Nomination.nominee_id == foreign(NomineeYear.nominee_id), Nomination.year == foreign(NomineeYear.year)
        ),
        viewonly=True,
        uselist=False,
    )
    initiatives: Mapped[list[Initiative]] = relationship(secondary=nomination_initiatives, order_by=Initiative.id)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        NominationState.check(),
        CheckConstraint(
            f"outcome_reason IS NULL OR outcome_reason IN ({', '.join(repr(r) for r in REASON_CATEGORIES)})",
            name="outcome_reason_known",
        ),
        CheckConstraint("(state = 'awarded') <= (decision_id IS NOT NULL)", name="awarded_has_decision"),
    )


class NominationRevision(Timestamped, db.Model):
    """A frozen copy of a nomination as it stood before an edit: nothing submitted is overwritten."""

    __tablename__ = "nomination_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    replaced_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("nomination_id", "revision"),)


class Document(Timestamped, db.Model):
    """An uploaded file, stored under UPLOAD_DIR by content hash; the user's file name is display only."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A newer revision of the same document supersedes this one; both are kept.
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Taken out of the dossier by its unit (wrongly attached, or moved to another kind or nominee); kept on record.
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def current(self) -> bool:
        """Counted in the dossier: neither replaced by a newer revision nor taken out."""
        return not self.superseded and not self.removed

    dossier: Mapped[Dossier] = relationship(back_populates="documents")
    nomination: Mapped[Nomination | None] = relationship()

    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )
