"""A movement's interim or final review (sơ kết, tổng kết): the tables with a year filter, the Excel and PDF
downloads, and the office's button that opens the commendation round of the final review."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Movement, db
from web.access import permission_required
from web.downloads import file_download, xlsx_download
from web.params import query_args
from workflow.core.errors import DomainError
from workflow.core.today import local_today
from workflow.movements import review as service
from workflow.permissions import can_open_commendation_round, can_view_movement_review
from workflow.reporting import report_pdf, report_xlsx

bp = Blueprint("movement_reviews", __name__)
ID = "int(max=2147483647)"


def load_movement(movement_id: int, **_) -> Movement:
    return db.get_or_404(Movement, movement_id)


def _review(movement: Movement) -> service.Review:
    years = service.review_years(movement)
    args = query_args(ints={"year": (years.start, years.stop - 1), "up_to": (years.start, years.stop - 1)})
    up_to = args.get("up_to") or min(local_today().year, years.stop - 1)
    return service.checked_review(db.session, movement, current_user, up_to, args.get("year"))


@bp.get(f"/movements/<{ID}:movement_id>/review")
@permission_required(can_view_movement_review, load_movement)
def show(movement_id: int):
    movement = load_movement(movement_id)
    result = _review(movement)
    return render_template(
        "movement_reviews/show.html", movement=movement, result=result, title=service.title_of(result),
        columns=service.COLUMNS, years=service.review_years(movement),
        can_open=can_open_commendation_round(current_user, movement) and result.final
        and not service.round_opened(db.session, movement),
    )


def _report(movement_id: int):
    movement = load_movement(movement_id)
    return service.as_report(_review(movement), local_today())


@bp.get(f"/movements/<{ID}:movement_id>/review.xlsx")
@permission_required(can_view_movement_review, load_movement)
def xlsx(movement_id: int):
    return xlsx_download(report_xlsx.workbook(_report(movement_id)), f"so-ket-tong-ket-{movement_id}.xlsx")


@bp.get(f"/movements/<{ID}:movement_id>/review.pdf")
@permission_required(can_view_movement_review, load_movement)
def pdf(movement_id: int):
    content = report_pdf.document(_report(movement_id))
    return file_download(content, "application/pdf", f"so-ket-tong-ket-{movement_id}.pdf")


@bp.post(f"/movements/<{ID}:movement_id>/review/round")
@permission_required(can_open_commendation_round, load_movement)
def open_round(movement_id: int):
    movement = load_movement(movement_id)
    try:
        invited = service.open_commendation_round(db.session, movement, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(_("Đã mời %(n)s đơn vị lập hồ sơ đề nghị khen thưởng tổng kết.", n=invited), "success")
    return redirect(url_for("movement_reviews.show", movement_id=movement_id))
