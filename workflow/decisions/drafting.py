"""Drafting a decision (docs/DOMAIN.md §7): the standing office gathers approved nominations its authority may
decide, and the draft starts with the parts the office would otherwise type: the legal bases of the rule set in
force, the recital citing each unit's proposal and the council's session, Article 1 (the awardees by title, with
the achievement the decision states), Article 2 (who executes it) and the recipients. Everything stays editable
while the decision is a draft; the money shown until signing is an estimate (it is fixed at signing with the base
salary in force on the decision date).

A nomination may sit on one live decision only. Two drafts racing for the same nomination can both be saved, but
signing awards the nomination, and the second signing is then refused by the nomination's own state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models import AgendaItem, Authority, Council, CouncilSession, Decision, DecisionItem, Dossier, Nomination, User
from models.decision import DecisionState
from models.dossier import DossierState, NominationState
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied, StaleObject
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ, local_today
from workflow.core.vietnamese import person_order
from workflow.permissions import can_draft_decision
from workflow.registry.entries import title_names
from workflow.rules.applicable import DEFAULT_BASIS, rule_set_for
from workflow.rules.competence import DECIDE, route_for
from workflow.rules.eligibility.basis import rule_book_for
from workflow.rules.money import MoneyAmount, award_amount, nomination_amount

CONTENT_LISTS = ("legal_bases", "executors", "recipients")
CONTENT_TEXTS = ("recital",)
TEXT_MAX = 4000
SUMMARY_MAX = 500
# The format decree is the layout's basis, not a basis of the award: it is never cited in "Căn cứ …".
NOT_CITED = ("30/2020",)
DEFAULT_ACHIEVEMENT = "Đã có thành tích trong thực hiện nhiệm vụ năm {year}"


def _achievement(nomination: Nomination) -> str:
    return nomination.achievement.strip() or DEFAULT_ACHIEVEMENT.format(year=nomination.year)


def nomination_label(nomination: Nomination) -> str:
    return f"{nomination.nominee.full_name} ({nomination.title_code} năm {nomination.year})"


def awaiting_here_problems(authority: Authority, nomination: Nomination) -> list[str]:
    """Why the nomination is not waiting for this authority's decision step (empty when it is): the council approved
    it and its dossier, filed with this authority, waits for the decision. Deciding here and forwarding upward both
    start from it."""
    label = nomination_label(nomination)
    dossier = nomination.dossier
    problems = []
    if nomination.state != NominationState.APPROVED:
        problems.append(
            msg(
                "%(nomination)s chưa được Hội đồng thông qua (trạng thái: %(state)s).",
                nomination=label,
                state=nomination.state,
            )
        )
    if dossier.authority_id != authority.id:
        problems.append(msg("%(nomination)s thuộc hồ sơ gửi cơ quan khác.", nomination=label))
    elif dossier.state not in (DossierState.AWAITING_DECISION, DossierState.DECIDED):
        problems.append(
            msg("Hồ sơ %(code)s của %(nomination)s chưa ở bước trình quyết định.", code=dossier.code, nomination=label)
        )
    return problems


def decidable_problems(session: Session, authority: Authority, nomination: Nomination, day: date) -> list[str]:
    """Why the authority may not award this nomination by a decision dated `day` (empty when it may): the council
    approved it, its dossier waits for the decision at this authority, and E13 routes it here on that day."""
    problems = awaiting_here_problems(authority, nomination)
    if problems:
        return problems
    book = rule_book_for(session, nomination, today=day, basis=DEFAULT_BASIS)
    route = route_for(
        session,
        authority=authority,
        title_code=nomination.title_code,
        rule_set=book.rule_set,
        on=day,
        layers=book.layers,
    )
    if route.route != DECIDE:
        problems.append(
            msg(
                "%(nomination)s không thuộc thẩm quyền quyết định: %(reason)s",
                nomination=nomination_label(nomination),
                reason=route.reason,
            )
        )
    return problems


def _on_other_decisions(session: Session, nominations: Iterable[Nomination], decision_id: int | None) -> list[str]:
    rows = session.execute(
        select(DecisionItem.nomination_id, Decision)
        .join(Decision, DecisionItem.decision_id == Decision.id)
        .where(
            DecisionItem.nomination_id.in_([n.id for n in nominations]),
            Decision.state != DecisionState.REVOKED,
            Decision.id != (decision_id or 0),
        )
    ).all()
    held = {nomination_id: decision for nomination_id, decision in rows}
    return [
        msg(
            "%(nomination)s đã có trong dự thảo hoặc quyết định khác (#%(decision)s).",
            nomination=nomination_label(n),
            decision=held[n.id].number_text or held[n.id].id,
        )
        for n in nominations
        if n.id in held
    ]


def _check_nominations(
    session: Session, authority: Authority, nominations: Sequence[Nomination], decision_id: int | None
) -> None:
    if not nominations:
        raise InvalidInput({"nominations": [msg("Cần chọn ít nhất một đề nghị đã được Hội đồng thông qua.")]})
    if len({n.id for n in nominations}) != len(nominations):
        raise InvalidInput({"nominations": [msg("Mỗi đề nghị chỉ được ghi một lần trong quyết định.")]})
    day = local_today()
    problems = [p for n in nominations for p in decidable_problems(session, authority, n, day)]
    problems += _on_other_decisions(session, nominations, decision_id)
    if problems:
        raise InvalidInput({"nominations": problems})


def _ordered(session: Session, nominations: Iterable[Nomination]) -> list[Nomination]:
    """Article 1's order: by title (as the rule sets list them), then unit, then name in Vietnamese order."""
    titles = {code: i for i, code in enumerate(title_names(session))}
    return sorted(
        nominations,
        key=lambda n: (titles.get(n.title_code, len(titles)), n.dossier.unit.name, person_order(n.nominee.full_name)),
    )


