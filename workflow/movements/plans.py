"""A movement's launch plan (kế hoạch phát động phong trào thi đua), drafted by the standing office of the
launching authority: its theme and period, purposes and requirements, numbered contents with their targets, forms
of emulation, the organisation of implementation and the emulation clusters. Every problem is reported at once.

The plan is stored as JSON lists on `Movement` (see models/movement.py); this module is their schema. A content
item keeps its `key` across edits while its title stays, so registrations and reports keyed by it stay attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Dossier, Movement, MovementRegistration, Nomination, RegistryEntry, Role, Unit, UnitReport, User
from models.movement import MovementState, ReportState
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied, StaleObject
from workflow.core.messages import msg
from workflow.permissions import can_manage_movement

NAME_LIMIT = 300
RECEIVED = (ReportState.SUBMITTED, ReportState.REVIEWED)
TEXT_LIMIT = 2000
ITEM_LIMIT = 50


@dataclass
class Plan:
    """What the office typed; `contents` items are {"title", "targets", optional "key"}, `organisation` items
    {"who", "what", "when"}, `clusters` items {"name", "units": [unit names]}."""

    name: str = ""
    period_start: date | None = None
    period_end: date | None = None
    description: str = ""
    purposes: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    contents: list[dict[str, Any]] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    organisation: list[dict[str, str]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _sentences(errors: dict, name: str, values: Any) -> list[str]:
    if not isinstance(values, list):
        errors[name] = [msg("Phải là một danh sách.")]
        return []
    items = [_clean(v) for v in values if _clean(v)]
    if len(items) > ITEM_LIMIT or any(len(v) > TEXT_LIMIT for v in items):
        errors[name] = [msg("Tối đa %(count)s mục, mỗi mục %(limit)s ký tự.", count=ITEM_LIMIT, limit=TEXT_LIMIT)]
    return items


def _contents(errors: dict, values: Any, before: list[dict]) -> list[dict]:
    """Numbered items with their targets; an item keeps the key of the earlier item of the same title."""
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        errors["contents"] = [msg("Nội dung thi đua phải là danh sách các mục có tên và chỉ tiêu.")]
        return []
    keys = {item["title"]: item["key"] for item in before}
    used = {item["key"] for item in before}
    items, problems = [], []
    for number, value in enumerate(values, start=1):
        title = _clean(value.get("title"))
        targets = value.get("targets") or []
        targets = [_clean(t) for t in targets if _clean(t)] if isinstance(targets, list) else None
        if not title:
            problems.append(msg("Nội dung %(number)s chưa có tên.", number=number))
        elif len(title) > TEXT_LIMIT:
            problems.append(msg("Nội dung %(number)s quá dài.", number=number))
        if targets is None:
            problems.append(msg("Chỉ tiêu của nội dung %(number)s phải là một danh sách.", number=number))
            targets = []
        key = _clean(value.get("key")) or keys.get(title)
        if not key or any(item["key"] == key for item in items):
            key = _fresh_key(used | {item["key"] for item in items})
        used.add(key)
        items.append({"key": key, "title": title, "targets": targets})
    if len(items) > ITEM_LIMIT:
        problems.append(msg("Tối đa %(count)s nội dung.", count=ITEM_LIMIT))
    if problems:
        errors["contents"] = problems
    return items


def _fresh_key(used: set[str]) -> str:
    n = 1
    while f"c{n}" in used:
        n += 1
    return f"c{n}"


def _organisation(errors: dict, values: Any) -> list[dict[str, str]]:
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        errors["organisation"] = [msg("Tổ chức thực hiện phải là danh sách: ai, làm gì, khi nào.")]
        return []
    tasks, problems = [], []
    for number, value in enumerate(values, start=1):
        task = {part: _clean(value.get(part)) for part in ("who", "what", "when")}
        if not task["who"] or not task["what"]:
            problems.append(msg("Nhiệm vụ %(number)s cần ghi rõ ai thực hiện và làm gì.", number=number))
        tasks.append(task)
    if problems:
        errors["organisation"] = problems
    return tasks


def _clusters(session: Session, errors: dict, values: Any, authority_id: int) -> list[dict[str, Any]]:
    """Each cluster names units of the launching authority; a unit sits in one cluster at most."""
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        errors["clusters"] = [msg("Khối, cụm thi đua phải là danh sách: tên và các đơn vị.")]
        return []
    units = {u.name: u.id for u in session.scalars(select(Unit).where(Unit.authority_id == authority_id))}
    clusters, problems, placed = [], [], set()
    for value in values:
        name = _clean(value.get("name"))
        members = value.get("units") or []
        if not name:
            problems.append(msg("Một khối, cụm thi đua chưa có tên."))
            continue
        ids = []
        for unit_name in members if isinstance(members, list) else []:
            unit_name = _clean(unit_name)
            if unit_name not in units:
                problems.append(msg("%(cluster)s: không có đơn vị “%(unit)s”.", cluster=name, unit=unit_name))
            elif units[unit_name] in placed:
                problems.append(msg("Đơn vị “%(unit)s” đã thuộc một khối khác.", unit=unit_name))
            else:
                placed.add(units[unit_name])
                ids.append(units[unit_name])
        clusters.append({"name": name, "unit_ids": ids})
    if problems:
        errors["clusters"] = problems
    return clusters


def _checked(session: Session, plan: Plan, authority_id: int, before: list[dict], movement_id: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    name = _clean(plan.name)
    if not name:
        errors["name"] = [msg("Vui lòng nhập tên phong trào.")]
    elif len(name) > NAME_LIMIT:
        errors["name"] = [msg("Tối đa %(limit)s ký tự.", limit=NAME_LIMIT)]
    elif session.scalar(
        select(Movement.id).where(
            Movement.authority_id == authority_id, Movement.name == name, Movement.id != (movement_id or 0)
        )
    ):
        errors["name"] = [msg("Đã có phong trào cùng tên.")]
    if plan.period_start is None:
        errors["period_start"] = [msg("Vui lòng nhập ngày bắt đầu.")]
    if plan.period_end is None:
        errors["period_end"] = [msg("Vui lòng nhập ngày kết thúc.")]
    elif plan.period_start is not None and plan.period_end < plan.period_start:
        errors["period_end"] = [msg("Ngày kết thúc không được trước ngày bắt đầu.")]
    description = str(plan.description or "").strip()
    if len(description) > 4 * TEXT_LIMIT:
        errors["description"] = [msg("Tối đa %(limit)s ký tự.", limit=4 * TEXT_LIMIT)]
    values = {
        "name": name,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "description": description,
        "purposes": _sentences(errors, "purposes", plan.purposes),
        "requirements": _sentences(errors, "requirements", plan.requirements),
        "contents": _contents(errors, plan.contents, before),
        "forms": _sentences(errors, "forms", plan.forms),
        "organisation": _organisation(errors, plan.organisation),
        "clusters": _clusters(session, errors, plan.clusters, authority_id),
    }
    if errors:
        raise InvalidInput(errors)
    return values


def create_movement(session: Session, *, actor: User, plan: Plan) -> Movement:
    """A draft movement of the actor's authority. Raises PermissionDenied, InvalidInput."""
    if not can_manage_movement(actor):
        raise PermissionDenied()
    authority_id = actor.unit.authority_id
    values = _checked(session, plan, authority_id, [], None)
    movement = Movement(authority_id=authority_id, state=MovementState.DRAFT, **values)
    session.add(movement)
    session.flush()
    _audit(session, movement, "movement_created", actor)
    return movement


