"""Movement pages (phong trào thi đua): the list, the standing office's launch-plan form, one movement with its
plan, its state, its actions and its figures over the years."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from models import Movement, db
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors
from web.messages import translate_all
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.core.machines import MOVEMENT
from workflow.movements import plans
from workflow.permissions import can_manage_movement, can_view_movement, can_view_movements

bp = Blueprint("movements", __name__)
ID = "int(max=2147483647)"
BOX = 10000

STATE_LABELS = {"draft": _l("Dự thảo"), "launched": _l("Đã phát động"), "closed": _l("Đã kết thúc")}


class PlanForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    name = StringField(_l("Tên phong trào (chủ đề)"), validators=[Length(max=300)])
    period_start = DateField(_l("Từ ngày"), validators=[Optional()])
    period_end = DateField(_l("Đến ngày"), validators=[Optional()])
    description = TextAreaField(_l("Mục tiêu chung"), validators=[Length(max=BOX)])
    purposes = TextAreaField(_l("Mục đích"), validators=[Length(max=BOX)])
    requirements = TextAreaField(_l("Yêu cầu"), validators=[Length(max=BOX)])
    contents = TextAreaField(_l("Nội dung thi đua và chỉ tiêu"), validators=[Length(max=BOX)])
    forms = TextAreaField(_l("Hình thức thi đua"), validators=[Length(max=BOX)])
    organisation = TextAreaField(_l("Tổ chức thực hiện"), validators=[Length(max=BOX)])
    clusters = TextAreaField(_l("Khối, cụm thi đua"), validators=[Length(max=BOX)])


def load_movement(movement_id: int, **_) -> Movement:
    return db.get_or_404(Movement, movement_id)


@bp.get("/movements")
@permission_required(can_view_movements)
def index():
    query = select(Movement).order_by(Movement.period_start.desc(), Movement.id.desc())
    if current_user.unit is not None:
        query = query.where(Movement.authority_id == current_user.unit.authority_id)
    return render_template(
        "movements/index.html",
        movements=db.session.scalars(query).all(),
        states=STATE_LABELS,
        can_create=can_manage_movement(current_user),
    )


@bp.route("/movements/new", methods=["GET", "POST"])
@permission_required(can_manage_movement)
def new():
    form = PlanForm()
    if not form.validate_on_submit():
        return render_template("movements/form.html", form=form, movement=None), 422 if form.errors else 200
    try:
        movement = plans.create_movement(db.session, actor=current_user, plan=_plan(form))
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="name")
        return render_template("movements/form.html", form=form, movement=None), 422
    db.session.commit()
    flash(_("Đã lưu dự thảo kế hoạch phát động phong trào."), "success")
    return redirect(url_for(".show", movement_id=movement.id))


@bp.get(f"/movements/<{ID}:movement_id>")
@permission_required(can_view_movement, load=load_movement)
def show(movement_id: int):
    movement = load_movement(movement_id)
    return render_template(
        "movements/show.html",
        movement=movement,
        states=STATE_LABELS,
        clusters=plans.cluster_units(db.session, movement),
        years=plans.over_the_years(db.session, movement),
        triggers=[MOVEMENT.transitions[t] for t in available_triggers(MOVEMENT, movement, current_user)],
        can_edit=can_manage_movement(current_user, movement) and movement.state == "draft",
    )


@bp.route(f"/movements/<{ID}:movement_id>/edit", methods=["GET", "POST"])
@permission_required(can_manage_movement, load=load_movement)
def edit(movement_id: int):
    movement = load_movement(movement_id)
    if movement.state != "draft":
        abort(409)
    if request.method == "GET":
        form = PlanForm(
            name=movement.name, period_start=movement.period_start, period_end=movement.period_end,
            description=movement.description, **plans.plan_as_text(db.session, movement),
        )  # fmt: skip
        return render_template("movements/form.html", form=form, movement=movement)
    form = PlanForm()
    if not form.validate_on_submit():
        return render_template("movements/form.html", form=form, movement=movement), 422
    try:
        plans.update_movement(db.session, movement, actor=current_user, plan=_plan(form), version=form.version.data)
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="name")
        return render_template("movements/form.html", form=form, movement=movement), 422
    db.session.commit()
    flash(_("Đã lưu kế hoạch."), "success")
    return redirect(url_for(".show", movement_id=movement.id))


@bp.post(f"/movements/<{ID}:movement_id>/<any(launch, close):trigger>")
@permission_required(can_manage_movement, load=load_movement)
def act(movement_id: int, trigger: str):
    movement = load_movement(movement_id)
    version = request.form.get("version", type=int)
    try:
        perform(db.session, Action(MOVEMENT, movement, trigger), actor=current_user, version=version,
                inputs={"comment": request.form.get("comment", "")[:2000]})
    except GuardFailed as error:
        db.session.rollback()
        for failure in translate_all(error.failures):
            flash(failure, "danger")
        return redirect(url_for(".show", movement_id=movement_id))
    db.session.commit()
    flash(_("Đã phát động phong trào.") if trigger == "launch" else _("Đã kết thúc phong trào."), "success")
    return redirect(url_for(".show", movement_id=movement_id))


def _plan(form: PlanForm) -> plans.Plan:
    return plans.Plan(
        name=form.name.data or "",
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        description=form.description.data or "",
        purposes=plans.split_lines(form.purposes.data),
        requirements=plans.split_lines(form.requirements.data),
        contents=plans.contents_from_text(form.contents.data),
        forms=plans.split_lines(form.forms.data),
        organisation=plans.organisation_from_text(form.organisation.data),
        clusters=plans.clusters_from_text(form.clusters.data),
    )
