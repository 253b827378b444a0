"""Revoking an award (hủy bỏ, thu hồi khen thưởng; docs/DOMAIN.md §5, Law 06/2022 ch. VII): the standing office
proposes it with a reason, the chairman signs a numbered revocation decision, and the award is withdrawn.

A revocation decision is a Decision row of its own, numbered from the same register as every decision of the
authority (a revocation is a QĐ too) and moved through the same workflow (workflow/definitions/decision.py). It has
no Article 1 list, since it awards no one: its content says which decision and which award it revokes, why, and
what must be recovered. Signing is one transaction: the number, the decision's `sign`, the nomination's `revoke`
(whose event tells the unit's officers and heads through the outbox), and the registry entry marked revoked, which
then no longer counts anywhere a rule reads the registry (E3, E6, E7, E11 read entries that are not revoked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models import Authority, Decision, DecisionItem, Nomination, RegistryEntry, User
from models.base import utcnow
from models.decision import DecisionState
from models.dossier import NominationState
from workflow.core import audit
from workflow.core.engine import fire
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import DECISION, NOMINATION
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.decisions.numbering import next_number
from workflow.decisions.signing import fire_signature
from workflow.permissions import can_decide, can_draft_decision
from workflow.registry.entries import title_names

KIND = "revocation"
COMMENT_MAX = 4000
# The grounds Law 06/2022 ch. VII gives for withdrawing an award.
REASONS = {
    "fraud": msg("Gian dối, khai man thành tích"),
    "false_documents": msg("Giả mạo hồ sơ, giấy tờ"),
    "unlawful_appraisal": msg("Xét, đề nghị khen thưởng trái pháp luật"),
    "adverse_finding": msg("Vi phạm pháp luật bị phát hiện sau khi được khen thưởng"),
}
SIGNED = (DecisionState.SIGNED, DecisionState.PUBLISHED)
PENDING = (DecisionState.DRAFT, DecisionState.AWAITING_SIGNATURE)


@dataclass(frozen=True)
class Recovery:
    """What the awardee must give back: the money paid with the award and the certificate that proves it."""

    amount_vnd: int
    items: tuple[str, ...]


def is_revocation(decision: Decision) -> bool:
    return (decision.content or {}).get("kind") == KIND


def recovery_for(session: Session, entry: RegistryEntry) -> Recovery:
    """The amount paid is the one the awarding decision fixed for that line at signing (the registry keeps the same
    figure; it is the fallback for an award whose line is missing)."""
    paid = session.scalar(
        select(DecisionItem.amount_vnd).where(
            DecisionItem.decision_id == entry.decision_id, DecisionItem.nomination_id == entry.nomination_id
        )
    )
    if paid is None:
        paid = entry.money_vnd or 0
    title = title_names(session).get(entry.title_code, entry.title_code)
    return Recovery(amount_vnd=paid, items=(f"Giấy chứng nhận / Giấy khen “{title}” năm {entry.year}",))


def revocable_problems(session: Session, entry: RegistryEntry, authority_id: int) -> list[str]:
    """Why this registry entry cannot be revoked by the authority (empty when it can): only an award this system
    recorded from a signed decision of the same authority, still standing, and not already being revoked."""
    awarding = session.get(Decision, entry.decision_id) if entry.decision_id else None
    if awarding is None or entry.nomination_id is None:
        return [msg("Chỉ thu hồi được khen thưởng do quyết định trên hệ thống này trao.")]
    if awarding.authority_id != authority_id:
        return [msg("Khen thưởng này do cơ quan khác quyết định.")]
    if entry.revoked_at is not None:
        return [msg("Khen thưởng này đã bị thu hồi.")]
    if awarding.state not in SIGNED:
        return [msg("Quyết định khen thưởng chưa được ký hoặc đã bị hủy.")]
    problems = []
    nomination = session.get(Nomination, entry.nomination_id)
    if nomination is None or nomination.state != NominationState.AWARDED:
        problems.append(msg("Đề nghị khen thưởng không còn ở trạng thái đã khen thưởng."))
    if pending_for(session, entry) is not None:
        problems.append(msg("Khen thưởng này đang có đề nghị thu hồi chờ ký."))
    return problems


def _revocations(session: Session, authority_id: int | None = None) -> list[Decision]:
    query = select(Decision).order_by(Decision.id.desc())
    if authority_id is not None:
        query = query.where(Decision.authority_id == authority_id)
    return [d for d in session.scalars(query) if is_revocation(d)]


def pending_for(session: Session, entry: RegistryEntry) -> Decision | None:
    return next(
        (
            d
            for d in _revocations(session, entry.authority_id)
            if d.state in PENDING and d.content.get("registry_entry_id") == entry.id
        ),
        None,
    )


def revocations(session: Session, authority: Authority) -> list[Decision]:
    """The authority's revocation decisions, newest first."""
    return _revocations(session, authority.id)


