"""Inspections of a movement's units (kiểm tra, đôn đốc): a council member records one, the inspected unit answers
it once, the office and the council read them all. The rules are in workflow/movements/inspections.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import Inspection, Movement, db
from web.access import permission_required
from web.forms import attach_errors, options
from web.messages import translate_all
from web.params import MAX_ID, is_whole_number
from workflow.core.errors import InvalidInput
from workflow.movements import inspections as service
from workflow.movements.inspections import TEXT_MAX, FollowUp
from workflow.permissions import can_answer_inspection, can_record_inspection, can_view_inspections

bp = Blueprint("movement_inspections", __name__)
ID = "int(max=2147483647)"
FOLLOW_UP_ROWS = 5


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Trả lời của đơn vị"), validators=[Length(max=TEXT_MAX)])


def inspection_form():
    """The record form, with a fixed number of follow-up rows (item and due date); empty rows are ignored."""

    class InspectionForm(FlaskForm):
        unit_id = SelectField(_l("Đơn vị được kiểm tra"), choices=[], validate_choice=False)
        inspected_on = DateField(_l("Ngày kiểm tra"), validators=[Optional()])
        inspector_ids = SelectMultipleField(
            _l("Thành viên đoàn kiểm tra cùng đi"), choices=[], validate_choice=False,
            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        )  # fmt: skip
        findings = TextAreaField(_l("Kết quả kiểm tra"), validators=[Length(max=TEXT_MAX)])

    for row in range(1, FOLLOW_UP_ROWS + 1):
        item = StringField(_("Việc %(n)s", n=row), validators=[Length(max=500)])
        setattr(InspectionForm, f"item_{row - 1}", item)
        setattr(InspectionForm, f"due_{row - 1}", DateField(_("Hạn việc %(n)s", n=row), validators=[Optional()]))
    return InspectionForm


def load_movement(movement_id: int, **_) -> Movement:
    return db.get_or_404(Movement, movement_id)


def load_inspection(inspection_id: int, **_) -> Inspection:
    return db.get_or_404(Inspection, inspection_id)


@bp.get(f"/movements/<{ID}:movement_id>/inspections")
@permission_required(can_view_inspections, load=load_movement)
def index(movement_id: int):
    return _index_page(load_movement(movement_id))


def _index_page(movement: Movement, answer_forms: dict | None = None, status: int = 200):
    rows = service.inspections(db.session, movement, current_user)
    forms = answer_forms or {}
    for inspection in rows:
        if inspection.id not in forms and can_answer_inspection(current_user, inspection):
            forms[inspection.id] = AnswerForm(formdata=None)
    return render_template(
        "movements/inspections.html",
        movement=movement,
        inspections=rows,
        answer_forms=forms,
        can_record=can_record_inspection(current_user, movement),
    ), status


@bp.route(f"/movements/<{ID}:movement_id>/inspections/new", methods=["GET", "POST"])
@permission_required(can_record_inspection, load=load_movement)
def new(movement_id: int):
    movement = load_movement(movement_id)
    form = inspection_form()()
    units = {str(u.id): u.name for u in service.units_of(db.session, movement)}
    form.unit_id.choices = options({"": _("— Chọn đơn vị —"), **units})
    others = [u for u in service.council_members(db.session, movement) if u.id != current_user.id]
    form.inspector_ids.choices = options({str(u.id): u.full_name for u in others})
    if not form.validate_on_submit():
        return _new_page(movement, form), 422 if form.is_submitted() else 200
    try:
        service.record_inspection(
            db.session, movement, actor=current_user,
            unit_id=_whole(form.unit_id.data),
            inspected_on=form.inspected_on.data,
            inspector_ids=[i for i in (_whole(v) for v in form.inspector_ids.data or []) if i is not None],
            findings=form.findings.data or "",
            follow_ups=[
                FollowUp(form[f"item_{row}"].data or "", form[f"due_{row}"].data) for row in range(FOLLOW_UP_ROWS)
            ],
        )  # fmt: skip
    except InvalidInput as error:
        db.session.rollback()
        follow_up_errors = error.errors.get("follow_ups", [])
        loose = attach_errors(form, {k: v for k, v in error.errors.items() if k != "follow_ups"})
        return _new_page(movement, form, loose=loose, follow_up_errors=follow_up_errors), 422
    db.session.commit()
    flash(_("Đã ghi biên bản kiểm tra; đơn vị sẽ thấy và trả lời trên trang kiểm tra."), "success")
    return redirect(url_for(".index", movement_id=movement_id))


def _whole(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if is_whole_number(text) and 0 < int(text) <= MAX_ID else None


def _new_page(movement: Movement, form, *, loose=(), follow_up_errors=()):
    return render_template(
        "movements/inspections_new.html",
        movement=movement,
        form=form,
        rows=range(FOLLOW_UP_ROWS),
        loose=list(loose),
        follow_up_errors=translate_all(follow_up_errors),
    )


@bp.post(f"/inspections/<{ID}:inspection_id>/answer")
@permission_required(can_answer_inspection, load=load_inspection)
def answer(inspection_id: int):
    inspection = load_inspection(inspection_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            service.answer_inspection(db.session, inspection, actor=current_user, answer=form.answer.data or "")
        except InvalidInput as error:
            db.session.rollback()
            attach_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Đã gửi trả lời của đơn vị."), "success")
            return redirect(url_for(".index", movement_id=inspection.movement_id))
    return _index_page(inspection.movement, {inspection.id: form}, 422)
