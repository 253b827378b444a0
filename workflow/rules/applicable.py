"""Which rule set judges a dossier (docs/DOMAIN.md §2): the one question the checklist, the legal
time limit, the titles offered, the money estimate and eligibility all ask, answered here only.

1. A movement that pins a rule set wins.
2. Under the `reached_authority` basis (the default), the rule set the dossier recorded when it reached the deciding
   authority (approve_submission records the answer of this function on that day).
3. Otherwise the rule set in force on the day asked about: today, the appraisal day (`review`) or 31 December of
   the achievement year (`achievement_year`); the caller picks the day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Dossier, RuleSet
from workflow.rules.rulesets import rule_set_in_force

REACHED_AUTHORITY, REVIEW, ACHIEVEMENT_YEAR = "reached_authority", "review", "achievement_year"
BASES = (REACHED_AUTHORITY, REVIEW, ACHIEVEMENT_YEAR)
DEFAULT_BASIS = REACHED_AUTHORITY


def rule_set_for(session: Session, dossier: Dossier, day: date, basis: str = DEFAULT_BASIS) -> RuleSet | None:
    """The rule set that judges the dossier, asked on `day`; None when no rule set covers that day."""
    movement = dossier.movement
    if movement is not None and movement.pinned_rule_set is not None:
        return movement.pinned_rule_set
    if basis == REACHED_AUTHORITY and dossier.rule_set is not None:
        return dossier.rule_set
    return rule_set_in_force(session, day)