def propose_revocation(
    session: Session, entry: RegistryEntry, *, actor: User, reason_category: str, comment: str
) -> Decision:
    """The office's proposal: a revocation decision drafted and sent for the chairman's signature at once (there is
    nothing in it to edit but the reason). Raises PermissionDenied, InvalidInput (every bad field at once)."""
    authority = session.get(Authority, entry.authority_id) if entry.authority_id else None
    if authority is None or not can_draft_decision(actor, authority):
        raise PermissionDenied()
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if reason_category not in REASONS:
        errors["reason_category"] = [msg("Vui lòng chọn căn cứ thu hồi.")]
    if not comment or len(comment) > COMMENT_MAX:
        errors["comment"] = [msg("Vui lòng ghi rõ lý do thu hồi (tối đa %(max)s ký tự).", max=COMMENT_MAX)]
    problems = revocable_problems(session, entry, authority.id)
    if problems:
        errors["registry_entry_id"] = problems
    if errors:
        raise InvalidInput(errors)
    awarding = session.get(Decision, entry.decision_id)
    recovery = recovery_for(session, entry)
    title = title_names(session).get(entry.title_code, entry.title_code)
    name = entry.nominee.full_name
    decision = Decision(
        authority_id=authority.id,
        summary=f"Về việc thu hồi danh hiệu {title} năm {entry.year} đã khen thưởng cho {name}"[:500],
        drafted_by_id=actor.id,
        content={
            "kind": KIND,
            "registry_entry_id": entry.id,
            "nomination_id": entry.nomination_id,
            "revokes_decision_id": awarding.id,
            "revokes_number": awarding.number_text,
            "revokes_date": awarding.signed_on.isoformat(),
            "awardee": name,
            "title": title,
            "year": entry.year,
            "reason_category": reason_category,
            "reason": comment,
            "recover_amount_vnd": recovery.amount_vnd,
            "recover_items": list(recovery.items),
        },
    )
    session.add(decision)
    session.flush()
    audit.append(
        session,
        entity_type="decision",
        entity_id=decision.id,
        action="propose_revocation",
        actor_id=actor.id,
        to_state=decision.state,
        data={"registry_entry": entry.id, "reason_category": reason_category, "comment": comment},
    )
    # One line to act on: the award it revokes (the guard counts what the decision is about).
    fire(DECISION, decision, "submit_for_signature", actor=actor, data={"comment": comment}, context={"items": 1})
    return decision


def sign_revocation(
    session: Session,
    decision: Decision,
    *,
    actor: User,
    capacity: str = "chairman",
    signed_on: date | None = None,
    version: int | None = None,
) -> Decision:
    """The chairman signs: see the module's docstring for what it writes. Raises PermissionDenied, StaleObject,
    InvalidInput (not a revocation), GuardFailed (the award can no longer be revoked), TransitionNotAllowed."""
    if not can_decide(actor, decision):
        raise PermissionDenied()
    if version is not None and version != decision.version:
        raise StaleObject()
    if not is_revocation(decision):
        raise InvalidInput({"decision": [msg("Đây không phải quyết định thu hồi khen thưởng.")]})
    if decision.state != DecisionState.AWAITING_SIGNATURE:
        # Before the register is touched: a refused signing holds no number.
        raise TransitionNotAllowed("sign", decision.state, [])
    entry = session.get(RegistryEntry, decision.content["registry_entry_id"])
    if entry.revoked_at is not None or entry.nomination_id is None:
        raise GuardFailed([msg("Khen thưởng này đã bị thu hồi.")])
    signed_on = signed_on or local_today()
    number = next_number(session, decision.authority_id, signed_on.year)
    number_text = fire_signature(
        decision, actor=actor, number=number, signed_on=signed_on, capacity=capacity, version=version
    )
    content = decision.content
    fire(
        NOMINATION,
        session.get(Nomination, entry.nomination_id),
        "revoke",
        actor=actor,
        data={
            "comment": content["reason"],
            "reason_category": content["reason_category"],
            "decision": number_text,
            "recover_amount_vnd": content["recover_amount_vnd"],
            "recover_items": content["recover_items"],
        },
    )
    entry.revoked_at = utcnow()
    entry.revoked_by_decision_id = decision.id
    content["revoked_on"] = signed_on.isoformat()
    flag_modified(decision, "content")
    session.flush()
    audit.append(
        session,
        entity_type="registry_entry",
        entity_id=entry.id,
        action="revoke",
        actor_id=actor.id,
        data={"decision": number_text, "recover_amount_vnd": content["recover_amount_vnd"]},
    )
    return decision


def revocable_entries(session: Session, nominee_id: int, authority_id: int) -> list[RegistryEntry]:
    """The person's awards the authority could revoke now, newest first (what the proposal form offers)."""
    entries = session.scalars(
        select(RegistryEntry)
        .where(RegistryEntry.nominee_id == nominee_id, RegistryEntry.authority_id == authority_id)
        .order_by(RegistryEntry.year.desc(), RegistryEntry.id.desc())
    )
    return [e for e in entries if not revocable_problems(session, e, authority_id)]


def propose_by_id(
    session: Session, registry_entry_id: int, *, actor: User, reason_category: str, comment: str
) -> Decision:
    """`propose_revocation` for a caller who names the registry entry by id; an unknown one is a field error."""
    entry = session.get(RegistryEntry, registry_entry_id)
    if entry is None:
        raise InvalidInput({"registry_entry_id": [msg("Không có khen thưởng này trong Sổ theo dõi.")]})
    return propose_revocation(session, entry, actor=actor, reason_category=reason_category, comment=comment)
