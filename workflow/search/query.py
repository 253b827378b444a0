"""One search across dossiers, nominees, units, initiatives and decisions: every word of the folded query must
appear in a row's search key (in any order, as part of a word), and each kind stops where the actor's reading
stops, with the same rules as the lists that show those rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from models import Decision, Dossier, Initiative, Nominee, Unit, User
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.permissions import can_list_decisions, can_list_dossiers, can_search_registry, can_view_initiatives
from workflow.registry import initiatives
from workflow.registry.scope import visible_nominees, visible_unit_ids
from workflow.reporting.worklists import visible_dossiers
from workflow.search.keys import fold

KINDS = ("dossier", "nominee", "unit", "initiative", "decision")
KIND_LABELS = {
    "dossier": msg("Hồ sơ đề nghị"),
    "nominee": msg("Cá nhân, tập thể"),
    "unit": msg("Đơn vị"),
    "initiative": msg("Sáng kiến, đề tài"),
    "decision": msg("Quyết định"),
}
# Who reads each kind at all: the same predicates as the kind's own list.
READERS = {
    "dossier": can_list_dossiers,
    "nominee": can_search_registry,
    "unit": can_search_registry,
    "initiative": can_view_initiatives,
    "decision": can_list_decisions,
}
MAX_WORDS = 8
MAX_LIMIT = 100
# A dossier's code as people quote it (HS-2025-00042): its year and id, matched on those columns.
DOSSIER_CODE = re.compile(r"hs-(\d{4})-(\d{1,9})")


@dataclass(frozen=True)
class Hit:
    """One row found: what to show as the link (label), a few facts to tell it apart (context) and, for a
    dossier, its state."""

    kind: str
    id: int
    label: str
    context: tuple[str, ...]
    state: str | None = None


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    count: int
    hits: list[Hit]


@dataclass(frozen=True)
class Results:
    words: tuple[str, ...]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def search(session: Session, user: User, query: str | None, kinds: list[str] | None = None, limit: int = 10) -> Results:
    """The rows the user may read whose key holds every word of the query, up to `limit` per kind with the count
    of all; kinds the user reads nothing of are left out. Raises InvalidInput for too many words or an unknown
    kind."""
    words = tuple(dict.fromkeys(fold(query or "").split()))
    errors = {}
    if len(words) > MAX_WORDS:
        errors["q"] = [msg("Nhập tối đa %(n)s từ.", n=MAX_WORDS)]
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        errors["kind"] = [msg("Loại kết quả không hợp lệ: %(kinds)s.", kinds=", ".join(unknown))]
    if errors:
        raise InvalidInput(errors)
    if not words:
        return Results(words, [])
    limit = max(1, min(limit, MAX_LIMIT))
    groups = []
    for kind in KINDS:
        if (kinds and kind not in kinds) or not READERS[kind](user):
            continue
        found = _QUERIES[kind](session, user, words)
        count = session.scalar(select(func.count()).select_from(found.order_by(None).subquery()))
        rows = session.scalars(found.limit(limit)).all()
        groups.append(Group(kind, KIND_LABELS[kind], count, [_HITS[kind](row) for row in rows]))
    return Results(words, groups)


def _contains(column, word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def _every_word(column, words: tuple[str, ...]) -> ColumnElement[bool]:
    return and_(*(_contains(column, word) for word in words))


def _closest_first(column, words: tuple[str, ...]):
    """The whole query as typed before rows that only hold its words apart ("nguyen van an" before Nguyễn Văn
    Hùng, whose "van" holds an "an")."""
    return case((_contains(column, " ".join(words)), 0), else_=1)


def _dossiers(session: Session, user: User, words: tuple[str, ...]) -> Select:
    def matches(word: str) -> ColumnElement[bool]:
        code = DOSSIER_CODE.fullmatch(word)
        if code is None:
            return _contains(Dossier.search_key, word)
        year, number = int(code.group(1)), int(code.group(2))
        return or_(_contains(Dossier.search_key, word), and_(Dossier.year == year, Dossier.id == number))

    return (
        visible_dossiers(session, user)
        .where(*(matches(word) for word in words))
        .order_by(None)
        .order_by(_closest_first(Dossier.search_key, words), Dossier.id.desc())
    )


def _nominees(session: Session, user: User, words: tuple[str, ...]) -> Select:
    return (
        select(Nominee)
        .where(visible_nominees(session, user), Nominee.merged_into_id.is_(None))
        .where(_every_word(Nominee.search_key, words))
        .options(selectinload(Nominee.unit))
        .order_by(_closest_first(Nominee.search_key, words), Nominee.search_key, Nominee.id)
    )


def _units(session: Session, user: User, words: tuple[str, ...]) -> Select:
    reach = visible_unit_ids(session, user)
    return (
        select(Unit)
        .where(true() if reach is None else Unit.id.in_(reach), _every_word(Unit.search_key, words))
        .options(selectinload(Unit.authority))
        .order_by(_closest_first(Unit.search_key, words), Unit.search_key, Unit.id)
    )


def _initiatives(session: Session, user: User, words: tuple[str, ...]) -> Select:
    return (
        select(Initiative)
        .where(initiatives.visible(session, user), _every_word(Initiative.search_key, words))
        .options(selectinload(Initiative.unit))
        .order_by(_closest_first(Initiative.search_key, words), Initiative.year.desc(), Initiative.id.desc())
    )


def _decisions(session: Session, user: User, words: tuple[str, ...]) -> Select:
    own = Decision.authority_id == user.unit.authority_id if can_list_decisions(user) else false()
    return (
        select(Decision)
        .where(own, _every_word(Decision.search_key, words))
        .order_by(_closest_first(Decision.search_key, words), Decision.id.desc())
    )


def _dossier_hit(dossier: Dossier) -> Hit:
    return Hit("dossier", dossier.id, dossier.title, (dossier.code, dossier.unit.name), dossier.state)


def _nominee_hit(nominee: Nominee) -> Hit:
    context = []
    if nominee.date_of_birth is not None:
        context.append(msg("sinh năm %(year)s", year=nominee.date_of_birth.year))
    if nominee.unit is not None:
        context.append(nominee.unit.name)
    return Hit("nominee", nominee.id, nominee.full_name, tuple(context))


def _unit_hit(unit: Unit) -> Hit:
    return Hit("unit", unit.id, unit.name, (unit.code, unit.authority.short_name))


def _initiative_hit(initiative: Initiative) -> Hit:
    context = [msg("năm %(year)s", year=initiative.year)]
    if initiative.unit is not None:
        context.append(initiative.unit.name)
    return Hit("initiative", initiative.id, initiative.title, tuple(context))


def _decision_hit(decision: Decision) -> Hit:
    number = decision.number_text or msg("Dự thảo, chưa có số")
    return Hit("decision", decision.id, decision.summary, (number,))


_QUERIES = {
    "dossier": _dossiers,
    "nominee": _nominees,
    "unit": _units,
    "initiative": _initiatives,
    "decision": _decisions,
}
_HITS = {
    "dossier": _dossier_hit,
    "nominee": _nominee_hit,
    "unit": _unit_hit,
    "initiative": _initiative_hit,
    "decision": _decision_hit,
}
