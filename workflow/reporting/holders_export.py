"""The "with whom" board as an Excel workbook, laid out like the reports (workflow/reporting/report_xlsx.py): a title
row with the authority and the day, bold frozen headings, one row per running dossier, most urgent first."""

from __future__ import annotations

from datetime import date

from models import User
from models.org import Role
from workflow.core.messages import msg
from workflow.reporting.holders import HOLDER_LABELS, HolderRow
from workflow.reporting.report_xlsx import workbook
from workflow.reporting.reports import Column, Report

COLUMNS = [
    Column("code", msg("Hồ sơ"), "text"),
    Column("title", msg("Trích yếu"), "text"),
    Column("unit", msg("Đơn vị"), "text"),
    Column("holder", msg("Đang ở"), "text"),
    Column("holder_name", msg("Cụ thể"), "text"),
    Column("since", msg("Từ ngày"), "text"),
    Column("waiting", msg("Số ngày làm việc đã chờ"), "number"),
    Column("due_on", msg("Hạn giải quyết"), "text"),
    Column("days_left", msg("Số ngày làm việc còn lại (âm: quá hạn)"), "number"),
    Column("mark", msg("Ghi chú"), "text"),
]


def build_holders_xlsx(rows: list[HolderRow], actor: User, today: date) -> bytes:
    return workbook(holders_report(rows, actor, today))


def holders_report(rows: list[HolderRow], actor: User, today: date) -> Report:
    authority = None if actor.has_role(Role.ADMIN) or actor.unit is None else actor.unit.authority
    return Report(
        name="holders",
        title=msg("Hồ sơ đang ở đâu, ai đang giữ"),
        authority=authority.name if authority else msg("Tất cả cơ quan"),
        place=authority.place_name if authority else "",
        year=None,
        period=msg("ngày %(day)s", day=f"{today:%d/%m/%Y}"),
        made_on=today,
        columns=COLUMNS,
        rows=[_row(row) for row in rows],
    )


def file_name(today: date) -> str:
    return f"ho-so-dang-o-dau-{today:%Y-%m-%d}.xlsx"


def _row(row: HolderRow) -> dict:
    if row.overdue:
        mark = msg("Quá hạn")
    elif row.due_soon:
        mark = msg("Sắp đến hạn")
    elif row.clock_paused:
        mark = msg("Tạm dừng tính hạn")
    else:
        mark = ""
    return {
        "code": row.code,
        "title": row.title,
        "unit": row.unit_name,
        "holder": HOLDER_LABELS[row.holder],
        "holder_name": row.holder_name,
        "since": f"{row.since:%d/%m/%Y}",
        "waiting": row.working_days_waiting,
        "due_on": f"{row.due_on:%d/%m/%Y}" if row.due_on else "",
        "days_left": row.days_left,
        "mark": mark,
    }
