"""The units catalogue (danh mục đơn vị) of each authority: agencies, communes, schools and the other bodies that
propose commendations. The administrator keeps every authority's, the standing office its own; every change is
validated whole and audited in the caller's transaction. A unit's last day (valid_to) is what E14 reads: a
collective of a unit ended in the 2025 reorganisation gets no award decided after that day."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from models import Authority, Dossier, Role, Unit, User
from models.dossier import DossierState
from models.org import UNIT_KINDS
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import Message, msg
from workflow.permissions import can_manage_units
from workflow.registry.identity import clean_name

# What a caller may set; the authority only when the unit is created (a unit that moves to another authority
# is a new unit there, and the old one ends).
FIELDS = ("code", "name", "kind", "parent_unit_id", "valid_from", "valid_to")
CODE_MAX, NAME_MAX = 40, 200
# Codes are looked up case-blind in spreadsheets (workflow/registry/entries.py), so they are kept in capitals.
_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]*", re.ASCII)

ACTIVE, ENDED, UPCOMING = "active", "ended", "upcoming"
STATUSES = (ACTIVE, ENDED, UPCOMING)


@dataclass(frozen=True)
class Status:
    """Where the unit stands on a day: `day` is the first day it is gone (ended), its last day (active with an
    end date), or its first day (upcoming)."""

    key: str
    day: date | None


def unit_status(unit: Unit, today: date) -> Status:
    if unit.valid_from > today:
        return Status(UPCOMING, unit.valid_from)
    if unit.valid_to is not None and unit.valid_to < today:
        return Status(ENDED, unit.valid_to + timedelta(days=1))
    return Status(ACTIVE, unit.valid_to)


# --- reading -------------------------------------------------------------------------------------------------------


def manageable_authorities(session: Session, actor: User) -> list[Authority]:
    """The authorities whose units the actor keeps: every one for the administrator, the office's own."""
    if not can_manage_units(actor):
        return []
    if actor.has_role(Role.ADMIN):
        return list(session.scalars(select(Authority).order_by(Authority.name)))
    return [actor.unit.authority]


def _contains(column, term: str):
    """Case-blind on both databases: SQLite's ILIKE folds ASCII letters only, so the usual spellings of a
    Vietnamese name are tried as well."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    variants = sorted({escaped, escaped.casefold(), escaped.title(), escaped.upper()})
    return or_(*(column.ilike(f"%{v}%", escape="\\") for v in variants))


def list_units(
    session: Session,
    actor: User,
    *,
    text: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    authority_id: int | None = None,
    today: date,
) -> Select:
    """The units the actor keeps, by authority and code, as a query to page through. `text` matches code or
    name; `status` is one of STATUSES on `today`. Raises InvalidInput for an unknown kind or status."""
    errors = {}
    if kind is not None and kind not in UNIT_KINDS:
        errors["kind"] = [msg("Loại đơn vị không hợp lệ.")]
    if status is not None and status not in STATUSES:
        errors["status"] = [msg("Tình trạng phải là đang hoạt động, đã giải thể hoặc chưa hoạt động.")]
    if errors:
        raise InvalidInput(errors)
    query = select(Unit).options(selectinload(Unit.authority), selectinload(Unit.parent_unit))
    if not can_manage_units(actor):
        query = query.where(false())
    elif not actor.has_role(Role.ADMIN):
        query = query.where(Unit.authority_id == actor.unit.authority_id)
    if text and clean_name(text):
        term = clean_name(text)
        query = query.where(or_(_contains(Unit.code, term), _contains(Unit.name, term)))
    if kind:
        query = query.where(Unit.kind == kind)
    if authority_id is not None:
        query = query.where(Unit.authority_id == authority_id)
    if status == ENDED:
        query = query.where(Unit.valid_to < today)
    elif status == UPCOMING:
        query = query.where(Unit.valid_from > today)
    elif status == ACTIVE:
        query = query.where(Unit.valid_from <= today, or_(Unit.valid_to.is_(None), Unit.valid_to >= today))
    return query.order_by(Unit.authority_id, Unit.code)


def live_dossiers(session: Session, unit: Unit) -> int:
    """Dossiers of the unit still being handled (not closed, withdrawn or rejected)."""
    return session.scalar(
        select(func.count())
        .select_from(Dossier)
        .where(Dossier.unit_id == unit.id, Dossier.state.not_in(DossierState.FINAL))
    )


# --- validating ----------------------------------------------------------------------------------------------------


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields as stored: codes in capitals without spaces around, names in NFC with single spaces."""
    values = {field: data[field] for field in FIELDS if field in data}
    if isinstance(values.get("code"), str):
        values["code"] = values["code"].strip().upper()
    if isinstance(values.get("name"), str):
        values["name"] = clean_name(values["name"])
    return values


def _code_taken(session: Session, code: str, unit: Unit | None) -> Message | None:
    query = select(Unit.id).where(func.upper(Unit.code) == code)
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    return msg("Mã đơn vị %(code)s đã được dùng.", code=code) if session.scalar(query.limit(1)) else None


