"""A movement's yearly work with its units: the standing office's year page (deadlines, who registered, reports,
reminders, review or return), the unit's registration form and its yearly report. The rules are in
workflow/movements/registrations.py and reports.py; these views only read the forms and call them."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import Movement, MovementRegistration, UnitReport, db
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors, options
from web.messages import translate, translate_all
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.core.today import local_today
from workflow.dossiers.documents import EXTENSIONS, MAX_BYTES, content_path
from workflow.movements import follow_up, registrations, reports
from workflow.movements.contents import content_items
from workflow.movements.registrations import MAX_TARGET, MAX_TEXT, RegistrationInput, Upload
from workflow.permissions import can_follow_registrations, can_register_for_movement, can_review_unit_report

bp = Blueprint("movement_units", __name__)
ID = "int(max=2147483647)"
YEAR = "int(min=1900,max=2999)"
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"

REPORT_STATES = {
    "due": _l("Chưa nộp"),
    "submitted": _l("Đã nộp, chờ xem xét"),
    "reviewed": _l("Đã xem xét"),
    "returned": _l("Bị trả lại"),
}


class YearForm(FlaskForm):
    registration_due = DateField(_l("Hạn đăng ký thi đua"), validators=[Optional()])
    report_due = DateField(_l("Hạn nộp báo cáo năm"), validators=[Optional()])


class ReviewForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)


class ReturnForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    comment = TextAreaField(
        _l("Lý do trả lại"),
        validators=[DataRequired(_l("Vui lòng ghi lý do trả lại để đơn vị bổ sung.")), Length(max=MAX_TEXT)],
    )


def load_movement(movement_id: int, **_) -> Movement:
    return db.get_or_404(Movement, movement_id)


def load_report(report_id: int, **_) -> UnitReport:
    return db.get_or_404(UnitReport, report_id)


def load_registration(registration_id: int, **_) -> MovementRegistration:
    return db.get_or_404(MovementRegistration, registration_id)


def _check_year(movement: Movement, year: int) -> None:
    if not movement.period_start.year <= year <= movement.period_end.year:
        abort(404)


# --- the standing office ----------------------------------------------------------------------------------------


@bp.get(f"/movements/<{ID}:movement_id>/years", defaults={"year": None})
@bp.get(f"/movements/<{ID}:movement_id>/years/<{YEAR}:year>")
@permission_required(can_follow_registrations, load=load_movement)
def office_year(movement_id: int, year: int | None):
    """Without a year: this year, kept within the movement's period."""
    movement = load_movement(movement_id)
    if year is None:
        return redirect(
            url_for(".office_year", movement_id=movement_id, year=follow_up.default_year(movement, local_today()))
        )
    _check_year(movement, year)
    return _office_page(movement, year)


def _office_page(movement: Movement, year: int, *, year_form=None, return_forms=None, status: int = 200):
    row = registrations.movement_year(db.session, movement, year)
    if year_form is None:
        year_form = YearForm(
            registration_due=row.registration_due if row else None, report_due=row.report_due if row else None
        )
    today = local_today()
    units = follow_up.year_overview(db.session, movement, year, actor=current_user, today=today)
    collective, person = registrations.title_catalogue(db.session)
    return render_template(
        "movements/registrations_office.html",
        movement=movement,
        year=year,
        years=range(movement.period_start.year, movement.period_end.year + 1),
        year_row=row,
        year_form=year_form,
        units=units,
        return_forms=return_forms or {},
        registered=sum(1 for u in units if u.registration is not None),
        report_states=REPORT_STATES,
        titles={**collective, **person},
        items=content_items(movement),
    ), status