def update_movement(session: Session, movement: Movement, *, actor: User, plan: Plan, version: int | None = None):
    """Edit a draft's plan; a launched plan is the authority's published document and stays as it was."""
    if not can_manage_movement(actor, movement):
        raise PermissionDenied()
    if version is not None and version != movement.version:
        # A conflict, not a typing slip: the API answers 409, the page its error page with this message.
        raise StaleObject(msg("Kế hoạch vừa được người khác sửa; vui lòng tải lại trang."))
    if movement.state != MovementState.DRAFT:
        raise InvalidInput({"name": [msg("Chỉ sửa được kế hoạch khi phong trào chưa phát động.")]})
    for column, value in _checked(session, plan, movement.authority_id, movement.contents or [], movement.id).items():
        setattr(movement, column, value)
    session.flush()
    _audit(session, movement, "movement_edited", actor)
    return movement


def visible_movements(actor: User, *, state: str | None = None, year: int | None = None):
    """The movements the actor follows (their authority's; the administrator's: all), newest first, optionally
    only those in `state` or running during `year`. A query, for paging."""
    query = select(Movement).order_by(Movement.period_start.desc(), Movement.id.desc())
    if actor.unit is not None and not actor.has_role(Role.ADMIN):
        query = query.where(Movement.authority_id == actor.unit.authority_id)
    if state is not None:
        query = query.where(Movement.state == state)
    if year is not None:
        query = query.where(Movement.period_start <= date(year, 12, 31), Movement.period_end >= date(year, 1, 1))
    return query


