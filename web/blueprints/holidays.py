"""The administrator's working-day calendar: the package's holidays and the overrides for the days the
government adds or swaps each year."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from models import Holiday, db
from web.access import permission_required
from web.params import int_arg
from workflow.core.calendar import (
    DAY_OFF,
    NAME_MAX,
    WORKING_DAY,
    NotAnOverride,
    remove_override,
    set_override,
    year_exceptions,
)
from workflow.core.today import local_today
from workflow.permissions import can_administer

bp = Blueprint("holidays", __name__, url_prefix="/admin/holidays")

# The years a date column and the holidays package both handle; anything else is a mistyped URL.
YEARS = range(1995, 2101)


class HolidayOverrideForm(FlaskForm):
    day = DateField(
        _l("Ngày"),
        validators=[InputRequired(_l("Vui lòng nhập ngày."))],
        invalid_value_message=_l("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2025-01-27."),
    )
    kind = SelectField(
        _l("Loại ngày"),
        choices=[SelectChoice(DAY_OFF, _l("Ngày nghỉ")), SelectChoice(WORKING_DAY, _l("Ngày làm việc bù"))],
        invalid_choice_message=_l("Vui lòng chọn Ngày nghỉ hoặc Ngày làm việc bù."),
    )
    name = StringField(
        _l("Tên hoặc lý do"),
        validators=[
            DataRequired(_l("Vui lòng nhập tên hoặc lý do.")),
            Length(max=NAME_MAX, message=_l("Tên dài tối đa %(max)d ký tự.")),
        ],
    )

    def validate_day(self, field: DateField) -> None:
        if field.data is not None and field.data.year not in YEARS:
            raise ValidationError(
                _l("Chỉ nhận ngày từ năm %(first)d đến năm %(last)d.", first=YEARS[0], last=YEARS[-1])
            )


@bp.get("")
@permission_required(can_administer)
def index():
    return _page(HolidayOverrideForm(), _requested_year())


@bp.post("")
@permission_required(can_administer)
def create():
    form = HolidayOverrideForm()
    if not form.validate_on_submit():
        return _page(form, _requested_year()), 422
    row = set_override(db.session, day=form.day.data, kind=form.kind.data, name=form.name.data, actor=current_user)
    db.session.commit()
    flash(_("Đã lưu điều chỉnh cho ngày %(day)s.", day=row.day.strftime("%d/%m/%Y")), "success")
    return redirect(url_for(".index", year=row.day.year))


@bp.post("/<int(max=2147483647):holiday_id>/delete")
@permission_required(can_administer)
def delete(holiday_id: int):
    row = db.get_or_404(Holiday, holiday_id)
    day = row.day
    try:
        remove_override(db.session, day, current_user)
    except NotAnOverride:
        flash(
            _(
                "Ngày %(day)s theo quy định chung nên không xóa được. Nếu năm nay ngày đó vẫn làm việc, "
                "hãy thêm điều chỉnh “Ngày làm việc bù” cho ngày đó.",
                day=day.strftime("%d/%m/%Y"),
            ),
            "warning",
        )
        return redirect(url_for(".index", year=day.year))
    db.session.commit()
    flash(_("Đã xóa điều chỉnh cho ngày %(day)s.", day=day.strftime("%d/%m/%Y")), "success")
    return redirect(url_for(".index", year=day.year))


def _requested_year() -> int:
    return int_arg("year", YEARS.start, YEARS.stop - 1, default=local_today().year)


def _page(form: HolidayOverrideForm, year: int) -> str:
    return render_template(
        "admin/holidays.html",
        form=form,
        year=year,
        rows=year_exceptions(db.session, year),
        years=YEARS,
    )
