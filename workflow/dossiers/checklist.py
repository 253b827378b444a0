"""The document checklist of a dossier: what its procedure requires (rule data) against what is uploaded."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Dossier, RequiredDocument, RuleSet
from models.dossier import NominationState
from workflow.rules.applicable import rule_set_for


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    nomination_id: int | None
    satisfied: bool


@dataclass
class Checklist:
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.satisfied]

    @property
    def kinds(self) -> set[str]:
        return {item.kind for item in self.items}


def required_documents(session: Session, rule_set: RuleSet | None, procedure: str) -> list[RequiredDocument]:
    if rule_set is None:
        return []
    return list(
        session.scalars(
            select(RequiredDocument)
            .where(RequiredDocument.rule_set_id == rule_set.id, RequiredDocument.procedure == procedure)
            .order_by(RequiredDocument.id)
        )
    )


def dossier_checklist(session: Session, dossier: Dossier, today: date) -> Checklist:
    """One item per required document, per nominee where the rule says so; current revisions only."""
    requirements = required_documents(session, rule_set_for(session, dossier, today), dossier.procedure)
    current = [d for d in dossier.documents if not d.superseded]
    dossier_level = {d.kind for d in current}
    per_nomination = {(d.kind, d.nomination_id) for d in current if d.nomination_id is not None}
    nominations = [n for n in dossier.nominations if n.state != NominationState.WITHDRAWN]
    items = []
    for req in requirements:
        if not req.per_nominee:
            items.append(ChecklistItem(req.kind, req.name_vi, None, req.kind in dossier_level))
            continue
        for nomination in nominations:
            if req.only_if_initiative and not nomination.relies_on_initiative:
                continue
            items.append(
                ChecklistItem(
                    req.kind,
                    f"{req.name_vi} — {nomination.nominee.full_name}",
                    nomination.id,
                    (req.kind, nomination.id) in per_nomination,
                )
            )
    return Checklist(items)
