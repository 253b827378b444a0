"""Decisions (Quyết định) and the yearly number registers they draw their numbers from."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import States, Timestamped, UTCDateTime, WorkflowState, db, one_of
from models.org import Authority, User

if TYPE_CHECKING:
    from models.dossier import Nomination

DOCUMENT_TYPES = ("QĐ", "TTr", "BB", "BC", "KH")
# The golden book (sổ vàng) is not a document type but is counted in the same table: one row per authority, under
# GOLDEN_BOOK_YEAR, because the book runs on across years (workflow/decisions/numbering.py).
GOLDEN_BOOK = "SV"
GOLDEN_BOOK_YEAR = 0
REGISTER_TYPES = (*DOCUMENT_TYPES, GOLDEN_BOOK)


class DecisionState(States):
    DRAFT = "draft"
    AWAITING_SIGNATURE = "awaiting_signature"
    SIGNED = "signed"
    PUBLISHED = "published"
    REVOKED = "revoked"
    ALL = (DRAFT, AWAITING_SIGNATURE, SIGNED, PUBLISHED, REVOKED)


class NumberRegister(db.Model):
    """The issuing body's register for one document type and calendar year (Decree 30/2020), or its golden book
    (doc_type GOLDEN_BOOK, year GOLDEN_BOOK_YEAR: one running count per authority)."""

    __tablename__ = "number_registers"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    year: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(8))
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("authority_id", "year", "doc_type"),
        one_of("doc_type", REGISTER_TYPES),
        CheckConstraint("last_number >= 0", name="last_number_non_negative"),
    )


class Decision(WorkflowState, Timestamped, db.Model):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    summary: Mapped[str] = mapped_column(String(500))
    search_key: Mapped[str] = mapped_column(Text, default="")  # workflow/search/keys.py
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(24), default=DecisionState.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_capacity: Mapped[str | None] = mapped_column(String(16))
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the office edits while drafting and the rendering lays out (docs/DOMAIN.md §7): legal_bases (the
    # "Căn cứ …" lines), recital ("Xét đề nghị của …"), executors (Article 2) and recipients (Nơi nhận).
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The scan of the paper original the chairman signed (PDF or image), stored by content hash like a dossier's
    # documents (workflow/decisions/signed_copy.py); the uploader's file name is kept for display only.
    signed_copy_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_copy_filename: Mapped[str | None] = mapped_column(String(255))
    signed_copy_media_type: Mapped[str | None] = mapped_column(String(100))
    signed_copy_size: Mapped[int | None] = mapped_column(Integer)
    signed_copy_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    authority: Mapped[Authority] = relationship()
    signer: Mapped[User | None] = relationship(foreign_keys=[signer_id])
    items: Mapped[list[DecisionItem]] = relationship(
        back_populates="decision", order_by="DecisionItem.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        DecisionState.check(),
        UniqueConstraint("authority_id", "year", "number"),
        CheckConstraint(
            "(state IN ('signed', 'published', 'revoked')) = "
            "(number IS NOT NULL AND year IS NOT NULL AND signed_on IS NOT NULL AND signer_id IS NOT NULL)",
            name="numbered_iff_signed",
        ),
        CheckConstraint(
            "signer_capacity IS NULL OR signer_capacity IN ('chairman', 'deputy')", name="signer_capacity_known"
        ),
        CheckConstraint(
            "signed_copy_sha256 IS NULL OR state IN ('signed', 'published', 'revoked')",
            name="signed_copy_only_when_signed",
        ),
    )

    @property
    def number_text(self) -> str | None:
        """The number as Decree 30/2020 writes it, e.g. 123/QĐ-UBND."""
        return f"{self.number}/QĐ-UBND" if self.number is not None else None


class DecisionItem(db.Model):
    """One awardee of Article 1: a nomination, its place in the list, the achievement the decision states, and the
    money, fixed at signing with the base salary in force on the decision date (until then it is an estimate)."""

    __tablename__ = "decision_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    achievement: Mapped[str] = mapped_column(Text, default="")
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)

    decision: Mapped[Decision] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship()

    __table_args__ = (
        UniqueConstraint("decision_id", "nomination_id"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("amount_vnd IS NULL OR amount_vnd >= 0", name="amount_non_negative"),
    )