def cluster_units(session: Session, movement: Movement) -> list[tuple[str, list[str]]]:
    """Each cluster with its member units' names, for the plan's page."""
    ids = {i for cluster in movement.clusters or [] for i in cluster["unit_ids"]}
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    return [(c["name"], [names[i] for i in c["unit_ids"] if i in names]) for c in movement.clusters or []]


def _audit(session: Session, movement: Movement, action: str, actor: User) -> None:
    audit.append(
        session,
        entity_type="movement",
        entity_id=movement.id,
        action=action,
        actor_id=actor.id,
        to_state=movement.state,
        data={"name": movement.name, "contents": [item["key"] for item in movement.contents]},
    )


# --- the plan as the page's text boxes -------------------------------------------------------------------------------


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def contents_from_text(text: str) -> list[dict[str, Any]]:
    """One content per line; the lines under it starting with '-' are its targets. A leading number ('1.') is
    the item's position, so it is dropped."""
    items: list[dict[str, Any]] = []
    for line in split_lines(text):
        if line.startswith(("-", "+", "•")):
            if not items:
                items.append({"title": "", "targets": []})
            items[-1]["targets"].append(line.lstrip("-+• "))
        else:
            items.append({"title": line.lstrip("0123456789").lstrip(".) "), "targets": []})
    return items


def organisation_from_text(text: str) -> list[dict[str, str]]:
    """One task per line: who | what | when."""
    tasks = []
    for line in split_lines(text):
        who, what, when = ([*line.split("|"), "", ""])[:3]
        tasks.append({"who": who, "what": what, "when": when})
    return tasks


def clusters_from_text(text: str) -> list[dict[str, Any]]:
    """One cluster per line: its name, a colon, then its units separated by ';'."""
    clusters = []
    for line in split_lines(text):
        name, _, units = line.partition(":")
        clusters.append({"name": name, "units": [u for u in units.split(";") if u.strip()]})
    return clusters


def plan_as_text(session: Session, movement: Movement) -> dict[str, str]:
    """The stored plan in the form's text boxes, the inverse of the *_from_text readers."""
    contents = []
    for number, item in enumerate(movement.contents or [], start=1):
        contents.append(f"{number}. {item['title']}")
        contents.extend(f"- {target}" for target in item["targets"])
    return {
        "purposes": "\n".join(movement.purposes or []),
        "requirements": "\n".join(movement.requirements or []),
        "contents": "\n".join(contents),
        "forms": "\n".join(movement.forms or []),
        "organisation": "\n".join(" | ".join((t["who"], t["what"], t["when"])) for t in movement.organisation or []),
        "clusters": "\n".join(f"{name}: {'; '.join(units)}" for name, units in cluster_units(session, movement)),
    }


# --- over the years ------------------------------------------------------------------------------------------------


def over_the_years(session: Session, movement: Movement) -> list[dict[str, int]]:
    """Per year of the movement: registrations, unit reports received (submitted or reviewed) of those owed,
    dossiers linked to it and the awards of those dossiers (registry entries of their nominations, revoked ones
    left out)."""
    def per_year(statement) -> dict[int, int]:
        return dict(session.execute(statement).all())

    counts = {
        "registrations": per_year(
            select(MovementRegistration.year, func.count())
            .where(MovementRegistration.movement_id == movement.id)
            .group_by(MovementRegistration.year)
        ),
        "reports": per_year(
            select(UnitReport.year, func.count())
            .where(UnitReport.movement_id == movement.id, UnitReport.state.in_(RECEIVED))
            .group_by(UnitReport.year)
        ),
        "reports_owed": per_year(
            select(UnitReport.year, func.count()).where(UnitReport.movement_id == movement.id).group_by(UnitReport.year)
        ),
        "dossiers": per_year(
            select(Dossier.year, func.count()).where(Dossier.movement_id == movement.id).group_by(Dossier.year)
        ),
        "awards": per_year(
            select(Dossier.year, func.count(RegistryEntry.id))
            .join(Nomination, Nomination.dossier_id == Dossier.id)
            .join(RegistryEntry, RegistryEntry.nomination_id == Nomination.id)
            .where(Dossier.movement_id == movement.id, RegistryEntry.revoked_at.is_(None))
            .group_by(Dossier.year)
        ),
    }
    first, last = movement.period_start.year, movement.period_end.year
    return [{"year": year, **{kind: counts[kind].get(year, 0) for kind in counts}} for year in range(first, last + 1)]