@bp.post(f"/movements/<{ID}:movement_id>/years/<{YEAR}:year>/dates")
@permission_required(can_follow_registrations, load=load_movement)
def set_dates(movement_id: int, year: int):
    movement = load_movement(movement_id)
    _check_year(movement, year)
    form = YearForm()
    if not form.validate_on_submit():
        return _office_page(movement, year, year_form=form, status=422)
    try:
        registrations.set_year(
            db.session, movement, year, actor=current_user,
            registration_due=form.registration_due.data, report_due=form.report_due.data,
        )  # fmt: skip
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="registration_due")
        return _office_page(movement, year, year_form=form, status=422)
    db.session.commit()
    flash(_("Đã lưu hạn đăng ký và hạn báo cáo năm %(year)s.", year=year), "success")
    return redirect(url_for(".office_year", movement_id=movement_id, year=year))


@bp.post(f"/movements/<{ID}:movement_id>/years/<{YEAR}:year>/remind")
@permission_required(can_follow_registrations, load=load_movement)
def remind(movement_id: int, year: int):
    movement = load_movement(movement_id)
    _check_year(movement, year)
    if not ReviewForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "danger")
        return redirect(url_for(".office_year", movement_id=movement_id, year=year))
    try:
        reminded = registrations.remind(db.session, movement, year, actor=current_user, today=local_today())
    except InvalidInput as error:
        db.session.rollback()
        for message in translate_all([m for messages in error.errors.values() for m in messages]):
            flash(message, "danger")
        return redirect(url_for(".office_year", movement_id=movement_id, year=year))
    db.session.commit()
    if reminded:
        flash(ngettext("Đã nhắc %(num)s đơn vị.", "Đã nhắc %(num)s đơn vị.", len(reminded)), "success")
    else:
        flash(_("Không có đơn vị nào cần nhắc thêm: các đơn vị chưa đăng ký đã được nhắc hôm nay."), "info")
    return redirect(url_for(".office_year", movement_id=movement_id, year=year))


@bp.post(f"/movement-reports/<{ID}:report_id>/review")
@permission_required(can_review_unit_report, load=load_report)
def review(report_id: int):
    report = load_report(report_id)
    form = ReviewForm()
    if form.validate_on_submit():
        reports.review(db.session, report, actor=current_user, version=form.version.data)
        db.session.commit()
        flash(_("Đã xem xét báo cáo năm %(year)s của %(unit)s.", year=report.year, unit=report.unit.name), "success")
    return redirect(url_for(".office_year", movement_id=report.movement_id, year=report.year))


