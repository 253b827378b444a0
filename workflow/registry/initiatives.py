"""The initiative register (sổ sáng kiến, đề tài) of each authority: a unit proposes its people's initiatives and
research works, the standing office records the recognising body's decision (with the scope of effect) or its
refusal through the workflow engine, and a nomination names the initiatives it relies on. Only recognised
initiatives authored by the nominee's identity reach the eligibility rules (E4, E6, E7)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true
from sqlalchemy.orm import Session, selectinload

from models import Initiative, InitiativeAuthor, Nomination, Nominee, Role, Unit, User
from models.dossier import INITIATIVE_KINDS, INITIATIVE_SCOPES, InitiativeState
from workflow.core import audit
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import INITIATIVE
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.permissions import (
    REGISTRY_AUTHORITY_READERS,
    REGISTRY_UNIT_READERS,
    can_edit_dossier,
    can_propose_initiative,
    can_record_recognition,
    can_view_initiatives,
    can_view_registry_person,
)
from workflow.registry.identity import clean_name, merged_ids, surviving
from workflow.registry.scope import authority_tree, visible_nominees

# A module import: facts.py imports this module back for initiative_facts.
from workflow.rules.eligibility import facts as eligibility

SCOPES = INITIATIVE_SCOPES
KINDS = INITIATIVE_KINDS
STATES = InitiativeState.ALL
FIRST_YEAR = 1945


@dataclass(frozen=True)
class Author:
    nominee_id: int
    share: int


@dataclass(frozen=True)
class Recognition:
    """What the recognising body decided: its decision and the scope of effect it found."""

    decision_number: str
    recognised_on: date | None
    recognised_by: str
    scope: str


# --- checking input ------------------------------------------------------------------------------------------------


def _text(errors: dict, name: str, value: str, limit: int, missing: str | None) -> str:
    value = clean_name(value or "")
    if not value and missing:
        errors[name] = [missing]
    elif len(value) > limit:
        errors[name] = [msg("Tối đa %(limit)s ký tự.", limit=limit)]
    return value


def _authors(session: Session, actor: User, authors: Iterable[Author], errors: dict) -> list[tuple[Nominee, int]]:
    """People of the actor's registry (a unit: its own people), each once on their surviving identity; shares are
    whole percents that together make at most 100 (co-authors outside the register may hold the rest)."""
    found: dict[int, tuple[Nominee, int]] = {}
    problems = []
    for author in authors:
        nominee = session.get(Nominee, author.nominee_id)
        if nominee is None or not can_view_registry_person(actor, nominee) or nominee.kind != "person":
            problems.append(msg("Không có cá nhân mã %(id)s trong sổ theo dõi của đơn vị.", id=author.nominee_id))
            continue
        nominee = surviving(session, nominee)
        if not 1 <= author.share <= 100:
            problems.append(msg("Tỷ lệ đóng góp của %(name)s phải từ 1 đến 100%%.", name=nominee.full_name))
        elif nominee.id in found:
            problems.append(msg("%(name)s được ghi hai lần trong danh sách tác giả.", name=nominee.full_name))
        else:
            found[nominee.id] = (nominee, author.share)
    if not problems and not found:
        problems.append(msg("Cần ít nhất một tác giả."))
    elif not problems and sum(share for _, share in found.values()) > 100:
        problems.append(msg("Tổng tỷ lệ đóng góp của các tác giả không được quá 100%."))
    if problems:
        errors["authors"] = problems
    return list(found.values())


def _details(errors: dict, *, title: str, year: int, kind: str, field: str) -> tuple[str, str]:
    title = _text(errors, "title", title, 300, msg("Vui lòng nhập tên sáng kiến, đề tài."))
    field = _text(errors, "field", field, 200, None)
    last = local_today().year
    if not (isinstance(year, int) and FIRST_YEAR <= year <= last):
        errors["year"] = [msg("Năm áp dụng phải từ %(first)s đến %(last)s.", first=FIRST_YEAR, last=last)]
    if kind not in KINDS:
        errors["kind"] = [msg("Loại phải là sáng kiến hoặc đề tài nghiên cứu khoa học.")]
    return title, field


def _recognition(errors: dict, recognition: Recognition, year: int) -> Recognition:
    number = _text(errors, "decision_number", recognition.decision_number, 40, msg("Vui lòng nhập số quyết định."))
    body = _text(errors, "recognised_by", recognition.recognised_by, 200, msg("Vui lòng nhập cơ quan công nhận."))
    day = recognition.recognised_on
    if day is None:
        errors["recognised_on"] = [msg("Vui lòng nhập ngày quyết định.")]
    elif day > local_today():
        errors["recognised_on"] = [msg("Ngày quyết định không được sau ngày hôm nay.")]
    elif isinstance(year, int) and day.year < year:  # a bad year is reported on its own field
        errors["recognised_on"] = [msg("Quyết định công nhận không thể ký trước năm %(year)s.", year=year)]
    if recognition.scope not in SCOPES:
        errors["scope"] = [msg("Phạm vi ảnh hưởng phải là đơn vị, cấp huyện, cấp tỉnh hoặc toàn quốc.")]
    return Recognition(number, day, body, recognition.scope)


def _recognition_data(recognition: Recognition) -> dict:
    return {
        "decision_number": recognition.decision_number,
        "recognised_on": recognition.recognised_on.isoformat(),
        "recognised_by": recognition.recognised_by,
        "scope": recognition.scope,
    }


def _new(unit: Unit, title: str, year: int, kind: str, field: str, authors) -> Initiative:
    initiative = Initiative(
        authority_id=unit.authority_id, unit_id=unit.id, year=year, title=title, kind=kind, field=field
    )
    initiative.authors = [InitiativeAuthor(nominee=nominee, share=share) for nominee, share in authors]
    return initiative


def _audit_created(session: Session, initiative: Initiative, action: str, actor: User, **extra) -> None:
    audit.append(
        session,
        entity_type=INITIATIVE.name,
        entity_id=initiative.id,
        action=action,
        actor_id=actor.id,
        to_state=initiative.state,
        data={
            "title": initiative.title,
            "year": initiative.year,
            "kind": initiative.kind,
            "field": initiative.field,
            "unit_id": initiative.unit_id,
            "authors": [{"nominee_id": a.nominee.id, "share": a.share} for a in initiative.authors],
            **extra,
        },
    )


# --- writing -------------------------------------------------------------------------------------------------------


def propose(
    session: Session, *, actor: User, title: str, year: int, kind: str, field: str = "", authors: Iterable[Author]
) -> Initiative:
    """A unit proposes one of its people's initiatives to its authority's register; audited. Raises
    PermissionDenied, InvalidInput with every problem."""
    if not can_propose_initiative(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    title, field = _details(errors, title=title, year=year, kind=kind, field=field)
    people = _authors(session, actor, authors, errors)
    if errors:
        raise InvalidInput(errors)
    initiative = _new(actor.unit, title, year, kind, field, people)
    initiative.state = InitiativeState.PROPOSED
    session.add(initiative)
    session.flush()
    _audit_created(session, initiative, "initiative_proposed", actor)
    return initiative


def record_recognised(
    session: Session,
    *,
    actor: User,
    unit: Unit,
    title: str,
    year: int,
    kind: str,
    field: str,
    authors: Iterable[Author],
    recognition: Recognition,
) -> Initiative:
    """An initiative recognised before the register existed, entered whole by the office of the unit's authority
    (the Excel import); audited. Raises PermissionDenied, InvalidInput."""
    if not can_record_recognition(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if actor.unit.authority_id != unit.authority_id:
        errors["unit"] = [msg("Đơn vị này thuộc sổ sáng kiến của cơ quan khác.")]
    title, field = _details(errors, title=title, year=year, kind=kind, field=field)
    recognition = _recognition(errors, recognition, year)
    people = _authors(session, actor, authors, errors)
    if not errors and _already_registered(session, unit.authority_id, title, recognition.decision_number):
        errors["decision_number"] = [
            msg(
                "Sổ sáng kiến đã có “%(title)s” theo quyết định số %(decision)s.",
                title=title,
                decision=recognition.decision_number,
            )
        ]
    if errors:
        raise InvalidInput(errors)
    initiative = _new(unit, title, year, kind, field, people)
    initiative.state = InitiativeState.RECOGNISED
    initiative.decision_number = recognition.decision_number
    initiative.recognised_on = recognition.recognised_on
    initiative.recognised_by = recognition.recognised_by
    initiative.scope = recognition.scope
    session.add(initiative)
    session.flush()
    _audit_created(session, initiative, "initiative_imported", actor, **_recognition_data(recognition))
    return initiative


def _already_registered(session: Session, authority_id: int, title: str, decision_number: str) -> bool:
    """One recognition is entered once: the same title under the same decision (case aside) is a repeat."""
    rows = session.execute(
        select(Initiative.title, Initiative.decision_number).where(Initiative.authority_id == authority_id)
    )
    return any(t.casefold() == title.casefold() and d.casefold() == decision_number.casefold() for t, d in rows)


def add_author(session: Session, initiative: Initiative, author: Author, *, actor: User) -> None:
    """One more co-author of an initiative the office is entering (the import's next row of the same
    initiative); audited. Raises PermissionDenied, InvalidInput."""
    if not can_record_recognition(actor, initiative):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    current = [Author(a.nominee_id, a.share) for a in initiative.authors]
    people = _authors(session, actor, [*current, author], errors)
    if errors:
        raise InvalidInput(errors)
    nominee, share = people[-1]
    initiative.authors.append(InitiativeAuthor(nominee=nominee, share=share))
    session.flush()
    audit.append(
        session,
        entity_type=INITIATIVE.name,
        entity_id=initiative.id,
        action="initiative_author_added",
        actor_id=actor.id,
        data={"title": initiative.title, "nominee_id": nominee.id, "share": share},
    )


def recognise(
    session: Session,
    initiative: Initiative,
    *,
    actor: User,
    version: int | None = None,
    decision_number: str = "",
    recognised_on: date | None = None,
    recognised_by: str = "",
    scope: str = "",
) -> None:
    """The office records the recognition decision and the scope of effect; through the engine, so audited.
    Raises PermissionDenied, InvalidInput, and what `fire` raises."""
    if not can_record_recognition(actor, initiative):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    recognition = _recognition(
        errors, Recognition(decision_number, recognised_on, recognised_by, scope), initiative.year
    )
    if errors:
        raise InvalidInput(errors)
    fire(
        INITIATIVE,
        initiative,
        "recognise",
        actor=actor,
        data={"title": initiative.title, **_recognition_data(recognition)},
        changes={
            "decision_number": recognition.decision_number,
            "recognised_on": recognition.recognised_on,
            "recognised_by": recognition.recognised_by,
            "scope": recognition.scope,
        },
        expected_version=version,
    )


def refuse(
    session: Session, initiative: Initiative, *, actor: User, version: int | None = None, comment: str = ""
) -> None:
    """The office records that the recognising body did not recognise it, and why; through the engine."""
    fire(
        INITIATIVE,
        initiative,
        "refuse",
        actor=actor,
        data={"title": initiative.title, "comment": (comment or "").strip()},
        expected_version=version,
    )


def _identity_ids(session: Session, nominee: Nominee) -> list[int]:
    return sorted(merged_ids(session, surviving(session, nominee).id) | {nominee.id})


def _authored_by(ids: Iterable[int]) -> ColumnElement[bool]:
    return exists().where(InitiativeAuthor.initiative_id == Initiative.id, InitiativeAuthor.nominee_id.in_(list(ids)))


def link_nomination(session: Session, nomination: Nomination, initiative_ids: list[int], *, actor: User) -> None:
    """Set the initiatives a nomination relies on: only its nominee's own (an author of each, on any row of the
    identity). Another initiative reads as unknown, whoever registered it. Audited on the dossier. Raises
    PermissionDenied, InvalidInput."""
    if not can_edit_dossier(actor, nomination):
        raise PermissionDenied()
    wanted = list(dict.fromkeys(initiative_ids))
    own = {
        i.id: i
        for i in session.scalars(
            select(Initiative).where(
                Initiative.id.in_(wanted), _authored_by(_identity_ids(session, nomination.nominee))
            )
        )
    }
    unknown = [i for i in wanted if i not in own]
    if unknown:
        problems = [
            msg("Sáng kiến, đề tài mã %(id)s không có hoặc không do người được đề nghị là tác giả.", id=i)
            for i in unknown
        ]
        raise InvalidInput({"initiative_ids": problems})
    before = [i.id for i in nomination.initiatives]
    nomination.initiatives = [own[i] for i in sorted(wanted)]
    session.flush()
    audit.append(
        session,
        entity_type="nomination",
        entity_id=nomination.id,
        dossier_id=nomination.dossier_id,
        action="initiatives_linked",
        actor_id=actor.id,
        data={"nominee": nomination.nominee.full_name, "before": before, "after": sorted(wanted)},
    )


# --- reading -------------------------------------------------------------------------------------------------------


def visible(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on Initiative, the same reach as can_view_initiative: a unit its own proposals, the office,
    secretary and chairman their authority's and those under it, the administrator all."""
    if not can_view_initiatives(actor):
        return false()
    if actor.has_role(Role.ADMIN):
        return true()
    clauses = []
    if actor.has_role(*REGISTRY_AUTHORITY_READERS):
        clauses.append(Initiative.authority_id.in_(authority_tree(session, actor.unit.authority_id)))
    if actor.has_role(*REGISTRY_UNIT_READERS):
        clauses.append(Initiative.unit_id == actor.unit_id)
    return or_(*clauses) if clauses else false()


