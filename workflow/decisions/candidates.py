"""What the standing office may put on a decision (the "Soạn quyết định" page): every nomination the council
approved in a dossier of the authority that waits for the decision, each with the reasons it cannot be decided here
today (drafting.decidable_problems: not this authority's, not within its competence on that day) or that it already
sits on another live decision. Pure reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, Decision, DecisionItem, Dossier, Nomination
from models.decision import DecisionState
from models.dossier import DossierState, NominationState
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.decisions.drafting import _ordered, decidable_problems

WAITING = (DossierState.AWAITING_DECISION, DossierState.DECIDED)


@dataclass(frozen=True)
class Candidate:
    nomination: Nomination
    problems: tuple[str, ...]  # empty: it may go on a decision of this authority today
    held_by: Decision | None = None  # the live decision it already sits on

    @property
    def decidable(self) -> bool:
        return not self.problems


def candidates(
    session: Session, authority: Authority, *, day: date | None = None, decision: Decision | None = None
) -> list[Candidate]:
    """The approved nominations of the authority's dossiers waiting for a decision, in Article 1's order. Those on
    `decision` itself are left out (its edit form lists them already)."""
    day = day or local_today()
    nominations = list(
        session.scalars(
            select(Nomination)
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .where(
                Dossier.authority_id == authority.id,
                Dossier.state.in_(WAITING),
                Nomination.state == NominationState.APPROVED,
            )
        )
    )
    if not nominations:
        return []
    held = dict(
        session.execute(
            select(DecisionItem.nomination_id, Decision)
            .join(Decision, DecisionItem.decision_id == Decision.id)
            .where(
                DecisionItem.nomination_id.in_([n.id for n in nominations]),
                Decision.state != DecisionState.REVOKED,
            )
        ).all()
    )
    found = []
    for nomination in _ordered(session, nominations):
        holder = held.get(nomination.id)
        if decision is not None and holder is not None and holder.id == decision.id:
            continue
        problems = list(decidable_problems(session, authority, nomination, day))
        if holder is not None:
            problems.append(
                msg(
                    "Đã có trong dự thảo hoặc quyết định khác (#%(decision)s).",
                    decision=holder.number_text or holder.id,
                )
            )
        found.append(Candidate(nomination, tuple(problems), holder))
    return found
