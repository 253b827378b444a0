"""The chairman's decision on the demo council's first round (workflow/demo/council.py), made through the services so
its number, awards, registry entries and audit chain are real: the day after the session of 10 June 2025 the office
drafts a decision for the approved nominees of Plei Kần and Đắk Xú and sends it for signature; the chairman signs it
on 12 June 2025, within the district's life (it ended on 30 June 2025), which makes it 1/QĐ-UBND of 2025 with its
certificates. Phòng Giáo dục's approved nominee is left waiting for the decision, so a newcomer in the office can
draft one at once.

Idempotent: when any of those nominations is already on a decision (this one, or one a user drafted), nothing is
made again."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, DecisionItem, Dossier, Nomination, Unit, User
from models.dossier import NominationState
from workflow.core.today import told_on
from workflow.decisions import drafting, signing
from workflow.demo.council import CHAIR, OFFICE, PAST_DOSSIER_TITLE

DISTRICT_CODE = "UBND-NGOCHOI"
DECIDED_UNITS = ("TT-PLEIKAN", "XA-DAKXU")
DRAFTED_ON, SIGNED_ON = date(2025, 6, 11), date(2025, 6, 12)


def seed_demo_decisions(session: Session) -> int:
    """Draft, submit and sign the first round's decision if it is missing; return how many decisions were made.
    Flushes, never commits."""
    nominations = list(
        session.scalars(
            select(Nomination)
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .join(Unit, Dossier.unit_id == Unit.id)
            .where(
                Dossier.title == PAST_DOSSIER_TITLE,
                Unit.code.in_(DECIDED_UNITS),
                Nomination.state == NominationState.APPROVED,
            )
            .order_by(Nomination.id)
        )
    )
    on_a_decision = session.scalar(
        select(DecisionItem.id).where(DecisionItem.nomination_id.in_([n.id for n in nominations])).limit(1)
    )
    if not nominations or on_a_decision is not None:
        return 0
    district = session.scalar(select(Authority).where(Authority.code == DISTRICT_CODE))
    office, chair = (session.scalar(select(User).where(User.username == name)) for name in (OFFICE, CHAIR))
    with told_on(DRAFTED_ON, time(9)):
        decision = drafting.draft_decision(session, district, nominations, office)
    with told_on(DRAFTED_ON, time(15)):
        signing.submit_for_signature(
            session, decision, actor=office, comment="Kính trình Chủ tịch ký theo kết quả họp Hội đồng."
        )
    with told_on(SIGNED_ON, time(10)):
        signing.sign_decision(session, decision, actor=chair, capacity="chairman")
    return 1
