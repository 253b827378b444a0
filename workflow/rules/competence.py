"""E13: who may decide a title on a given day (docs/DOMAIN.md §3).

An authority decides a title only when the rule set (or a province layer on top of it) gives its level the title
AND the authority itself exists that day; otherwise the nomination is forwarded upward (trình cấp trên), never
decided locally. The end of the district level on 30 June 2025 is the district authorities' `valid_to`, so it
reaches every rule set without a line of code about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, AwardTitle, Competence, RuleSet

DECIDE, FORWARD = "decide", "forward"
LEVEL_LABELS = {"commune": "cấp xã", "district": "cấp huyện", "province": "cấp tỉnh", "national": "cấp Trung ương"}


@dataclass(frozen=True)
class Route:
    route: str
    reason: str
    source: str
    # Who decides: the authority itself, its successor, or the nearest one above whose level the rule set names
    # (None when no authority in the data holds that level on the day, e.g. the national level).
    competent: Authority | None = None


def route_for(
    session: Session,
    *,
    authority: Authority,
    title_code: str,
    rule_set: RuleSet,
    on: date,
    layers: Sequence[RuleSet] = (),
) -> Route:
    """Decide here or forward, with the reason and the legal source of the competence rows it rests on.
    `layers` are province override rule sets, nearest authority first; one that names any level for the title
    replaces the national list for that title."""
    precedence = [layer.id for layer in layers] + [rule_set.id]
    rows = _competences(session, precedence, title_code)
    title = _title_name(session, precedence, title_code)
    levels = list(dict.fromkeys(LEVEL_LABELS.get(row.authority_level, row.authority_level) for row in rows))
    level = LEVEL_LABELS.get(authority.level, authority.level)
    here = [row for row in rows if row.authority_level == authority.level]
    source = "; ".join(dict.fromkeys(row.legal_source for row in (here or rows)))
    competent = _competent(authority, {row.authority_level for row in rows}, on)
    if not here:
        decided_by = ", ".join(levels) if levels else "không cấp nào trong bộ quy định"
        return Route(
            FORWARD,
            f"{title} do {decided_by} quyết định; {authority.name} ({level}) trình cấp trên.",
            source,
            competent,
        )
    if not authority.valid_on(on):
        return Route(FORWARD, _out_of_office(authority, on), source, competent)
    return Route(
        DECIDE,
        f"{authority.name} ({level}) có thẩm quyền quyết định {title} vào ngày {on:%d/%m/%Y}: quyết định tại cấp này.",
        source,
        authority,
    )


def _competent(authority: Authority, levels: set[str], on: date) -> Authority | None:
    """Who decides when the authority does not: its successor if it has ended, else the nearest authority above
    (an ended one standing for its successor) whose level the rule set names, on the day."""
    seen: set[int] = set()
    current: Authority | None = authority
    while current is not None and current.id not in seen:
        seen.add(current.id)
        while not current.valid_on(on) and current.successor is not None and current.successor.id not in seen:
            current = current.successor
            seen.add(current.id)
        if current.level in levels and current.valid_on(on):
            return current
        current = current.parent
    return None


def _competences(session: Session, precedence: list[int], title_code: str) -> list[Competence]:
    rows = session.scalars(
        select(Competence)
        .where(Competence.rule_set_id.in_(precedence), Competence.title_code == title_code)
        .order_by(Competence.id)
    ).all()
    for rule_set_id in precedence:
        mine = [row for row in rows if row.rule_set_id == rule_set_id]
        if mine:
            return mine
    return []


def _title_name(session: Session, precedence: list[int], title_code: str) -> str:
    names = dict(
        session.execute(
            select(AwardTitle.rule_set_id, AwardTitle.name_vi).where(
                AwardTitle.rule_set_id.in_(precedence), AwardTitle.code == title_code
            )
        ).all()
    )
    return next((names[i] for i in precedence if i in names), title_code)


def _out_of_office(authority: Authority, on: date) -> str:
    if on < authority.valid_from:
        since = f"chỉ có thẩm quyền từ ngày {authority.valid_from:%d/%m/%Y}"
    else:
        since = f"chỉ có thẩm quyền đến hết ngày {authority.valid_to:%d/%m/%Y}"
    return f"{authority.name} {since}; ngày quyết định dự kiến {on:%d/%m/%Y}: trình cấp trên."
