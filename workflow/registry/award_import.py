"""Past awards into the registry from an .xlsx file, all or nothing, and its template. Only the units of the
actor's own registry can be named; a national ID goes through the same identity rules as a unit's nomination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, AwardTitle, User
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_import_registry
from workflow.registry import entries as registry
from workflow.registry import identity
from workflow.registry.identity import clean_name, name_key
from workflow.registry.scope import visible_units
from workflow.registry.xlsx import (
    BIRTH_HINT,
    ID_HINT,
    KIND_COLUMN,
    KINDS,
    NAME_HINT,
    CellError,
    Column,
    ImportReport,
    build_template,
    choice,
    date_cell,
    money_cell,
    national_id_cell,
    number_between,
    run_import,
    text_cell,
    title_reader,
    title_rows,
)

BASES = {"Thường xuyên": "regular", "Đột xuất": "sudden", "Chuyên đề": "thematic"}


UNIT_HINT = "Mã hoặc tên đơn vị như trang “Danh mục”."


def unit_reader(session: Session, actor: User) -> Callable[[Any], Any]:
    """Only the units the actor's registry covers: another authority's unit reads as unknown."""
    lookup = registry.unit_lookup(session, actor)

    def read(value: Any) -> Any:
        text = str(value)
        unit = lookup.get(clean_name(text).upper()) or lookup.get(name_key(text))
        if unit is None:
            raise CellError(
                msg("Không có đơn vị “%(unit)s”; ghi mã hoặc tên đúng như trang “Danh mục”.", unit=clean_name(text))
            )
        return unit

    return read


def _authority_reader(session: Session) -> Callable[[Any], tuple[str, int | None]]:
    """A known authority (by code, name or short name) is linked; any other body (a ministry, the Prime Minister)
    is kept as written."""
    lookup: dict[str, Authority] = {}
    for authority in session.scalars(select(Authority)):
        lookup[authority.code.upper()] = authority
        lookup[name_key(authority.name)] = authority
        lookup[name_key(authority.short_name)] = authority
    as_text = text_cell(200)

    def read(value: Any) -> tuple[str, int | None]:
        text = as_text(value)
        authority = lookup.get(text.upper()) or lookup.get(name_key(text))
        return (authority.name, authority.id) if authority else (text, None)

    return read


def registry_columns(session: Session, actor: User) -> list[Column]:
    titles = session.scalars(select(AwardTitle).order_by(AwardTitle.id))
    return [
        Column("full_name", "Họ tên", text_cell(200), True, NAME_HINT, "Nguyễn Văn An", width=28),
        Column("date_of_birth", "Ngày sinh", date_cell, hint=BIRTH_HINT, example=date(1985, 3, 12), width=14),
        Column(
            "national_id", "Số định danh cá nhân", national_id_cell, hint=ID_HINT, example="062085001234", as_text=True
        ),
        Column("unit", "Đơn vị", unit_reader(session, actor), True, UNIT_HINT, "TT-PLEIKAN"),
        Column("kind", parse=choice(KINDS), hint="Cá nhân, Tập thể hoặc Hộ gia đình.", **KIND_COLUMN),
        Column(
            "title_code",
            "Danh hiệu",
            title_reader(titles, msg("bộ quy định nào")),
            True,
            "Mã (ví dụ LDTT, CSTDCS) hoặc tên danh hiệu/hình thức như trang “Danh mục”.",
            "LDTT",
        ),
        Column("year", "Năm", number_between(1945, 2200), True, "Năm của thành tích được khen.", 2023, width=8),
        Column("decision_number", "Số quyết định", text_cell(40), True, "Ví dụ 125/QĐ-UBND.", "125/QĐ-UBND"),
        Column(
            "decision_date", "Ngày quyết định", date_cell, True, "Dạng ngày/tháng/năm.", date(2024, 1, 15), width=14
        ),
        Column(
            "deciding_authority",
            "Cơ quan quyết định",
            _authority_reader(session),
            True,
            "Tên cơ quan ký quyết định, ví dụ UBND huyện Ngọc Hồi.",
            "UBND huyện Ngọc Hồi",
            width=28,
        ),
        Column(
            "basis",
            "Căn cứ",
            choice(BASES),
            hint="Thường xuyên, Đột xuất hoặc Chuyên đề; để trống là Thường xuyên.",
            example="Thường xuyên",
            choices=tuple(BASES),
            default="regular",
            width=14,
        ),
        Column(
            "money_vnd", "Số tiền", money_cell, hint="Tiền thưởng (đồng); không bắt buộc.", example=540000, width=14
        ),
    ]


def import_registry(session: Session, stream: BinaryIO, *, actor: User, progress=None) -> ImportReport:
    """Past awards into the registry, all or nothing. Raises PermissionDenied, InvalidInput (the file itself:
    not .xlsx, over 5 MB or 2,000 rows, no header row); bad rows are in the report."""
    if not can_import_registry(actor):
        raise PermissionDenied()

    def write(row: dict) -> None:
        if row["kind"] == "person" and row["date_of_birth"] is None and not row["national_id"]:
            raise InvalidInput({"date_of_birth": [msg("Cá nhân cần có ngày sinh hoặc số định danh cá nhân.")]})
        nominee = identity.nominee_for(
            session,
            actor=actor,
            kind=row["kind"],
            full_name=row["full_name"],
            date_of_birth=row["date_of_birth"],
            national_id=row["national_id"],
            gender=None,
            unit_id=row["unit"].id,
        )
        authority_name, authority_id = row["deciding_authority"]
        registry.record_entry(
            session,
            nominee=nominee,
            title_code=row["title_code"],
            year=row["year"],
            decision_number=row["decision_number"],
            decision_date=row["decision_date"],
            deciding_authority=authority_name,
            authority_id=authority_id,
            money_vnd=row["money_vnd"],
            basis=row["basis"],
            source="import",
            actor=actor,
        )
        identity.record_unit_history(session, nominee, year=row["year"], unit_id=row["unit"].id)

    return run_import(session, stream, registry_columns(session, actor), write, progress)


def registry_template(session: Session, actor: User) -> bytes:
    """The past-awards template: every title any rule set knows and every unit, in the lists sheet."""
    titles = session.scalars(select(AwardTitle).order_by(AwardTitle.rule_set_id, AwardTitle.id))
    units = [(u.code, u.name) for u in sorted(visible_units(session, actor), key=lambda u: u.code)]
    return build_template(registry_columns(session, actor), "khen thưởng đã có quyết định", title_rows(titles), units)
