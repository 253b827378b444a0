"""The units catalogue pages (danh mục đơn vị): the list with its filters, and the forms that add a unit or change
one, its last day of activity included (E14 reads it)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from models import Unit, db
from web.access import permission_required
from web.forms import attach_errors, options
from web.loaders import load_unit
from web.messages import translate
from web.pagination import paginate
from web.params import MAX_ID, query_args
from workflow.core.errors import InvalidInput
from workflow.core.today import local_today
from workflow.org import units
from workflow.permissions import can_manage_units

bp = Blueprint("units", __name__, url_prefix="/admin/units")
ID = f"int(max={MAX_ID})"

KIND_LABELS = {
    "department": _l("Cơ quan chuyên môn (phòng, ban)"),
    "commune": _l("Xã"),
    "township": _l("Thị trấn"),
    "school": _l("Trường học"),
    "public_service": _l("Đơn vị sự nghiệp công lập"),
    "enterprise": _l("Doanh nghiệp"),
    "mass_organisation": _l("Mặt trận, đoàn thể"),
}
BAD_DATE = _l("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2025-06-30.")


class UnitForm(FlaskForm):
    code = StringField(
        _l("Mã đơn vị"), validators=[DataRequired(_l("Vui lòng nhập mã đơn vị.")), Length(max=units.CODE_MAX)]
    )
    name = StringField(
        _l("Tên đơn vị"), validators=[DataRequired(_l("Vui lòng nhập tên đơn vị.")), Length(max=units.NAME_MAX)]
    )
    kind = SelectField(
        _l("Loại đơn vị"), choices=options(KIND_LABELS), invalid_choice_message=_l("Vui lòng chọn loại đơn vị.")
    )
    parent_unit_id = SelectField(_l("Trực thuộc đơn vị"), invalid_choice_message=_l("Vui lòng chọn trong danh sách."))
    valid_from = DateField(
        _l("Ngày bắt đầu hoạt động"),
        validators=[InputRequired(_l("Vui lòng nhập ngày bắt đầu hoạt động."))],
        invalid_value_message=BAD_DATE,
    )
    valid_to = DateField(_l("Ngày cuối cùng hoạt động"), validators=[Optional()], invalid_value_message=BAD_DATE)

    def offer_parents(self, candidates: list[Unit], unit: Unit | None = None) -> None:
        self.parent_unit_id.choices = options(
            {"": _l("— Không trực thuộc đơn vị nào —")}
            | {str(u.id): f"{u.code} – {u.name}" for u in candidates if u is not unit}
        )

    def values(self) -> dict:
        """The fields as the service takes them."""
        parent = self.parent_unit_id.data
        return {
            "code": self.code.data,
            "name": self.name.data,
            "kind": self.kind.data,
            "parent_unit_id": int(parent) if parent else None,
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
        }


class NewUnitForm(UnitForm):
    authority_id = SelectField(_l("Thuộc cơ quan"), invalid_choice_message=_l("Vui lòng chọn cơ quan."))

    def values(self) -> dict:
        return {**super().values(), "authority_id": int(self.authority_id.data)}


def _initial(unit: Unit) -> dict:
    """The form's first values from the unit (the select fields hold ids as text)."""
    values = {field: getattr(unit, field) for field in units.FIELDS}
    return {**values, "parent_unit_id": str(unit.parent_unit_id or "")}


def _candidates(authority_id: int | None = None) -> list[Unit]:
    query = units.list_units(db.session, current_user, authority_id=authority_id, today=local_today())
    return list(db.session.scalars(query))


def _saved(form: UnitForm, save) -> tuple[bool, object]:
    """Run the service and commit; its field errors go on the form and nothing is kept."""
    try:
        result = save()
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors)
        return False, None
    db.session.commit()
    return True, result


def _form_page(form: UnitForm, unit: Unit | None):
    return render_template("admin/unit_form.html", form=form, unit=unit, kinds=KIND_LABELS), (
        422 if form.errors else 200
    )


@bp.get("")
@permission_required(can_manage_units)
def index():
    args = query_args(ints={"authority_id": (1, MAX_ID)}, texts={"q": 200, "kind": 40, "status": 20})
    filters = {"text": args["q"], "kind": args["kind"], "status": args["status"], "authority_id": args["authority_id"]}
    today = local_today()
    page = paginate(db.session, units.list_units(db.session, current_user, today=today, **filters), per_page=50)
    return render_template(
        "admin/units.html",
        page=page,
        args=args,
        kinds=KIND_LABELS,
        authorities=units.manageable_authorities(db.session, current_user),
        status_of=partial(units.unit_status, today=today),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_manage_units)
def new():
    form = NewUnitForm()
    form.authority_id.choices = options(
        {str(a.id): a.name for a in units.manageable_authorities(db.session, current_user)}
    )
    form.offer_parents(_candidates())
    if form.validate_on_submit():
        done, unit = _saved(form, lambda: units.create_unit(db.session, current_user, form.values()))
        if done:
            flash(_("Đã thêm đơn vị %(code)s – %(name)s.", code=unit.code, name=unit.name), "success")
            return redirect(url_for(".index"))
    return _form_page(form, None)


@bp.route(f"/<{ID}:unit_id>/edit", methods=["GET", "POST"])
@permission_required(can_manage_units, load=load_unit)
def edit(unit_id: int):
    unit = load_unit(unit_id)
    form = UnitForm(data=_initial(unit))
    form.offer_parents(_candidates(unit.authority_id), unit)
    if form.validate_on_submit():
        done, warnings = _saved(form, lambda: units.update_unit(db.session, current_user, unit, form.values()))
        if done:
            flash(_("Đã lưu đơn vị %(code)s – %(name)s.", code=unit.code, name=unit.name), "success")
            for warning in warnings:
                flash(translate(warning), "warning")
            return redirect(url_for(".index"))
    return _form_page(form, unit)
