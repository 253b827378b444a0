"""The decision's steps after drafting: the office sends it for signature, the chairman sends it back or signs it,
the office publishes it. One service per trigger of workflow/definitions/decision.py; services flush, never commit.

Signing is one transaction (docs/DESIGN.md §3.1): the number is taken from the register, the decision becomes
signed, each line's money is fixed with the base salary in force on the decision date (docs/DOMAIN.md §3.4), each
nomination is awarded, each awardee enters the registry under the decision's number and date with the next number
of the authority's golden book (sổ vàng, in Article 1's order, written plainly: "123"), and each dossier is
decided, then closed once every nomination of it is final. Any refusal raises before the caller commits, so a
refused signing leaves no number used, no award and no registry entry."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Decision, User
from models.dossier import DossierState, NominationState
from workflow.core.engine import Firing, fire, fire_many
from workflow.core.errors import GuardFailed, PermissionDenied, StaleObject
from workflow.core.machines import DECISION, DOSSIER, NOMINATION
from workflow.core.today import local_today, story_now
from workflow.decisions.drafting import decidable_problems, dossiers_of
from workflow.decisions.numbering import next_golden_book_numbers, next_number
from workflow.permissions import can_decide
from workflow.registry.entries import record_entry
from workflow.rules.applicable import rule_set_for
from workflow.rules.money import award_amount


def _comment(comment: str) -> dict:
    return {"comment": (comment or "").strip()}


def submit_for_signature(
    session: Session, decision: Decision, *, actor: User, comment: str = "", version: int | None = None
):
    """Office → chairman. Raises TransitionNotAllowed, PermissionDenied, StaleObject, GuardFailed (no awardee)."""
    return fire(
        DECISION,
        decision,
        "submit_for_signature",
        actor=actor,
        data=_comment(comment),
        context={"items": len(decision.items)},
        expected_version=version,
    )


def send_back(session: Session, decision: Decision, *, actor: User, comment: str = "", version: int | None = None):
    """Chairman → office, with what to change; the draft is editable again."""
    return fire(DECISION, decision, "send_back", actor=actor, data=_comment(comment), expected_version=version)


def publish(session: Session, decision: Decision, *, actor: User, version: int | None = None):
    """The office issues the signed decision to its recipients."""
    return fire(DECISION, decision, "publish", actor=actor, expected_version=version)


def sign_decision(
    session: Session,
    decision: Decision,
    *,
    actor: User,
    capacity: str = "chairman",
    signed_on: date | None = None,
    version: int | None = None,
):
    """Sign `decision` as chairman ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") or deputy ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") on
    `signed_on` (today by default); see the module's docstring for everything it writes. Raises
    TransitionNotAllowed, PermissionDenied, StaleObject, GuardFailed (a nomination no longer decidable here on
    that day), InvalidInput (from the registry)."""
    # Refused before the register is touched: no number is held (and no row lock) for a signing that cannot happen.
    if not can_decide(actor, decision):
        raise PermissionDenied()
    if version is not None and version != decision.version:
        raise StaleObject()
    signed_on = signed_on or local_today()
    authority = decision.authority
    problems = [
        p for item in decision.items for p in decidable_problems(session, authority, item.nomination, signed_on)
    ]
    if problems:
        raise GuardFailed(problems)

    number = next_number(session, decision.authority_id, signed_on.year)
    # Taken after the decision's number, always in this order, so two signings never wait on each other in a cycle.
    in_article_one = article_one_order(decision)
    golden = dict(
        zip(
            (item.id for item in in_article_one),
            next_golden_book_numbers(session, decision.authority_id, len(in_article_one)),
            strict=True,
        )
    )
    number_text = fire_signature(
        decision, actor=actor, number=number, signed_on=signed_on, capacity=capacity, version=version
    )
    for item in decision.items:
        dossier = item.nomination.dossier
        item.amount_vnd = award_amount(
            session,
            rule_set=rule_set_for(session, dossier, signed_on),
            title_code=item.nomination.title_code,
            on=signed_on,
            authority=dossier.authority,
        ).amount_vnd
    fire_many(
        NOMINATION,
        [
            Firing(item.nomination, "award", data={"decision": number_text}, changes={"decision_id": decision.id})
            for item in decision.items
        ],
        actor=actor,
    )
    for item in decision.items:
        record_entry(
            session,
            nominee=item.nomination.nominee,
            title_code=item.nomination.title_code,
            year=item.nomination.year,
            decision_number=number_text,
            decision_date=signed_on,
            deciding_authority=authority.name,
            authority_id=authority.id,
            decision_id=decision.id,
            nomination_id=item.nomination.id,
            money_vnd=item.amount_vnd,
            golden_book_number=str(golden[item.id]),
            actor=actor,
        )
    _decide_and_close(decision, actor, number_text)
    return decision


def article_one_order(decision: Decision) -> list:
    """The decision's lines as Article 1 prints them (workflow/decisions/drafting.py::article_one): grouped by
    title in the order each title first appears, the decision's order within a title. The golden book follows the
    printed order so the numbers on the certificates run as the awardees are read out."""
    groups: dict[str, list] = {}
    for item in decision.items:
        groups.setdefault(item.nomination.title_code, []).append(item)
    return [item for items in groups.values() for item in items]


def _decide_and_close(decision: Decision, actor: User, number_text: str) -> None:
    """Each dossier still waiting is decided; each decided dossier whose nominations are all final is closed (one
    still approved waits for another decision, one forwarded for the higher level)."""
    dossiers = dossiers_of(decision)
    waiting = [d for d in dossiers if d.state == DossierState.AWAITING_DECISION]
    fire_many(DOSSIER, [Firing(d, "decide", data={"decision": number_text}) for d in waiting], actor=actor)
    finished = [
        d
        for d in dossiers
        if d.state == DossierState.DECIDED and all(n.state in NominationState.FINAL for n in d.nominations)
    ]
    fire_many(
        DOSSIER,
        [Firing(d, "close", data={"decision": number_text}, changes={"closed_at": story_now()}) for d in finished],
        actor=actor,
    )


def fire_signature(
    decision: Decision, *, actor: User, number: int, signed_on: date, capacity: str, version: int | None
) -> str:
    """The `sign` transition with the number the register gave, shared by award and revocation decisions; returns
    the number as printed (N/QĐ-UBND)."""
    number_text = f"{number}/QĐ-UBND"
    fire(
        DECISION,
        decision,
        "sign",
        actor=actor,
        data={"number": number_text, "date": signed_on.isoformat(), "signer_capacity": capacity},
        context={"signed_on": signed_on},
        changes={
            "number": number,
            "year": signed_on.year,
            "signed_on": signed_on,
            "signer_id": actor.id,
            "signer_capacity": capacity,
        },
        expected_version=version,
    )
    return number_text