def _parent_error(session: Session, actor: User, parent_id: int, authority_id: int, unit: Unit | None):
    parent = session.get(Unit, parent_id)
    if parent is None or not can_manage_units(actor, parent):
        return msg("Không có đơn vị này.")
    if parent.authority_id != authority_id:
        return msg("Đơn vị cấp trên phải thuộc cùng cơ quan.")
    seen = set()
    while unit is not None and parent is not None and parent.id not in seen:
        if parent.id == unit.id:
            return msg("Đơn vị không thể trực thuộc chính nó hoặc một đơn vị cấp dưới của nó.")
        seen.add(parent.id)
        parent = parent.parent_unit
    return None


def _validate(
    session: Session, actor: User, values: dict[str, Any], authority_id: int | None, unit: Unit | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code, name = values.get("code") or "", values.get("name") or ""
    if not code:
        errors["code"] = [msg("Vui lòng nhập mã đơn vị.")]
    elif len(code) > CODE_MAX:
        errors["code"] = [msg("Tối đa %(limit)s ký tự.", limit=CODE_MAX)]
    elif not _CODE.fullmatch(code):
        errors["code"] = [msg("Mã chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (ví dụ XA-DAKXU).")]
    elif taken := _code_taken(session, code, unit):
        errors["code"] = [taken]
    if not name:
        errors["name"] = [msg("Vui lòng nhập tên đơn vị.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [msg("Tối đa %(limit)s ký tự.", limit=NAME_MAX)]
    if values.get("kind") not in UNIT_KINDS:
        errors["kind"] = [msg("Loại đơn vị không hợp lệ.")]
    if authority_id is None:
        errors["authority_id"] = [msg("Vui lòng chọn cơ quan.")]
    elif authority_id not in {a.id for a in manageable_authorities(session, actor)}:
        errors["authority_id"] = [msg("Không có cơ quan này.")]
    elif values.get("parent_unit_id") is not None and (
        problem := _parent_error(session, actor, values["parent_unit_id"], authority_id, unit)
    ):
        errors["parent_unit_id"] = [problem]
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from is None:
        errors["valid_from"] = [msg("Vui lòng nhập ngày bắt đầu hoạt động.")]
    elif valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [msg("Ngày cuối cùng hoạt động không được trước ngày bắt đầu hoạt động.")]
    return errors


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _describe(unit: Unit) -> dict[str, Any]:
    return {field: _plain(getattr(unit, field)) for field in ("authority_id", *FIELDS)}


def _write(session: Session, unit: Unit, values: dict[str, Any]) -> None:
    """Set and flush the values; a code taken by a concurrent transaction since the check is the same field
    error, with nothing written."""
    try:
        with session.begin_nested():
            for field, value in values.items():
                setattr(unit, field, value)
            session.add(unit)
            session.flush()
    except IntegrityError:
        raise InvalidInput({"code": [msg("Mã đơn vị %(code)s đã được dùng.", code=values["code"])]}) from None


# --- writing -------------------------------------------------------------------------------------------------------


def create_unit(session: Session, actor: User, data: Mapping[str, Any]) -> Unit:
    """A new unit of one of the authorities the actor keeps (the office's own when none is given); audited.
    Raises PermissionDenied, InvalidInput with every problem (nothing written)."""
    if not can_manage_units(actor):
        raise PermissionDenied()
    values = {field: None for field in FIELDS} | _cleaned(data)
    authority_id = data.get("authority_id")
    if authority_id is None and not actor.has_role(Role.ADMIN):
        authority_id = actor.unit.authority_id
    if errors := _validate(session, actor, values, authority_id, None):
        raise InvalidInput(errors)
    unit = Unit(authority_id=authority_id)
    _write(session, unit, values)
    audit.append(
        session, entity_type="unit", entity_id=unit.id, action="unit_created", actor_id=actor.id, data=_describe(unit)
    )
    return unit


def update_unit(session: Session, actor: User, unit: Unit, data: Mapping[str, Any]) -> list[Message]:
    """Change the given fields (FIELDS; valid_to None reopens the unit); audited with each old and new value, and
    nothing written when nothing changes. A unit may end while dossiers of it are still being handled: they
    carry on, and the returned warnings say how many. Raises PermissionDenied, InvalidInput (nothing written)."""
    if not can_manage_units(actor, unit):
        raise PermissionDenied()
    values = {field: getattr(unit, field) for field in FIELDS} | _cleaned(data)
    if errors := _validate(session, actor, values, unit.authority_id, unit):
        raise InvalidInput(errors)
    changes = {f: [_plain(getattr(unit, f)), _plain(v)] for f, v in values.items() if getattr(unit, f) != v}
    if not changes:
        return []
    _write(session, unit, values)
    audit.append(
        session,
        entity_type="unit",
        entity_id=unit.id,
        action="unit_changed",
        actor_id=actor.id,
        data={"code": unit.code, "changes": changes},
    )
    if "valid_to" not in changes or unit.valid_to is None or not (count := live_dossiers(session, unit)):
        return []
    return [
        msg(
            "Đơn vị còn %(count)s hồ sơ đang giải quyết; hồ sơ vẫn được xử lý tiếp, nhưng khen thưởng tập thể đơn vị "
            "bằng quyết định sau ngày %(day)s sẽ bị chặn (điều kiện E14).",
            count=count,
            day=f"{unit.valid_to:%d/%m/%Y}",
        )
    ]