def _legal_bases(session: Session, nominations: Sequence[Nomination], day: date) -> list[str]:
    """The texts of the rule set that judges the nominations, and the province's own regulation (its layers)."""
    bases: list[str] = []
    for nomination in nominations:
        book = rule_book_for(session, nomination, today=day, basis=DEFAULT_BASIS)
        for rule_set in (book.rule_set, *book.layers):
            for text in rule_set.legal_source.split(";"):
                text = " ".join(text.split())
                if text and not any(mark in text for mark in NOT_CITED):
                    line = f"Căn cứ {text};"
                    if line not in bases:
                        bases.append(line)
    return bases


def _sessions(session: Session, nominations: Sequence[Nomination]) -> list[CouncilSession]:
    return list(
        session.scalars(
            select(CouncilSession)
            .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
            .where(AgendaItem.nomination_id.in_([n.id for n in nominations]))
            .distinct()
            .order_by(CouncilSession.scheduled_at, CouncilSession.id)
        )
    )


def _recital(session: Session, authority: Authority, nominations: Sequence[Nomination]) -> str:
    dossiers = list({n.dossier.id: n.dossier for n in nominations}.values())
    proposals = "; ".join(f"{d.unit.name} tại hồ sơ {d.code} “{d.title}”" for d in dossiers)
    text = f"Xét đề nghị của {proposals}"
    sessions = _sessions(session, nominations)
    if sessions:
        held = "; ".join(f"{s.title} ngày {s.scheduled_at.astimezone(LOCAL_TZ):%d/%m/%Y}" for s in sessions)
        text += f" và kết quả họp của {sessions[0].council.name} ({held})"
    office = _standing_office_name(session, authority)
    if office:
        text += f"; theo đề nghị của Trưởng {office}"
    return text + "."


def _standing_office_name(session: Session, authority: Authority) -> str | None:
    council = session.scalar(select(Council).where(Council.authority_id == authority.id).order_by(Council.id))
    return council.standing_office.name if council is not None else None