@bp.post(f"/movement-reports/<{ID}:report_id>/return")
@permission_required(can_review_unit_report, load=load_report)
def return_report(report_id: int):
    report = load_report(report_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            reports.return_report(
                db.session, report, actor=current_user, version=form.version.data, comment=form.comment.data
            )
        except GuardFailed as error:
            db.session.rollback()
            form.comment.errors = [*form.comment.errors, *translate_all(error.failures)]
        else:
            db.session.commit()
            flash(
                _("Đã trả lại báo cáo năm %(year)s cho %(unit)s.", year=report.year, unit=report.unit.name), "success"
            )
            return redirect(url_for(".office_year", movement_id=report.movement_id, year=report.year))
    return _office_page(report.movement, report.year, return_forms={report.id: form}, status=422)


@bp.get(f"/movement-reports/<{ID}:report_id>/document")
@permission_required(follow_up.can_read_report, load=load_report)
def report_document(report_id: int):
    report = load_report(report_id)
    if report.document_sha256 is None:
        abort(404)
    name = f"bao-cao-{report.year}-{report.unit.code}-{report.id}".lower()
    return _stored(report.document_sha256, report.document_media_type, name)


@bp.get(f"/movement-registrations/<{ID}:registration_id>/plan")
@permission_required(follow_up.can_read_registration, load=load_registration)
def plan_document(registration_id: int):
    registration = load_registration(registration_id)
    if registration.plan_sha256 is None:
        abort(404)
    name = f"ke-hoach-{registration.year}-{registration.unit.code}-{registration.id}".lower()
    return _stored(registration.plan_sha256, registration.plan_media_type, name)


def _stored(sha256: str, media_type: str, stem: str):
    """A stored file under its recognised type and a name made here (never the uploader's), as a download."""
    path = content_path(Path(current_app.config["UPLOAD_DIR"]), sha256)
    extension = EXTENSIONS.get(media_type, (".bin",))[0]
    safe = "".join(c if c.isalnum() or c == "-" else "-" for c in stem)
    response = send_file(path, mimetype=media_type, download_name=safe + extension, as_attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the unit ----------------------------------------------------------------------------------------------------


def _file_attrs() -> dict:
    """Accepted types and the size limit, checked in the browser too (static/js/upload-limit.js)."""
    too_big = _("Tệp %(name)s lớn hơn 20 MB: hãy nén hoặc chia nhỏ rồi chọn lại.", name="{name}")
    return {"accept": ACCEPT, "data-max-bytes": MAX_BYTES, "data-too-big": too_big}


def registration_form(movement: Movement, collective: dict, person: dict):
    """The registration form for this movement: a number per individual title, a target per content item."""

    class RegistrationForm(FlaskForm):
        collective_title = SelectField(
            _l("Danh hiệu tập thể đăng ký"),
            choices=options({"": _("— Không đăng ký —"), **collective}),
            validate_choice=False,
        )
        commitments = TextAreaField(_l("Cam kết, biện pháp thực hiện"), validators=[Length(max=MAX_TEXT)])
        plan = FileField(_l("Kế hoạch thi đua của đơn vị (tệp)"), render_kw=_file_attrs())

    for code, label in person.items():
        setattr(
            RegistrationForm, f"individual_{code}",
            WholeNumberField(
                translate(label), validators=[Optional()], low=0, high=MAX_TARGET, render_kw={"inputmode": "numeric"}
            ),
        )  # fmt: skip
    for item in content_items(movement):
        setattr(RegistrationForm, f"target_{item.key}", TextAreaField(item.text, validators=[Length(max=MAX_TEXT)]))
    return RegistrationForm


@bp.get(f"/movements/<{ID}:movement_id>/registration", defaults={"year": None})
@bp.route(f"/movements/<{ID}:movement_id>/registration/<{YEAR}:year>", methods=["GET", "POST"])
@permission_required(can_register_for_movement, load=load_movement)
def register(movement_id: int, year: int | None):
    movement = load_movement(movement_id)
    if year is None:
        return redirect(
            url_for(".register", movement_id=movement_id, year=follow_up.default_year(movement, local_today()))
        )
    _check_year(movement, year)
    collective, person = registrations.title_catalogue(db.session)
    items = content_items(movement)
    today = local_today()
    existing = registrations.registration_of(db.session, movement, current_user.unit_id, year)
    closed = registrations.deadline_passed(db.session, movement, year, today)
    Form = registration_form(movement, collective, person)
    if existing is not None and request.method == "GET":
        prefill = {f"individual_{code}": n for code, n in existing.individual_targets.items()}
        prefill.update({f"target_{key}": text for key, text in existing.content_targets.items()})
        form = Form(collective_title=existing.collective_title, commitments=existing.commitments, **prefill)
    else:
        form = Form()
    loose: list[str] = []
    status = 200
    if form.validate_on_submit():
        data = RegistrationInput(
            year=year,
            collective_title=form.collective_title.data or "",
            individual_targets={c: form[f"individual_{c}"].data for c in person if form[f"individual_{c}"].data},
            content_targets={i.key: form[f"target_{i.key}"].data or "" for i in items},
            commitments=form.commitments.data or "",
        )
        chosen = form.plan.data
        plan = Upload(chosen.stream, chosen.filename) if chosen and chosen.filename else None
        try:
            registrations.register(
                db.session, movement, data, actor=current_user, today=today, plan=plan,
                upload_dir=Path(current_app.config["UPLOAD_DIR"]),
            )  # fmt: skip
        except InvalidInput as error:
            db.session.rollback()
            errors = dict(error.errors)
            if "file" in errors:
                errors["plan"] = errors.pop("file")
            loose = attach_errors(form, {k: v for k, v in errors.items() if k not in _GROUPS}, fallback=None)
            groups = {k: translate_all(v) for k, v in errors.items() if k in _GROUPS}
            return _register_page(
                movement, year, form, (collective, person), items, existing, closed, loose, groups
            ), 422
        db.session.commit()
        flash(_("Đã lưu đăng ký thi đua năm %(year)s của đơn vị.", year=year), "success")
        return redirect(url_for(".register", movement_id=movement_id, year=year))
    if form.is_submitted():
        status = 422
    return _register_page(movement, year, form, (collective, person), items, existing, closed, loose, {}), status


_GROUPS = ("individual_targets", "content_targets")


def _register_page(movement, year, form, titles, items, existing, closed, loose, groups):
    collective, person = titles
    return render_template(
        "movements/registrations_unit.html",
        movement=movement,
        year=year,
        years=range(movement.period_start.year, movement.period_end.year + 1),
        form=form,
        person=person,
        collective=collective,
        items=items,
        existing=existing,
        closed=closed,
        closed_message=registrations.closed_message(year, closed) if closed else None,
        year_row=registrations.movement_year(db.session, movement, year),
        loose=loose,
        groups=groups,
        reports=follow_up.unit_reports(db.session, movement, current_user.unit_id),
        report_states=REPORT_STATES,
        max_upload_bytes=MAX_BYTES,
        accept=ACCEPT,
    )


def report_form(movement: Movement):
    """The yearly report: the document, a summary, and one figure or short text per content item."""

    class ReportForm(FlaskForm):
        version = WholeNumberField(validators=[Optional()], low=0)
        document = FileField(_l("Văn bản báo cáo"), render_kw=_file_attrs())
        summary = TextAreaField(_l("Tóm tắt kết quả"), validators=[Length(max=MAX_TEXT)])

    for item in content_items(movement):
        setattr(ReportForm, f"figure_{item.key}", StringField(item.text, validators=[Length(max=MAX_TEXT)]))
    return ReportForm


@bp.route(f"/movements/<{ID}:movement_id>/report/<{YEAR}:year>", methods=["GET", "POST"])
@permission_required(can_register_for_movement, load=load_movement)
def unit_report(movement_id: int, year: int):
    movement = load_movement(movement_id)
    _check_year(movement, year)
    report = follow_up.report_of(db.session, movement, current_user.unit_id, year)
    items = content_items(movement)
    Form = report_form(movement)
    if report is not None and request.method == "GET":
        form = Form(summary=report.summary, **{f"figure_{k}": v for k, v in (report.figures or {}).items()})
    else:
        form = Form()
    loose: list[str] = []
    if form.is_submitted():
        if report is None or report.state not in reports.OPEN:
            abort(404 if report is None else 409)
        if form.validate():
            chosen = form.document.data
            document = Upload(chosen.stream, chosen.filename) if chosen and chosen.filename else None
            try:
                reports.submit(
                    db.session, report, actor=current_user, version=form.version.data,
                    summary=form.summary.data or "",
                    figures={i.key: form[f"figure_{i.key}"].data or "" for i in items},
                    document=document, upload_dir=Path(current_app.config["UPLOAD_DIR"]),
                )  # fmt: skip
            except InvalidInput as error:
                db.session.rollback()
                errors = dict(error.errors)
                if "file" in errors:
                    errors["document"] = errors.pop("file")
                loose = attach_errors(form, errors, fallback=None)
            else:
                db.session.commit()
                flash(_("Đã gửi báo cáo năm %(year)s lên Phòng Nội vụ.", year=year), "success")
                return redirect(url_for(".unit_report", movement_id=movement_id, year=year))
    page = render_template(
        "movements/reports_unit.html",
        movement=movement,
        year=year,
        report=report,
        form=form,
        items=items,
        loose=loose,
        report_states=REPORT_STATES,
        overdue=reports.overdue_days(db.session, report, local_today()) if report else 0,
        max_upload_bytes=MAX_BYTES,
        accept=ACCEPT,
    )
    return page, 422 if form.is_submitted() else 200
