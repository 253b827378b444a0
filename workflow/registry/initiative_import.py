"""Initiatives recognised before the register existed, from an .xlsx file, all or nothing, and its template. One row
per author: rows with the same title and decision number are one initiative, and must agree on everything but the
author. Only the units of the office's own authority can be named; authors go through the same identity rules as
a unit's nomination."""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from models import Initiative, User
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_record_recognition
from workflow.registry import identity
from workflow.registry import initiatives as register
from workflow.registry.award_import import UNIT_HINT, unit_reader
from workflow.registry.identity import name_key
from workflow.registry.scope import visible_units
from workflow.registry.xlsx import (
    BIRTH_HINT,
    ID_HINT,
    Column,
    ImportReport,
    build_template,
    choice,
    date_cell,
    national_id_cell,
    number_between,
    run_import,
    text_cell,
)

KINDS = {"Sáng kiến": "initiative", "Đề tài": "research"}
SCOPES = {"Đơn vị": "unit", "Cấp huyện": "district", "Cấp tỉnh": "province", "Toàn quốc": "national"}
# What every row of one initiative must repeat exactly; the author columns differ.
SHARED = ("year", "kind", "field", "unit", "recognised_by", "recognised_on", "scope")


def initiative_columns(session: Session, actor: User) -> list[Column]:
    return [
        Column("title", "Tên sáng kiến, đề tài", text_cell(300), True, "Ghi giống nhau ở mọi dòng của một sáng kiến.",
               "Số hóa hồ sơ một cửa", width=36),
        Column("year", "Năm", number_between(1945, 2200), True, "Năm áp dụng sáng kiến, nghiệm thu đề tài.", 2023,
               width=8),
        Column("kind", "Loại", choice(KINDS), hint="Sáng kiến hoặc Đề tài; để trống là Sáng kiến.",
               example="Sáng kiến", choices=tuple(KINDS), default="initiative", width=12),
        Column("field", "Lĩnh vực", text_cell(200), hint="Không bắt buộc.", example="Cải cách hành chính"),
        Column("unit", "Đơn vị", unit_reader(session, actor), True, UNIT_HINT, "TT-PLEIKAN"),
        Column("full_name", "Họ tên tác giả", text_cell(200), True, "Mỗi tác giả một dòng.", "Nguyễn Văn An",
               width=28),
        Column("date_of_birth", "Ngày sinh", date_cell, hint=BIRTH_HINT, example=date(1985, 3, 12), width=14),
        Column("national_id", "Số định danh cá nhân", national_id_cell, hint=ID_HINT, example="062085001234",
               as_text=True),
        Column("share", "Tỷ lệ đóng góp (%)", number_between(1, 100), True,
               "Phần trăm của tác giả; tổng các tác giả không quá 100.", 100, width=12),
        Column("recognised_by", "Cơ quan công nhận", text_cell(200), True,
               "Ví dụ Hội đồng sáng kiến tỉnh Kon Tum.", "Hội đồng sáng kiến huyện Ngọc Hồi", width=28),
        Column("decision_number", "Số quyết định", text_cell(40), True, "Ví dụ 45/QĐ-UBND.", "45/QĐ-UBND"),
        Column("recognised_on", "Ngày quyết định", date_cell, True, "Dạng ngày/tháng/năm.", date(2023, 12, 20),
               width=14),
        Column("scope", "Phạm vi ảnh hưởng", choice(SCOPES), True, "Đơn vị, Cấp huyện, Cấp tỉnh hoặc Toàn quốc.",
               "Cấp huyện", choices=tuple(SCOPES), width=16),
    ]  # fmt: skip


def import_initiatives(session: Session, stream: BinaryIO, *, actor: User, progress=None) -> ImportReport:
    """Recognised initiatives into the office's register, all or nothing. Raises PermissionDenied, InvalidInput (the
    file itself); bad rows are in the report."""
    if not can_record_recognition(actor):
        raise PermissionDenied()
    seen: dict[tuple[str, str], tuple[dict[str, Any], Initiative]] = {}

    def write(row: dict) -> None:
        if row["date_of_birth"] is None and not row["national_id"]:
            raise InvalidInput({"date_of_birth": [msg("Cá nhân cần có ngày sinh hoặc số định danh cá nhân.")]})
        nominee = identity.nominee_for(
            session,
            actor=actor,
            kind="person",
            full_name=row["full_name"],
            date_of_birth=row["date_of_birth"],
            national_id=row["national_id"],
            gender=None,
            unit_id=row["unit"].id,
        )
        author = register.Author(nominee.id, row["share"])
        key = (name_key(row["title"]), row["decision_number"].casefold())
        try:
            if key in seen:
                first, initiative = seen[key]
                differing = [name for name in SHARED if row[name] != first[name]]
                if differing:
                    message = msg("Khác với dòng trước của cùng sáng kiến (cùng tên và số quyết định).")
                    raise InvalidInput({name: [message] for name in differing})
                register.add_author(session, initiative, author, actor=actor)
            else:
                seen[key] = (row, _record(session, row, author, actor))
        except InvalidInput as refused:
            # Author problems belong to the author's cells.
            errors = dict(refused.errors)
            if "authors" in errors:
                errors["share"] = errors.pop("authors")
            raise InvalidInput(errors) from None
        identity.record_unit_history(session, nominee, year=row["year"], unit_id=row["unit"].id)

    return run_import(session, stream, initiative_columns(session, actor), write, progress)


def _record(session: Session, row: dict, author: register.Author, actor: User) -> Initiative:
    return register.record_recognised(
        session,
        actor=actor,
        unit=row["unit"],
        title=row["title"],
        year=row["year"],
        kind=row["kind"],
        field=row["field"] or "",
        authors=[author],
        recognition=register.Recognition(
            row["decision_number"], row["recognised_on"], row["recognised_by"], row["scope"]
        ),
    )


def initiative_template(session: Session, actor: User) -> bytes:
    """The recognised-initiatives template: the office's units in the lists sheet."""
    units = [(u.code, u.name) for u in sorted(visible_units(session, actor), key=lambda u: u.code)]
    return build_template(initiative_columns(session, actor), "tác giả của một sáng kiến, đề tài", [], units)
