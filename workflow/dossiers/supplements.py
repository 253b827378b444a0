"""Returns for supplements under the one-stop rule (docs/DOMAIN.md §4): Phòng Nội vụ names every missing item once,
completely, in its first return; a later return may only name items of that first list again. The unit resubmits
only once every item of the current return has been supplied (a new document of that kind and nominee, or changed
nominee details, since the return) or explained in writing.

A return's items are kept in its audit entry (`data.asked`: key and label per item), so what was asked stays on
record with the step that asked it. Keys: `doc:<kind>[:<nomination id>]` (a checklist item), `nominee:<nomination
id>` (the nominee's details) and `note:<text>` (anything else, in the office's words)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, Document, Dossier, NominationRevision
from models.dossier import NominationState
from workflow.core.messages import DataLabel
from workflow.core.today import local_day
from workflow.dossiers.checklist import Checklist, item_key
from workflow.dossiers.editing import nomination_snapshot

RETURN = "return_for_supplement"
DOCUMENT_ARRIVALS = ("document_uploaded", "document_reassigned")


@dataclass(frozen=True)
class AskedItem:
    key: str
    label: str

    @property
    def is_note(self) -> bool:
        return self.key.startswith("note:")


@dataclass(frozen=True)
class ItemStatus:
    """One item of a return and what the unit has done about it since."""

    item: AskedItem
    document: Document | None = None
    changed_details: bool = False
    explanation: str = ""

    @property
    def supplied(self) -> bool:
        return self.document is not None or self.changed_details or bool(self.explanation)


@dataclass(frozen=True)
class ReturnRecord:
    entry: AuditEntry
    items: list[AskedItem]

    @property
    def on(self) -> date:
        return local_day(self.entry.occurred_at)


def nominee_key(nomination_id: int) -> str:
    return f"nominee:{nomination_id}"


def returnable_items(dossier: Dossier, checklist: Checklist) -> list[AskedItem]:
    """What the office can tick in a first return: every checklist item, then each nominee's details."""
    items = [AskedItem(item.key, item.label) for item in checklist.items]
    for nomination in dossier.nominations:
        if nomination.state != NominationState.WITHDRAWN:
            label = DataLabel(
                f"Thông tin của {nomination.nominee.full_name} (sửa theo yêu cầu)",
                f"Details of {nomination.nominee.full_name} (to be corrected)",
            )
            items.append(AskedItem(nominee_key(nomination.id), label))
    return items