def search(
    session: Session,
    *,
    actor: User,
    unit_id: int | None = None,
    year: int | None = None,
    state: str | None = None,
) -> Select:
    """The register as the actor may read it, newest first, as a query to page through."""
    query = (
        select(Initiative)
        .where(visible(session, actor))
        .options(
            selectinload(Initiative.authors).selectinload(InitiativeAuthor.nominee),
            selectinload(Initiative.unit),
        )
    )
    if unit_id is not None:
        query = query.where(Initiative.unit_id == unit_id)
    if year is not None:
        query = query.where(Initiative.year == year)
    if state is not None:
        query = query.where(Initiative.state == state)
    return query.order_by(Initiative.year.desc(), Initiative.id.desc())


def for_nomination(session: Session, nomination: Nomination) -> list[Initiative]:
    """What the appraisal shows: the initiatives the nomination names, and every recognised one its nominee's
    identity authored (the rules count those whether named or not)."""
    ids = _identity_ids(session, nomination.nominee)
    return list(
        session.scalars(
            select(Initiative)
            .where(
                or_(
                    Initiative.id.in_([i.id for i in nomination.initiatives]),
                    (Initiative.state == InitiativeState.RECOGNISED) & _authored_by(ids),
                )
            )
            .order_by(Initiative.year, Initiative.id)
        )
    )


def initiative_facts(
    session: Session, nominee_ids: Iterable[int], nomination: Nomination
) -> tuple[eligibility.InitiativeFact, ...]:
    """The recognised initiatives the rules read: authored by any row of the identity, or named by the
    nomination. A proposed or refused one never counts."""
    named = [i.id for i in nomination.initiatives]
    rows = session.scalars(
        select(Initiative)
        .where(
            Initiative.state == InitiativeState.RECOGNISED,
            or_(_authored_by(nominee_ids), Initiative.id.in_(named)),
        )
        .order_by(Initiative.year, Initiative.id)
    )
    return tuple(eligibility.InitiativeFact(i.year, i.kind, i.scope, i.title) for i in rows)


def possible_authors(session: Session, actor: User) -> list[Nominee]:
    """The people a proposal may name: the actor's registry's persons, on their surviving identities."""
    return list(
        session.scalars(
            select(Nominee)
            .where(visible_nominees(session, actor), Nominee.kind == "person", Nominee.merged_into_id.is_(None))
            .order_by(Nominee.full_name, Nominee.id)
        )
    )
