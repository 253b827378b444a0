"""The document checklist of a dossier: what its procedure requires (rule data) against what is uploaded."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import Document, Dossier, Nomination, RuleSet
from models.dossier import NominationState
from workflow.core.messages import DataLabel, data_label
from workflow.rules.applicable import rule_set_for
from workflow.rules.cached import Requirement
from workflow.rules.cached import required_documents as cached_required_documents


def item_key(kind: str, nomination_id: int | None) -> str:
    """How a checklist item is named in a return's list and in forms: the kind, and the nominee when per nominee."""
    return f"doc:{kind}" if nomination_id is None else f"doc:{kind}:{nomination_id}"


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: DataLabel
    nomination_id: int | None
    satisfied: bool
    # The current upload that satisfies it, if any.
    document: Document | None = None

    @property
    def key(self) -> str:
        return item_key(self.kind, self.nomination_id)


@dataclass
class Checklist:
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.satisfied]

    @property
    def kinds(self) -> set[str]:
        return {item.kind for item in self.items}

    def by_key(self) -> dict[str, ChecklistItem]:
        return {item.key: item for item in self.items}


def required_documents(session: Session, rule_set: RuleSet | None, procedure: str) -> list[Requirement]:
    return cached_required_documents(session, rule_set, procedure)


def item_label(requirement: Requirement, nomination: Nomination | None) -> DataLabel:
    """"Báo cáo thành tích — Nguyễn Văn An": the kind's name in both languages, then the nominee's."""
    if nomination is None:
        return data_label(requirement)
    name = nomination.nominee.full_name
    return DataLabel(f"{requirement.name_vi} — {name}", f"{requirement.name_en or requirement.name_vi} — {name}")


def dossier_checklist(session: Session, dossier: Dossier, today: date) -> Checklist:
    """One item per required document, per nominee where the rule says so; current revisions only."""
    requirements = required_documents(session, rule_set_for(session, dossier, today), dossier.procedure)
    _load_parts(session, dossier)
    current = {(d.kind, d.nomination_id): d for d in dossier.documents if d.current}
    whole_dossier = {d.kind: d for d in dossier.documents if d.current}
    nominations = [n for n in dossier.nominations if n.state != NominationState.WITHDRAWN]
    items = []
    for req in requirements:
        if not req.per_nominee:
            found = current.get((req.kind, None)) or whole_dossier.get(req.kind)
            items.append(ChecklistItem(req.kind, item_label(req, None), None, found is not None, found))
            continue
        for nomination in nominations:
            if req.only_if_initiative and not nomination.relies_on_initiative:
                continue
            found = current.get((req.kind, nomination.id))
            items.append(
                ChecklistItem(req.kind, item_label(req, nomination), nomination.id, found is not None, found)
            )
    return Checklist(items)


def _load_parts(session: Session, dossier: Dossier) -> None:
    """The nominations with their nominees' names in one statement, not one per nominee, unless the caller already
    loaded them (a page's eager loads)."""
    if "nominations" in inspect(dossier).unloaded:
        nominations = session.scalars(
            select(Nomination)
            .where(Nomination.dossier_id == dossier.id)
            .options(joinedload(Nomination.nominee))
            .order_by(Nomination.id)  # the relationship's order
        ).all()
        set_committed_value(dossier, "nominations", list(nominations))
