"""Initiative register pages (sổ sáng kiến, đề tài): the list, a unit's proposal form, and one initiative with the
standing office's forms to record the recognition decision or the refusal."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import Initiative, db
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors, options
from web.loaders import load_initiative
from web.pagination import paginate
from web.params import query_args
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.permissions import (
    can_propose_initiative,
    can_record_recognition,
    can_view_initiative,
    can_view_initiatives,
)
from workflow.registry import initiatives as register

bp = Blueprint("initiatives", __name__)
ID = "int(max=2147483647)"
AUTHOR_ROWS = 5

KIND_LABELS = {"initiative": _l("Sáng kiến"), "research": _l("Đề tài nghiên cứu khoa học")}
SCOPE_LABELS = {
    "unit": _l("Cơ sở (đơn vị)"),
    "district": _l("Cấp huyện"),
    "province": _l("Cấp tỉnh"),
    "national": _l("Toàn quốc"),
}
STATE_LABELS = {
    "proposed": _l("Đề nghị công nhận"),
    "recognised": _l("Đã được công nhận"),
    "not_recognised": _l("Không được công nhận"),
}


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Tên sáng kiến, đề tài"), validators=[InputRequired(_l("Vui lòng nhập tên.")), Length(max=300)]
    )
    year = WholeNumberField(
        _l("Năm áp dụng"), validators=[InputRequired(_l("Vui lòng nhập năm."))], low=1945, high=2200
    )
    kind = SelectField(_l("Loại"), choices=options(KIND_LABELS))
    field = StringField(_l("Lĩnh vực"), validators=[Length(max=200)])


def _add_author_rows(form_class) -> None:
    """AUTHOR_ROWS author/share pairs on the proposal form; the view fills the choices with the unit's people."""
    for n in range(1, AUTHOR_ROWS + 1):
        setattr(form_class, f"author_{n}", SelectField(_l("Tác giả %(n)s", n=n), choices=[], validate_choice=False))
        share = WholeNumberField(_l("Tỷ lệ đóng góp (%)"), validators=[Optional()], low=1, high=100)
        setattr(form_class, f"share_{n}", share)


_add_author_rows(ProposalForm)


class RecognitionForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    decision_number = StringField(_l("Số quyết định"), validators=[Length(max=40)])
    recognised_on = DateField(_l("Ngày quyết định"), validators=[Optional()])
    recognised_by = StringField(_l("Cơ quan công nhận"), validators=[Length(max=200)])
    scope = SelectField(_l("Phạm vi ảnh hưởng"), choices=options({"": "—", **SCOPE_LABELS}), validate_choice=False)


class RefusalForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    comment = TextAreaField(_l("Lý do không được công nhận"), validators=[Length(max=2000)])


@bp.get("/initiatives")
@permission_required(can_view_initiatives)
def index():
    args = query_args(ints={"year": (1945, 2200)}, texts={"state": 16})
    state = args["state"] if args["state"] in register.STATES else None
    page = paginate(db.session, register.search(db.session, actor=current_user, year=args["year"], state=state))
    return render_template(
        "initiatives/index.html",
        page=page,
        filters={"year": args["year"], "state": state},
        labels=labels(),
        can_propose=can_propose_initiative(current_user),
        can_import=can_record_recognition(current_user),
    )


@bp.route("/initiatives/new", methods=["GET", "POST"])
@permission_required(can_propose_initiative)
def new():
    form = ProposalForm()
    form_people = options(
        {"": "—"} | {str(n.id): _person(n) for n in register.possible_authors(db.session, current_user)}
    )
    for n in range(1, AUTHOR_ROWS + 1):
        getattr(form, f"author_{n}").choices = form_people
    if not form.validate_on_submit():
        return render_template("initiatives/new.html", form=form), 422 if form.errors else 200
    try:
        initiative = register.propose(
            db.session,
            actor=current_user,
            title=form.title.data,
            year=form.year.data,
            kind=form.kind.data,
            field=form.field.data or "",
            authors=_authors(form),
        )
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="author_1")
        return render_template("initiatives/new.html", form=form), 422
    db.session.commit()
    flash(_("Đã gửi đề nghị công nhận sáng kiến, đề tài."), "success")
    return redirect(url_for(".show", initiative_id=initiative.id))


@bp.get(f"/initiatives/<{ID}:initiative_id>")
@permission_required(can_view_initiative, load=load_initiative)
def show(initiative_id: int):
    return _page(load_initiative(initiative_id))


@bp.post(f"/initiatives/<{ID}:initiative_id>/recognition")
@permission_required(can_record_recognition, load=load_initiative)
def recognise(initiative_id: int):
    initiative = load_initiative(initiative_id)
    form = RecognitionForm()
    if not form.validate_on_submit():
        return _page(initiative, 422, recognition_form=form)
    try:
        register.recognise(
            db.session,
            initiative,
            actor=current_user,
            version=form.version.data,
            decision_number=form.decision_number.data or "",
            recognised_on=form.recognised_on.data,
            recognised_by=form.recognised_by.data or "",
            scope=form.scope.data or "",
        )
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="decision_number")
        return _page(initiative, 422, recognition_form=form)
    db.session.commit()
    flash(_("Đã ghi nhận quyết định công nhận."), "success")
    return redirect(url_for(".show", initiative_id=initiative.id))


@bp.post(f"/initiatives/<{ID}:initiative_id>/refusal")
@permission_required(can_record_recognition, load=load_initiative)
def refuse(initiative_id: int):
    initiative = load_initiative(initiative_id)
    form = RefusalForm()
    if not form.validate_on_submit():
        return _page(initiative, 422, refusal_form=form)
    try:
        register.refuse(
            db.session, initiative, actor=current_user, version=form.version.data, comment=form.comment.data
        )
    except GuardFailed as error:
        db.session.rollback()
        attach_errors(form, {"comment": error.failures})
        return _page(initiative, 422, refusal_form=form)
    db.session.commit()
    flash(_("Đã ghi nhận sáng kiến, đề tài không được công nhận."), "success")
    return redirect(url_for(".show", initiative_id=initiative.id))


def _person(nominee) -> str:
    born = f" ({nominee.date_of_birth:%d/%m/%Y})" if nominee.date_of_birth else ""
    return f"{nominee.full_name}{born}"


def _authors(form: ProposalForm) -> list[register.Author]:
    """The filled author rows; a missing share reads as 0, which the service refuses with its message."""
    rows = []
    for n in range(1, AUTHOR_ROWS + 1):
        chosen = getattr(form, f"author_{n}").data
        if chosen and chosen.isascii() and chosen.isdigit():
            rows.append(register.Author(int(chosen), getattr(form, f"share_{n}").data or 0))
    return rows


def labels() -> dict:
    """The register's codes in words, for its pages and the appraisal's."""
    return {"kinds": KIND_LABELS, "scopes": SCOPE_LABELS, "states": STATE_LABELS}


def _page(initiative: Initiative, status: int = 200, **forms):
    return render_template(
        "initiatives/show.html",
        initiative=initiative,
        labels=labels(),
        can_record=can_record_recognition(current_user, initiative) and initiative.state == "proposed",
        recognition_form=forms.get("recognition_form") or RecognitionForm(version=initiative.version),
        refusal_form=forms.get("refusal_form") or RefusalForm(version=initiative.version),
    ), status