def _executors(session: Session, authority: Authority, nominations: Sequence[Nomination]) -> list[str]:
    executors = [f"Chánh Văn phòng {authority.short_name}"]
    office = _standing_office_name(session, authority)
    if office:
        executors.append(f"Trưởng {office}")
    units = list(dict.fromkeys(n.dossier.unit.name for n in nominations))
    executors += [f"Thủ trưởng {unit}" for unit in units]
    executors.append("các cá nhân, tập thể có tên tại Điều 1")
    return executors


def _summary(session: Session, nominations: Sequence[Nomination]) -> str:
    names = title_names(session)
    titles = list(dict.fromkeys(names.get(n.title_code, n.title_code) for n in nominations))
    years = sorted({n.year for n in nominations})
    return f"Về việc khen thưởng {', '.join(titles)} năm {', '.join(str(y) for y in years)}"[:SUMMARY_MAX]


def draft_decision(session: Session, authority: Authority, nominations: Sequence[Nomination], actor: User) -> Decision:
    """A new draft awarding `nominations`, with its content filled in from the data (see the module's docstring).
    Raises PermissionDenied, InvalidInput (every nomination that cannot be decided here, and why)."""
    if not can_draft_decision(actor, authority):
        raise PermissionDenied()
    nominations = list(nominations)
    _check_nominations(session, authority, nominations, None)
    ordered = _ordered(session, nominations)
    content = {
        "legal_bases": _legal_bases(session, ordered, local_today()),
        "recital": _recital(session, authority, ordered),
        "executors": _executors(session, authority, ordered),
        "recipients": ["Như Điều 2", f"Lưu: VT, {_standing_office_name(session, authority) or 'VP'}"],
    }
    decision = Decision(
        authority_id=authority.id, summary=_summary(session, ordered), drafted_by_id=actor.id, content=content
    )
    decision.items = [
        DecisionItem(
            nomination_id=n.id,
            position=i,
            achievement=_achievement(n),
        )
        for i, n in enumerate(ordered, start=1)
    ]
    session.add(decision)
    session.flush()
    audit.append(
        session,
        entity_type="decision",
        entity_id=decision.id,
        action="draft",
        actor_id=actor.id,
        to_state=decision.state,
        data={"nominations": [n.id for n in ordered], "summary": decision.summary},
    )
    return decision


