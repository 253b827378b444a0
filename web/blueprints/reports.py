"""Reports (báo cáo thống kê) for the office, the secretary, the chairman and the administrator: the list, each
report as a page with its filters (year, unit, title), and its Excel and PDF downloads. The figures come from
workflow/reporting/."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from models import db
from web.access import permission_required
from web.blueprints.jobs import start
from web.downloads import file_download, xlsx_download
from web.forms import TransitionForm
from web.params import MAX_ID, query_args
from workflow.core.today import local_today
from workflow.jobs import kinds
from workflow.permissions import can_view_reports
from workflow.registry.entries import title_names
from workflow.registry.scope import visible_units
from workflow.reporting import report_pdf, report_xlsx
from workflow.reporting.reports import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    ReportFilters,
    build_report,
    file_name,
    report_filters,
)

bp = Blueprint("reports", __name__, url_prefix="/reports")
REPORT = f"any({', '.join(KINDS)})"


def read_filters() -> ReportFilters:
    """The query's year, unit and title, checked against the user's scope (a bad one is a 422 naming it)."""
    args = query_args(ints={"year": (FIRST_YEAR, LAST_YEAR), "unit_id": (1, MAX_ID)}, texts={"title": 40})
    return report_filters(
        db.session, current_user, as_of=local_today(), year=args["year"], unit_id=args["unit_id"],
        title_code=args["title"],
    )  # fmt: skip


@bp.get("/")
@permission_required(can_view_reports)
def index():
    return render_template("reports/index.html", kinds=KINDS)


@bp.get(f"/<{REPORT}:report>")
@permission_required(can_view_reports)
def show(report: str):
    filters = read_filters()
    return render_template(
        "reports/show.html",
        kind=KINDS[report],
        report=build_report(db.session, report, filters),
        filters=filters,
        units=visible_units(db.session, current_user),
        titles=title_names(db.session),
    )


@bp.get(f"/<{REPORT}:report>.xlsx")
@permission_required(can_view_reports)
def xlsx(report: str):
    filters = read_filters()
    content = report_xlsx.BUILDERS[report](db.session, filters)
    return xlsx_download(content, file_name(report, filters, "xlsx"))


@bp.get(f"/<{REPORT}:report>.pdf")
@permission_required(can_view_reports)
def pdf(report: str):
    filters = read_filters()
    content = report_pdf.BUILDERS[report](db.session, filters)
    return file_download(content, "application/pdf", file_name(report, filters, "pdf"))


@bp.post(f"/<{REPORT}:report>/export")
@permission_required(can_view_reports)
def export(report: str):
    """Excel or PDF built in the background (a large year takes a while); the job's page shows its progress and
    then the download."""
    file_format = request.form.get("format")
    if file_format not in kinds.EXPORT_BUILDERS or not TransitionForm().validate_on_submit():
        abort(400)
    return start(kinds.REPORT_EXPORT, kinds.report_params(report, file_format, read_filters()))
