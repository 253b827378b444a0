"""Rule sets as data: titles and forms, competences, procedures and their documents, parameters, base salaries.

Each row belongs to a rule set with a legal period, so the law in force on any day can be read back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, one_of, utcnow

SUBJECT_KINDS = ("person", "collective", "household")
AWARD_CATEGORIES = ("title", "form")
AWARD_LEVELS = ("commune", "district", "province", "national", "unit")
PROCEDURES = ("regular", "giay_khen_periodic", "giay_khen_thematic", "simplified", "forward")


class RuleSet(db.Model):
    __tablename__ = "rule_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    legal_source: Mapped[str] = mapped_column(Text)
    # A province override layer applies on top of the national rule set in force.
    override_for_authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    titles: Mapped[list[AwardTitle]] = relationship(back_populates="rule_set", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("code", "revision"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="valid_period"),
    )


class RuleSetChild:
    """Every entry of a rule set names the legal text it comes from."""

    legal_source: Mapped[str] = mapped_column(Text, default="")


class AwardTitle(RuleSetChild, db.Model):
    """A title or form of commendation as one rule set defines it (docs/DOMAIN.md §3)."""

    __tablename__ = "award_titles"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(16))
    money_multiple: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))

    rule_set: Mapped[RuleSet] = relationship(back_populates="titles")

    __table_args__ = (
        UniqueConstraint("rule_set_id", "code"),
        one_of("subject_kind", SUBJECT_KINDS),
        one_of("category", AWARD_CATEGORIES),
        one_of("level", AWARD_LEVELS),
    )


class Competence(RuleSetChild, db.Model):
    """Which authority level's chairman may decide a title (the rest is forwarded)."""

    __tablename__ = "competences"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True)
    authority_level: Mapped[str] = mapped_column(String(16))
    title_code: Mapped[str] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("rule_set_id", "authority_level", "title_code"),)


class ProcedureRule(RuleSetChild, db.Model):
    """A procedure's time limit at the deciding authority, in working days."""

    __tablename__ = "procedure_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True)
    procedure: Mapped[str] = mapped_column(String(24))
    name_vi: Mapped[str] = mapped_column(String(200))
    time_limit_working_days: Mapped[int] = mapped_column(Integer)
    council_review_optional: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("rule_set_id", "procedure"),
        one_of("procedure", PROCEDURES),
        CheckConstraint("time_limit_working_days > 0", name="time_limit_positive"),
    )


class RequiredDocument(RuleSetChild, db.Model):
    """One item of a procedure's document checklist; per_nominee items are needed once per nomination."""

    __tablename__ = "required_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True)
    procedure: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    per_nominee: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only required when the nomination relies on an initiative or research work.
    only_if_initiative: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("rule_set_id", "procedure", "kind"),)


class RuleParameter(RuleSetChild, db.Model):
    """A named eligibility or council parameter (e.g. the CSTĐCS cap); configurable where the law leaves it open."""

    __tablename__ = "rule_parameters"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON)
    configurable: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("rule_set_id", "key"),)


class BaseSalary(db.Model):
    """The base salary (lương cơ sở) from a date on; award money multiplies it."""

    __tablename__ = "base_salaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    amount_vnd: Mapped[int] = mapped_column(Integer)
    legal_source: Mapped[str] = mapped_column(Text)

    __table_args__ = (CheckConstraint("amount_vnd > 0", name="amount_positive"),)
