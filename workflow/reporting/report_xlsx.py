"""The reports as Excel workbooks, as the office keeps them: a title row naming the authority, the report and its
year; bold, shaded column headings frozen above the rows; money with thousands separators; and a totals row of
formulas (`=SUM(C3:C9)`), so a figure corrected by hand in the sheet still adds up.

Each `build_<report>_xlsx(session, filters, progress=None)` is a pure function of the database: background jobs
call it and pass `progress(done, total)`, called as the rows are written."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from workflow.core.messages import msg
from workflow.reporting.reports import Column, Progress, Report, ReportFilters, build_report

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
SHEET_NAMES = {
    "statistics": "Thống kê",
    "money": "Tiền thưởng",
    "timeliness": "Đúng hạn",
    "annual": "Tổng hợp",
    "holders": "Đang ở đâu",
    "movement_review": "Sơ kết – Tổng kết",
}
FORMATS = {"count": "#,##0", "money": "#,##0", "ratio": "0.0%", "number": "0"}
HEADER_FILL = PatternFill("solid", start_color="DDE7F3", end_color="DDE7F3")
TOTAL_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTH_MIN, WIDTH_MAX = 8, 48


def workbook(report: Report, progress: Progress | None = None) -> bytes:
    """The report as an .xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAMES[report.name]
    book.properties.title = f"{report.title} – {report.period}"
    book.properties.creator = str(report.authority)
    columns = report.columns
    _title(sheet, report)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, str(column.label))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    total = len(report.rows)
    for offset, row in enumerate(report.rows):
        _write_row(sheet, columns, FIRST_ROW + offset, row)
        if progress is not None:
            progress(offset + 1, total)
    if any(column.summed or column.kind == "ratio" for column in columns):
        _totals(sheet, columns, FIRST_ROW + total, last_data_row=FIRST_ROW + total - 1)
    for offset, note in enumerate(report.notes):
        sheet.cell(FIRST_ROW + total + 2 + offset, 1, str(note)).font = Font(italic=True)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + max(total, 1)}"
    _fit_widths(sheet, report)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if progress is not None and total == 0:
        progress(0, 0)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(sheet: Worksheet, report: Report) -> None:
    text = f"{report.authority} – {report.title} – {report.period}"
    cell = sheet.cell(TITLE_ROW, 1, text)
    cell.font = Font(bold=True, size=13)
    cell.alignment = Alignment(vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 24
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(report.columns))


def _ratio_formula(columns: list[Column], column: Column, row: int) -> str:
    keys = [c.key for c in columns]
    part, whole = (f"{get_column_letter(keys.index(key) + 1)}{row}" for key in column.ratio_of)
    return f'=IF({whole}=0,"",{part}/{whole})'


def _write_row(sheet: Worksheet, columns: list[Column], row_number: int, row: dict) -> None:
    for index, column in enumerate(columns, start=1):
        value = row[column.key]
        if column.kind == "ratio":
            value = _ratio_formula(columns, column, row_number)
        elif column.kind == "text":
            value = str(value)
        cell = sheet.cell(row_number, index, value)
        cell.border = BOX
        if column.kind in FORMATS:
            cell.number_format = FORMATS[column.kind]
        else:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _totals(sheet: Worksheet, columns: list[Column], row_number: int, *, last_data_row: int) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.summed:
            value = f"=SUM({letter}{FIRST_ROW}:{letter}{last_data_row})" if last_data_row >= FIRST_ROW else 0
        elif column.kind == "ratio":
            value = _ratio_formula(columns, column, row_number)
        else:
            value = str(msg("Tổng cộng")) if index == 1 else None
        cell = sheet.cell(row_number, index, value)
        cell.font, cell.fill, cell.border = Font(bold=True), TOTAL_FILL, BOX
        if column.kind in FORMATS:
            cell.number_format = FORMATS[column.kind]


def _shown(column: Column, value) -> str:
    """The text a cell shows, to fit the column to: numbers with their separators."""
    if value is None:
        return ""
    if column.kind in ("count", "money", "number"):
        return f"{value:,}"
    return "100.0%" if column.kind == "ratio" else str(value)


def _fit_widths(sheet: Worksheet, report: Report) -> None:
    """Each column as wide as its longest value (headings wrap over two lines, long names over several)."""
    totals = report.totals
    for index, column in enumerate(report.columns, start=1):
        longest = max(
            [len(_shown(column, row[column.key])) for row in report.rows]
            + [len(_shown(column, totals.get(column.key))), (len(column.label) + 1) // 2 + 2, WIDTH_MIN]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, WIDTH_MAX)


def build_statistics_xlsx(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return workbook(build_report(session, "statistics", filters), progress)


def build_money_xlsx(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return workbook(build_report(session, "money", filters), progress)


def build_timeliness_xlsx(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return workbook(build_report(session, "timeliness", filters), progress)


def build_annual_xlsx(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return workbook(build_report(session, "annual", filters), progress)


BUILDERS = {
    "statistics": build_statistics_xlsx,
    "money": build_money_xlsx,
    "timeliness": build_timeliness_xlsx,
    "annual": build_annual_xlsx,
}
