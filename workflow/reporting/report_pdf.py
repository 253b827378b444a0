"""The reports as PDF documents, through the project's pipeline (workflow/rendering/pdf.py): the Decree 30/2020
heading of the authority, "BÁO CÁO" with the report's title and year, the table with its totals row, A4 across
when the table has many columns, and the signatures of the person who made it and the head of the authority.

Each `build_<report>_pdf(session, filters, progress=None)` is a pure function of the database, like the Excel
builders; `progress(done, total)` is called as the rows are laid out."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflow.core.messages import msg
from workflow.rendering.formats import percent, thousands
from workflow.rendering.pdf import Letterhead, Signer, render_pdf
from workflow.reporting.reports import Column, Progress, Report, ReportFilters, build_report

# More columns than this do not fit across a portrait page at a readable size.
PORTRAIT_MAX_COLUMNS = 5
TEXT_SHARE = 3  # a text column is this many times as wide as a number column
SIGNERS = (Signer(("NGƯỜI LẬP BIỂU",), ""), Signer(("THỦ TRƯỞNG CƠ QUAN",), ""))


def _text(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind in ("count", "money"):
        return thousands(value)
    if column.kind == "ratio":
        return percent(value)
    return str(value)


def _widths(report: Report) -> list[float]:
    """Each column's share of the page in percent, the row number first."""
    weights = [1] + [TEXT_SHARE if c.kind == "text" else 1.4 for c in report.columns]
    return [round(100 * w / sum(weights), 2) for w in weights]


def document(report: Report, progress: Progress | None = None) -> bytes:
    """The report as a PDF."""
    rows = []
    for done, row in enumerate(report.rows, start=1):
        rows.append([(c.kind != "text", _text(c, row[c.key])) for c in report.columns])
        if progress is not None:
            progress(done, len(report.rows))
    totals = report.totals
    total_cells = [
        (c.kind != "text", _text(c, totals.get(c.key)) if c.kind != "text" else (msg("Tổng cộng") if i == 0 else ""))
        for i, c in enumerate(report.columns)
    ]
    if progress is not None and not report.rows:
        progress(0, 0)
    letterhead = Letterhead(
        governing_body="", issuing_body=str(report.authority), symbol="BC", place=report.place, day=report.made_on
    )
    return render_pdf(
        "report.html",
        report=report,
        rows=rows,
        totals=total_cells,
        widths=_widths(report),
        landscape=len(report.columns) > PORTRAIT_MAX_COLUMNS,
        letterhead=letterhead,
        signers=SIGNERS,
        recipients=[],
    )


def build_statistics_pdf(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return document(build_report(session, "statistics", filters), progress)


def build_money_pdf(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return document(build_report(session, "money", filters), progress)


def build_timeliness_pdf(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return document(build_report(session, "timeliness", filters), progress)


def build_annual_pdf(session: Session, filters: ReportFilters, progress: Progress | None = None) -> bytes:
    return document(build_report(session, "annual", filters), progress)


BUILDERS = {
    "statistics": build_statistics_pdf,
    "money": build_money_pdf,
    "timeliness": build_timeliness_pdf,
    "annual": build_annual_pdf,
}
