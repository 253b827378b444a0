"""The rule sets as loaded (every revision, with the legal source of each entry) and the dated base salaries.

Reading is open to the people who apply the rules (administrator, standing office, secretary); only the
administrator adds a base salary. The rule sets themselves change only through `flask rules load`, so what
the page shows is exactly what the files said."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Optional

from models import (
    RuleSet,
    db,
)
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors
from workflow.core.errors import InvalidInput
from workflow.core.today import local_today
from workflow.permissions import can_administer, can_view_rulesets
from workflow.rules import salaries
from workflow.rules.catalogue import rule_set_contents, rule_set_summaries
from workflow.rules.money import base_salary_on
from workflow.rules.rulesets import rule_set_in_force

bp = Blueprint("rulesets_admin", __name__, url_prefix="/admin")
ID = "int(max=2147483647)"

SUBJECT_LABELS = {"person": _l("Cá nhân"), "collective": _l("Tập thể"), "household": _l("Hộ gia đình")}
CATEGORY_LABELS = {"title": _l("Danh hiệu"), "form": _l("Hình thức khen thưởng")}
LEVEL_LABELS = {
    "unit": _l("Cơ sở"),
    "commune": _l("Cấp xã"),
    "district": _l("Cấp huyện"),
    "province": _l("Cấp tỉnh"),
    "national": _l("Nhà nước"),
}
AUTHORITY_LEVEL_LABELS = {
    "commune": _l("Chủ tịch UBND cấp xã"),
    "district": _l("Chủ tịch UBND cấp huyện"),
    "province": _l("Chủ tịch UBND cấp tỉnh"),
    "national": _l("Thủ tướng Chính phủ / Chủ tịch nước"),
}


class BaseSalaryForm(FlaskForm):
    """Parses the fields; workflow.rules.salaries.add_base_salary judges them (one source for the rules), so an empty
    field passes here as None and gets the service's message."""

    effective_from = DateField(
        _l("Áp dụng từ ngày"),
        validators=[Optional()],
        invalid_value_message=_l("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2026-07-01."),
    )
    amount_vnd = WholeNumberField(
        _l("Mức lương cơ sở (đồng/tháng)"),
        validators=[Optional()],
        invalid_value_message=_l("Nhập số tiền bằng chữ số, không có dấu chấm, ví dụ 2340000."),
    )
    legal_source = StringField(_l("Căn cứ pháp lý"))


@bp.get("/rulesets")
@permission_required(can_view_rulesets)
def index():
    return render_template(
        "admin/rulesets.html",
        summaries=rule_set_summaries(db.session),
        in_force=rule_set_in_force(db.session, local_today()),
        today=local_today(),
    )


@bp.get(f"/rulesets/<{ID}:rule_set_id>")
@permission_required(can_view_rulesets)
def show(rule_set_id: int):
    contents = rule_set_contents(db.session, db.get_or_404(RuleSet, rule_set_id))
    return render_template(
        "admin/rulesets_show.html",
        contents=contents,
        subject_labels=SUBJECT_LABELS,
        category_labels=CATEGORY_LABELS,
        level_labels=LEVEL_LABELS,
        authority_level_labels=AUTHORITY_LEVEL_LABELS,
    )


@bp.get("/base-salaries")
@permission_required(can_view_rulesets)
def base_salaries():
    return _salaries_page(BaseSalaryForm())


@bp.post("/base-salaries")
@permission_required(can_administer)
def add_base_salary():
    form = BaseSalaryForm()
    if not form.validate_on_submit():
        return _salaries_page(form), 422
    try:
        row = salaries.add_base_salary(
            db.session,
            effective_from=form.effective_from.data,
            amount_vnd=form.amount_vnd.data,
            legal_source=form.legal_source.data,
            actor=current_user,
        )
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="effective_from")
        return _salaries_page(form), 422
    db.session.commit()
    flash(_("Đã thêm mức lương cơ sở áp dụng từ ngày %(day)s.", day=row.effective_from.strftime("%d/%m/%Y")), "success")
    return redirect(url_for(".base_salaries"))


def _salaries_page(form: BaseSalaryForm) -> str:
    return render_template(
        "admin/base_salaries.html",
        form=form,
        rows=salaries.base_salaries(db.session),
        current=base_salary_on(db.session, local_today()),
    )
