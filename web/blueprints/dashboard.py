"""The secretary's dashboard (bảng theo dõi): figures, the "with whom" board and charts, filtered by the query string;
the figures and the board refresh themselves (htmx, every 60 s)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from models import db
from web.access import permission_required
from web.api.blueprint import MAX_ID
from web.downloads import xlsx_download
from web.filters import NOMINATION_LABELS, STATE_LABELS
from web.forms import PROCEDURE_CHOICES
from web.messages import translate
from web.params import query_args
from workflow.core.today import local_today
from workflow.dossiers.appraisal import title_labels
from workflow.permissions import can_view_dashboard
from workflow.reporting import dashboard as figures
from workflow.reporting import holders_export
from workflow.reporting.holders import HOLDER_LABELS, HOLDERS

bp = Blueprint("dashboard", __name__)
# How many of the most urgent dossiers the page shows; the rest are one click away in the dossier list.
BOARD_ROWS = 50


def _filters() -> figures.Filters:
    args = query_args(
        ints={"year": (1945, 2200), "movement": (1, MAX_ID), "unit": (1, MAX_ID)}, texts={"procedure": 24}
    )
    return figures.Filters(args["year"], args["movement"], args["unit"], args["procedure"])


def _context() -> dict:
    filters, today = _filters(), local_today()
    return {
        "filters": filters,
        "figures": figures.dashboard(db.session, current_user, filters, today),
        "board": figures.holders(db.session, current_user, filters, today, limit=BOARD_ROWS),
        "holders": HOLDERS,
        "holder_labels": HOLDER_LABELS,
    }


@bp.get("/dashboard")
@permission_required(can_view_dashboard)
def index():
    context = _context()
    options = figures.filter_options(db.session, current_user)
    charts = _charts(context["figures"])
    return render_template(
        "dashboard/index.html", options=options, charts=charts, procedure_labels=PROCEDURE_CHOICES, **context
    )


@bp.get("/dashboard/live")
@permission_required(can_view_dashboard)
def live():
    return render_template("dashboard/_live.html", **_context())


@bp.get("/dashboard/holders.xlsx")
@permission_required(can_view_dashboard)
def holders_xlsx():
    """The whole board (every running dossier of the filters, not only the page's first rows) as a workbook."""
    filters, today = _filters(), local_today()
    rows = figures.holders(db.session, current_user, filters, today)
    content = holders_export.build_holders_xlsx(rows, current_user, today)
    return xlsx_download(content, holders_export.file_name(today))


def _charts(data: figures.Dashboard) -> dict:
    """The charts' figures with their labels in the reader's language, for dashboard.js (Chart.js)."""
    titles = title_labels(db.session)
    years = sorted({year for _code, year, _n in data.nominations_by_title})
    codes = sorted({code for code, _year, _n in data.nominations_by_title})
    counts = {(code, year): n for code, year, n in data.nominations_by_title}
    return {
        "states": {
            "type": "bar",
            "labels": [str(STATE_LABELS[state]) for state in data.by_state],
            "datasets": [{"label": _("Số hồ sơ"), "data": list(data.by_state.values())}],
        },
        "titles": {
            "type": "bar",
            "labels": [str(year) for year in years],
            "datasets": [
                {"label": str(translate(titles.get(code, code))), "data": [counts.get((code, y), 0) for y in years]}
                for code in codes
            ],
        },
        "outcomes": {
            "type": "doughnut",
            "labels": [str(NOMINATION_LABELS[state]) for state in data.outcomes],
            "datasets": [{"label": _("Số trường hợp"), "data": list(data.outcomes.values())}],
        },
        "months": {
            "type": "bar",
            "stacked": True,
            "labels": [month.month for month in data.months],
            "datasets": [
                *(
                    {"label": str(STATE_LABELS[stage]), "data": [m.stages[stage] or 0 for m in data.months]}
                    for stage in figures.CLOCK_STAGES
                ),
                {
                    "type": "line",
                    "label": _("Thời hạn theo quy định"),
                    "data": [month.legal_limit for month in data.months],
                },
            ],
        },
    }