def _clean_content(content: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    errors, clean = [], {}
    for key, value in content.items():
        if key in CONTENT_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(msg("Mục “%(key)s” phải là danh sách các dòng chữ.", key=key))
                continue
            clean[key] = [" ".join(v.split()) for v in value if v.strip()]
            if any(len(v) > TEXT_MAX for v in clean[key]):
                errors.append(msg("Mỗi dòng dài tối đa %(limit)s ký tự.", limit=TEXT_MAX))
        elif key in CONTENT_TEXTS:
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                errors.append(msg("Mục “%(key)s” dài tối đa %(limit)s ký tự.", key=key, limit=TEXT_MAX))
                continue
            clean[key] = value.strip()
        else:
            errors.append(msg("Quyết định không có mục “%(key)s”.", key=key))
    return clean, errors


@dataclass(frozen=True)
class ItemInput:
    """One line of Article 1 as the office leaves it: the nomination and the achievement the decision states."""

    nomination_id: int
    achievement: str


def update_draft(
    session: Session,
    decision: Decision,
    *,
    actor: User,
    summary: str | None = None,
    content: dict[str, Any] | None = None,
    items: Sequence[ItemInput] | None = None,
    version: int | None = None,
) -> Decision:
    """The office edits a draft: the summary, parts of the content (those given replace the stored ones) and, when
    `items` is given, the whole of Article 1 in its new order. Raises PermissionDenied, StaleObject, InvalidInput."""
    if not can_draft_decision(actor, decision):
        raise PermissionDenied()
    if version is not None and version != decision.version:
        raise StaleObject()
    if decision.state != DecisionState.DRAFT:
        raise InvalidInput({"decision": [msg("Chỉ sửa được quyết định khi còn là dự thảo.")]})
    errors: dict[str, list[str]] = {}
    changed: dict[str, Any] = {}
    new_content = dict(decision.content or {})
    if summary is not None:
        summary = " ".join(summary.split())
        if not summary or len(summary) > SUMMARY_MAX:
            errors["summary"] = [msg("Trích yếu không được để trống, tối đa %(limit)s ký tự.", limit=SUMMARY_MAX)]
        changed["summary"] = summary
    if content is not None:
        clean, problems = _clean_content(content)
        if problems:
            errors["content"] = problems
        new_content.update(clean)
        changed["content"] = sorted(clean)
    if items is not None:
        nominations = [session.get(Nomination, item.nomination_id) for item in items]
        if any(n is None for n in nominations):
            errors["items"] = [msg("Có đề nghị không tồn tại.")]
        else:
            try:
                _check_nominations(session, decision.authority, nominations, decision.id)
            except InvalidInput as refused:
                errors["items"] = refused.errors["nominations"]
        if any(len(item.achievement) > TEXT_MAX for item in items):
            errors.setdefault("items", []).append(msg("Mỗi dòng dài tối đa %(limit)s ký tự.", limit=TEXT_MAX))
    if errors:
        raise InvalidInput(errors)
    if summary is not None:
        decision.summary = summary
    decision.content = new_content
    # The row is updated, and its version moves, even when only the items change: a page showing the old list then
    # refuses a stale action.
    flag_modified(decision, "content")
    if items is not None:
        _replace_items(decision, items)
        changed["items"] = [item.nomination_id for item in items]
    session.flush()
    audit.append(
        session, entity_type="decision", entity_id=decision.id, action="edit_draft", actor_id=actor.id, data=changed
    )
    return decision


def _replace_items(decision: Decision, items: Sequence[ItemInput]) -> None:
    """Lines kept are updated in place (their nomination is unique on the decision), the others added or removed."""
    kept = {item.nomination_id: item for item in decision.items}
    wanted = {item.nomination_id for item in items}
    decision.items = [item for item in decision.items if item.nomination_id in wanted]
    for position, given in enumerate(items, start=1):
        line = kept.get(given.nomination_id)
        if line is None:
            line = DecisionItem(nomination_id=given.nomination_id)
            decision.items.append(line)
        line.position, line.achievement = position, given.achievement.strip()


@dataclass(frozen=True)
class ArticleLine:
    item: DecisionItem
    nomination: Nomination
    money: MoneyAmount | None
    amount_vnd: int | None


@dataclass(frozen=True)
class TitleGroup:
    title_code: str
    title_name: str
    lines: tuple[ArticleLine, ...]


def article_one(session: Session, decision: Decision, *, on: date | None = None) -> list[TitleGroup]:
    """Article 1 grouped by title, in the decision's order, with each line's money: the amount fixed at signing,
    or until then the estimate with the base salary in force on `on` (today by default)."""
    names = title_names(session)
    groups: dict[str, list[ArticleLine]] = {}
    day = on or local_today()
    for item in decision.items:
        nomination = item.nomination
        if decision.signed_on is not None:
            money = award_amount(
                session,
                rule_set=rule_set_for(session, nomination.dossier, decision.signed_on),
                title_code=nomination.title_code,
                on=decision.signed_on,
                authority=nomination.dossier.authority,
            )
            amount = item.amount_vnd
        else:
            money = nomination_amount(session, nomination, on=day)
            amount = money.amount_vnd
        groups.setdefault(nomination.title_code, []).append(ArticleLine(item, nomination, money, amount))
    return [TitleGroup(code, names.get(code, code), tuple(lines)) for code, lines in groups.items()]


def dossiers_of(decision: Decision) -> list[Dossier]:
    """The dossiers the decision answers, in the order of its lines."""
    return list({item.nomination.dossier.id: item.nomination.dossier for item in decision.items}.values())
