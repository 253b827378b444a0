"""Building rows in a given state for table-driven tests, and reading what a transition left behind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update

from models import (
    AgendaItem,
    AuditEntry,
    Council,
    CouncilSession,
    Decision,
    Dossier,
    IdentityMatch,
    Initiative,
    Movement,
    Nomination,
    Nominee,
    OutboxMessage,
    Poll,
    User,
    db,
)
from models.base import utcnow
from workflow.council.quorum import Quorum
from workflow.dossiers.checklist import Checklist

# Event data and guard inputs that satisfy every guard, so a table test measures only the state rule.
PASSING_DATA = {
    "comment": "Ý kiến",
    "missing_items": ["Báo cáo thành tích"],
    "reason": "wrong_subject",
    "sign_off": True,
}
PASSING_CONTEXT = {
    "checklist": Checklist([]),
    "council_review_optional": True,
    "eligible_nominations": 1,
    "polls_running": 0,
    "quorum": Quorum(present=8, members=8, ratio_needed=Decimal("0.6666"), reached=True),
    "nominations_without_result": [],
    # A day the demo's district still receives dossiers.
    "today": date(2025, 6, 16),
    "items": 1,
    "signed_on": date(2025, 6, 16),
    "signer_capacity": "chairman",
}

# What start_poll freezes on a poll of the district council (8 voting members, all entitled, the total basis).
FROZEN_AT_START = {
    "entitled_count": 8,
    "base": "total",
    "base_count": 8,
    "pass_ratio": Decimal("0.6666"),
    "yes_count": 0,
    "no_count": 0,
    "abstain_count": 0,
    "invalid_count": 0,
}


def changes_for(workflow, trigger: str, row) -> dict | None:
    """Columns that CHECK constraints tie to the new state, as the real services pass them."""
    if workflow.name == "dossier" and trigger == "reject":
        return {"rejection_reason": "wrong_subject"}
    if workflow.name == "nomination" and trigger == "award":
        return {"decision_id": draft_decision(row.dossier).id}
    if workflow.name == "identity_match":
        return {"resolved_at": utcnow()}
    if workflow.name == "initiative" and trigger == "recognise":
        return {"scope": "unit"}
    if workflow.name == "poll" and trigger == "start":
        return FROZEN_AT_START
    if workflow.name == "decision" and trigger == "sign":
        return signed_columns(row)
    return None


def signed_columns(decision: Decision) -> dict:
    """What numbered_iff_signed ties to a signed decision: a number of its own, the year, the date and the signer."""
    return {
        "number": count(Decision) + 1000,
        "year": 2025,
        "signed_on": date(2025, 6, 16),
        "signer_id": decision.drafted_by_id,
        "signer_capacity": "chairman",
    }


def draft_decision(dossier: Dossier) -> Decision:
    decision = Decision(authority_id=dossier.authority_id, summary="Dự thảo", drafted_by_id=dossier.created_by_id)
    db.session.add(decision)
    db.session.flush()
    return decision


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    """Rows in every table: a read that writes nothing leaves them all as they were."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


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
    """Test setup: the state is written with a plain UPDATE, as a database administrator would (the ORM refuses a
    state change outside the engine)."""
    dossier = dossier_in_state(dossier_state)
    nomination = dossier.nominations[0]
    values = {"state": state}
    if state == "awarded":
        values["decision_id"] = draft_decision(dossier).id
    db.session.execute(update(Nomination).where(Nomination.id == nomination.id).values(**values))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id)


def identity_match_in_state(state: str) -> IdentityMatch:
    """A Plei Kần nominee whose national ID matched a Đắk Xú person, placed directly in `state` (setup only)."""
    from models import Unit

    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(("TT-PLEIKAN", "XA-DAKXU"))))}
    national_id = f"06208500{count(IdentityMatch) + 1:04d}"
    claimed = Nominee(kind="person", full_name="Trần Văn Khai", unit_id=units["TT-PLEIKAN"].id)
    owner = Nominee(kind="person", full_name="Trần Văn Chủ", unit_id=units["XA-DAKXU"].id, national_id=national_id)
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    db.session.add_all([claimed, owner])
    db.session.flush()
    match = IdentityMatch(
        unit_id=units["TT-PLEIKAN"].id,
        nominee_id=claimed.id,
        candidate_id=owner.id,
        national_id=national_id,
        requested_by_id=officer.id,
        state=state,
        resolved_at=None if state == "pending" else utcnow(),
    )
    db.session.add(match)
    db.session.commit()
    return match


def initiative_in_state(state: str) -> Initiative:
    """A Plei Kần initiative placed directly in `state` (setup only); a recognised one carries its scope."""
    from models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    initiative = Initiative(
        authority_id=unit.authority_id, unit_id=unit.id, year=2024, title="Số hóa hồ sơ một cửa", state=state,
        scope="unit" if state == "recognised" else None,
    )  # fmt: skip
    db.session.add(initiative)
    db.session.commit()
    return initiative


def council_session_in_state(state: str) -> CouncilSession:
    """A session of the district council placed directly in `state` (setup only)."""
    council = db.session.scalar(select(Council).order_by(Council.id))
    council_session = CouncilSession(
        council=council, title="Phiên họp kiểm thử", scheduled_at=datetime(2025, 6, 20, 1, tzinfo=UTC), state=state
    )
    db.session.add(council_session)
    db.session.commit()
    return council_session


def poll_in_state(state: str) -> Poll:
    """A poll on an eligible nomination in an open session, placed directly in `state` (setup only); once started
    it carries what the start froze."""
    council_session = council_session_in_state("open")
    nomination = dossier_in_state("in_council", nomination_state="eligible").nominations[0]
    item = AgendaItem(session_id=council_session.id, nomination_id=nomination.id, position=1)
    db.session.add(item)
    db.session.flush()
    frozen = {} if state == "created" else {**FROZEN_AT_START, "started_at": utcnow()}
    poll = Poll(agenda_item_id=item.id, state=state, **frozen)
    db.session.add(poll)
    db.session.commit()
    return poll


def permitted_actor(workflow, row, trigger: str) -> User | None:
    """The first demo user whose permission predicate allows this trigger on this row."""
    users = db.session.scalars(select(User).order_by(User.username))
    return next((u for u in users if workflow.transitions[trigger].permission(u, row)), None)


def decision_in_state(state: str) -> Decision:
    """A decision of the demo district drafted by its office, placed directly in `state` (setup only); from signed
    on it carries a number, the date and the signer."""
    from models import Authority

    authority = db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))
    office = db.session.scalar(select(User).where(User.username == "noivu"))
    decision = Decision(authority_id=authority.id, summary="Quyết định kiểm thử", drafted_by_id=office.id, state=state)
    if state in ("signed", "published", "revoked"):
        for column, value in signed_columns(decision).items():
            setattr(decision, column, value)
    db.session.add(decision)
    db.session.commit()
    return decision


def launched_movement(authority_id: int, name: str, contents: list[str]) -> Movement:
    """A movement of the authority for 2020–2025, launched on 2 March 2020, stored as the demo seed stores one
    (its content items keyed nd1, nd2… by position); flushed, not committed."""
    row = Movement(
        authority_id=authority_id, name=name, period_start=date(2020, 1, 1), period_end=date(2025, 12, 31),
        contents=contents, state="launched", launched_on=date(2020, 3, 2),
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row
