"""Building rows in a given state for table-driven tests, and reading what a transition left behind."""

from __future__ import annotations

from sqlalchemy import func, select

from models import AuditEntry, Decision, Dossier, Nomination, Nominee, OutboxMessage, User, db
from workflow.dossiers.checklist import Checklist

# Event data and guard inputs that satisfy every guard, so a table test measures only the state rule.
PASSING_DATA = {
    "comment": "Ý kiến",
    "missing_items": ["Báo cáo thành tích"],
    "reason": "wrong_subject",
    "sign_off": True,
}
PASSING_CONTEXT = {"checklist": Checklist([]), "council_review_optional": True, "nominations_without_result": []}


def changes_for(workflow, trigger: str, row) -> dict | None:
    """Columns that CHECK constraints tie to the new state, as the real services pass them."""
    if workflow.name == "dossier" and trigger == "reject":
        return {"rejection_reason": "wrong_subject"}
    if workflow.name == "nomination" and trigger == "award":
        return {"decision_id": draft_decision(row.dossier).id}
    return None


def draft_decision(dossier: Dossier) -> Decision:
    decision = Decision(authority_id=dossier.authority_id, summary="Dự thảo", drafted_by_id=dossier.created_by_id)
    db.session.add(decision)
    db.session.flush()
    return decision


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_and_outbox_counts() -> tuple[int, int]:
    return count(AuditEntry), count(OutboxMessage)


def dossier_in_state(state: str, unit_code: str = "TT-PLEIKAN", nomination_state: str = "not_approved") -> Dossier:
    """A dossier of the demo unit placed directly in `state` (test setup only: production goes through fire)."""
    from models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    officer = db.session.scalar(select(User).where(User.unit_id == unit.id))
    dossier = Dossier(
        unit_id=unit.id,
        authority_id=unit.authority_id,
        procedure="regular",
        year=2025,
        title="Hồ sơ kiểm thử",
        created_by_id=officer.id,
        state=state,
        rejection_reason="wrong_subject" if state == "rejected" else None,
    )
    nominee = Nominee(kind="person", full_name="Nguyễn Văn Thử", unit_id=unit.id)
    db.session.add_all([dossier, nominee])
    db.session.flush()
    db.session.add(
        Nomination(dossier_id=dossier.id, nominee_id=nominee.id, title_code="LDTT", year=2025, state=nomination_state)
    )
    db.session.commit()
    return dossier


def nomination_in_state(state: str, dossier_state: str = "in_council") -> Nomination:
    dossier = dossier_in_state(dossier_state)
    nomination = dossier.nominations[0]
    if state == "awarded":
        nomination.decision_id = draft_decision(dossier).id
    nomination.state = state
    db.session.commit()
    return nomination


def permitted_actor(workflow, row, trigger: str) -> User | None:
    """The first demo user whose permission predicate allows this trigger on this row."""
    users = db.session.scalars(select(User).order_by(User.username))
    return next((u for u in users if workflow.specs[trigger]["permission"](u, row)), None)
