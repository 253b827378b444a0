"""The standing office's written overrides of eligibility warnings (docs/DOMAIN.md §4)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, db, one_of
from models.dossier import Nomination
from models.org import User

RULE_IDS = tuple(f"E{n}" for n in range(1, 15))


class EligibilityOverride(Timestamped, db.Model):
    """The office accepts one warning (never a block) of one nomination, with a written reason.

    Rows are never changed or deleted: a later override of the same rule supersedes an earlier one, and
    re-appraisal under another rule set needs a new one, since the warning then rests on other law."""

    __tablename__ = "eligibility_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    rule: Mapped[str] = mapped_column(String(8))
    # The rule set (code) and the warning's text the reason answers, so the record says what was accepted.
    rule_set_code: Mapped[str] = mapped_column(String(40))
    warning: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    nomination: Mapped[Nomination] = relationship()
    actor: Mapped[User] = relationship()

    __table_args__ = (
        one_of("rule", RULE_IDS),
        CheckConstraint("length(trim(reason)) > 0", name="reason_written"),
    )