def returns(session: Session, dossier: Dossier) -> list[ReturnRecord]:
    """Every return of the dossier, oldest first."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.dossier_id == dossier.id, AuditEntry.action == RETURN)
        .order_by(AuditEntry.id)
    )
    return [ReturnRecord(entry, _asked(entry)) for entry in entries]


def _asked(entry: AuditEntry) -> list[AskedItem]:
    data = entry.data or {}
    if "asked" in data:
        return [AskedItem(item["key"], item["label"]) for item in data["asked"]]
    # Returns recorded before items had keys: each label stands as the office wrote it.
    return [AskedItem(f"note:{label}", label) for label in data.get("missing_items", [])]


def resolve(raw: Iterable[str], offered: Sequence[AskedItem]) -> list[AskedItem]:
    """The items a return names, from what was ticked (keys) or sent (labels, as API clients do) plus free text;
    each once, in the order given."""
    by_key = {item.key: item for item in offered}
    by_label = {str(item.label).casefold(): item for item in offered}
    chosen: dict[str, AskedItem] = {}
    for value in raw:
        text = (value or "").strip()
        if not text:
            continue
        item = by_key.get(text) or by_label.get(text.casefold()) or AskedItem(f"note:{text}", text)
        chosen.setdefault(item.key, item)
    return list(chosen.values())


def nameable_items(session: Session, dossier: Dossier, checklist: Checklist) -> list[AskedItem]:
    """Every item a return could name by key or label: today's checklist and nominees, and the first return's
    (so a refusal can name what a later return added)."""
    first = first_list(session, dossier)
    items = {item.key: item for item in returnable_items(dossier, checklist)}
    for item in first.items if first else []:
        items.setdefault(item.key, item)
    return list(items.values())


def first_list(session: Session, dossier: Dossier) -> ReturnRecord | None:
    history = returns(session, dossier)
    return history[0] if history else None


def allowed_items(session: Session, dossier: Dossier, checklist: Checklist) -> tuple[list[AskedItem], date | None]:
    """What the office may tick now, and the day of the first return when there was one (the list is then that
    return's, and nothing else)."""
    first = first_list(session, dossier)
    if first is None:
        return returnable_items(dossier, checklist), None
    return first.items, first.on


def outside_first_list(session: Session, dossier: Dossier, items: Sequence[AskedItem]) -> list[str]:
    """The labels of items a later return names that the first return did not (the one-stop rule refuses them)."""
    first = first_list(session, dossier)
    if first is None:
        return []
    known = {item.key for item in first.items}
    return [str(item.label) for item in items if item.key not in known]


def status(
    session: Session, dossier: Dossier, record: ReturnRecord, explanations: Mapping[str, str] | None = None
) -> list[ItemStatus]:
    """Per item of `record`: the document that arrived for it since, whether the nominee's details changed since,
    and the unit's written explanation (given with the resubmission, or being given now)."""
    explanations = dict(explanations or {}) | _explained(session, dossier, record)
    later = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.dossier_id == dossier.id, AuditEntry.id > record.entry.id)
            .order_by(AuditEntry.id)
        )
    )
    documents = {d.id: d for d in dossier.documents}
    arrived: dict[str, Document] = {}
    for entry in later:
        document = documents.get(entry.entity_id) if entry.action in DOCUMENT_ARRIVALS else None
        if document is not None:
            arrived[_document_key(document)] = document
    changed = {nominee_key(e.entity_id) for e in later if e.action == "nomination_changed"}
    return [
        ItemStatus(
            item,
            document=arrived.get(item.key),
            changed_details=item.key in changed,
            explanation=(explanations.get(item.key) or "").strip(),
        )
        for item in record.items
    ]


def _document_key(document: Document) -> str:
    return item_key(document.kind, document.nomination_id)


def _explained(session: Session, dossier: Dossier, record: ReturnRecord) -> dict[str, str]:
    """Explanations given with a resubmission after this return."""
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.dossier_id == dossier.id, AuditEntry.action == "resubmit", AuditEntry.id > record.entry.id)
        .order_by(AuditEntry.id)
        .limit(1)
    ).first()
    return dict((entry.data or {}).get("explanations") or {}) if entry else {}


def current_return(session: Session, dossier: Dossier) -> ReturnRecord | None:
    """The return the unit is answering now (only while the dossier is with it after a return)."""
    if dossier.state != "returned":
        return None
    history = returns(session, dossier)
    return history[-1] if history else None


def unsupplied(session: Session, dossier: Dossier, explanations: Mapping[str, str]) -> list[str]:
    """The labels of the current return's items neither supplied nor explained: the resubmission guard reads
    them."""
    record = current_return(session, dossier)
    if record is None:
        return []
    return [str(s.item.label) for s in status(session, dossier, record, explanations) if not s.supplied]


def asked_again(session: Session, dossier: Dossier) -> dict[str, date]:
    """Checklist keys the current return asks for that have no new version yet, with the day they were asked."""
    record = current_return(session, dossier)
    if record is None:
        return {}
    return {s.item.key: record.on for s in status(session, dossier, record) if s.document is None}


def nominee_changes(session: Session, dossier: Dossier, since: AuditEntry) -> list[dict]:
    """Nominee details changed after `since`: per nomination, the fields with their value then and now."""
    changes = []
    for nomination in dossier.nominations:
        first = session.scalars(
            select(NominationRevision)
            .where(NominationRevision.nomination_id == nomination.id)
            .where(NominationRevision.created_at >= since.occurred_at)
            .order_by(NominationRevision.revision)
            .limit(1)
        ).first()
        if first is None:
            continue
        now = nomination_snapshot(session, nomination)
        fields = [
            (name, first.snapshot.get(name), now.get(name)) for name in now if first.snapshot.get(name) != now.get(name)
        ]
        if fields:
            changes.append({"nomination": nomination, "fields": fields})
    return changes
