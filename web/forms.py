"""WTForms for the HTML pages (CSRF comes with Flask-WTF)."""

from collections.abc import Callable, Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from web.messages import translate, translate_all
from web.params import MAX_ID, is_whole_number
from workflow.core.messages import DataLabel, Message, data_label


class WholeNumberField(IntegerField):
    """An IntegerField that reads ASCII digits only (int() also takes "١٢٣") and refuses a number past what its
    column holds, with the form's own message instead of an overflow in the database."""

    def __init__(self, label=None, validators=None, *, low: int = -MAX_ID, high: int = MAX_ID, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if is_whole_number(text) and self.low <= int(text) <= self.high:
            self.data = int(text)
            return
        self.data = None
        default = _l("Phải là số nguyên từ %(low)s đến %(high)s.", low=self.low, high=self.high)
        raise ValueError(self.invalid_value_message or default)

    def pre_validate(self, form):
        """Text that is no number already has its message: no range check on top of it. (Nothing typed is left to
        the validators: Optional() clears the message.)"""
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()


def attach_errors(form, errors: Mapping[str, list[str]], *, fallback: str | None = None) -> list[str]:
    """Put a service's field errors (InvalidInput.errors) on the form's own fields, in the reader's language. An
    error about a field the form does not have goes on `fallback` when given, else it is returned for the page to
    show beside the form."""
    loose: list[str] = []
    for name, messages in errors.items():
        target = getattr(form, name, None) or (getattr(form, fallback) if fallback else None)
        if target is None:
            loose.extend(translate_all(messages))
        else:
            target.errors = [*target.errors, *translate_all(messages)]
    return loose


def options(mapping: dict) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects (tuples are deprecated, lazy labels are not plain strings). Labels from
    data or workflow/ (DataLabel, Message) are shown in the reader's language."""
    return [
        SelectChoice(value=value, label=translate(label) if isinstance(label, Message | DataLabel) else label)
        for value, label in mapping.items()
    ]


class LoginForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64)]
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=200)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Ngôn ngữ"), choices=options({"vi": "Tiếng Việt", "en": "English"}))


PROCEDURE_CHOICES = {
    "regular": _l("Danh hiệu thi đua thường xuyên (LĐTT, CSTĐCS, TLĐTT, TLĐXS)"),
    "giay_khen_periodic": _l("Giấy khen theo đợt"),
    "giay_khen_thematic": _l("Giấy khen theo chuyên đề"),
    "simplified": _l("Thủ tục đơn giản"),
}
KIND_CHOICES = {"person": _l("Cá nhân"), "collective": _l("Tập thể"), "household": _l("Hộ gia đình")}
RATING_CHOICES = {
    "": _l("— Chưa có —"),
    "excellent": _l("Hoàn thành xuất sắc nhiệm vụ"),
    "good": _l("Hoàn thành tốt nhiệm vụ"),
    "complete": _l("Hoàn thành nhiệm vụ"),
    "incomplete": _l("Không hoàn thành nhiệm vụ"),
}
DISCIPLINE_CHOICES = {
    "none": _l("Không bị kỷ luật"),
    "under_review": _l("Đang bị xem xét kỷ luật, điều tra, thanh tra"),
    "reprimand": _l("Khiển trách"),
    "warning": _l("Cảnh cáo"),
    "dismissal": _l("Cách chức / buộc thôi việc"),
}
REASON_CHOICES = {
    "": _l("— Chọn lý do —"),
    "wrong_subject": _l("Sai đối tượng"),
    "criteria_not_met": _l("Không đạt tiêu chuẩn"),
    "incomplete_dossier": _l("Hồ sơ không đầy đủ"),
    "law_violation": _l("Vi phạm pháp luật"),
}

CAPACITY_CHOICES = {
    "chairman": _l("Chủ tịch (TM. Ủy ban nhân dân)"),
    "deputy": _l("Phó Chủ tịch (KT. Chủ tịch)"),
}


class DossierForm(FlaskForm):
    procedure = SelectField(_l("Thủ tục"), choices=options(PROCEDURE_CHOICES))
    year = WholeNumberField(
        _l("Năm thành tích"), validators=[InputRequired(_l("Vui lòng nhập năm thành tích."))], low=1945, high=2200
    )
    title = StringField(
        _l("Trích yếu"),
        validators=[DataRequired(_l("Vui lòng nhập trích yếu hồ sơ.")), Length(max=300)],
    )
    movement_id = SelectField(
        _l("Thuộc phong trào thi đua"), choices=[], coerce=lambda value: int(value) if value else None,
        validate_choice=False,
    )


def build_dossier_form(movements: Iterable, **data) -> DossierForm:
    """The new-dossier form offering the movements the unit's dossier may name (workflow.movements.dossier_link
    judges the choice); none chosen unless `data` says so."""
    form = DossierForm(**data)
    form.movement_id.choices = [("", _l("— Không thuộc phong trào nào —")), *((m.id, m.name) for m in movements)]
    return form


def _member_count(label) -> WholeNumberField:
    """A collective's member count, parsed here; workflow.dossiers.editing judges its range (0 to the total)."""
    return WholeNumberField(
        label, validators=[Optional()], invalid_value_message=_l("Nhập số người bằng chữ số, ví dụ 12.")
    )


class NominationForm(FlaskForm):
    """Build it with `build_nomination_form`, which gives it the rule set's titles and the service's check."""

    kind = SelectField(
        _l("Loại đối tượng"),
        choices=options(KIND_CHOICES),
        validators=[InputRequired(_l("Vui lòng chọn loại đối tượng."))],
    )
    full_name = StringField(
        _l("Họ tên / tên tập thể"), validators=[DataRequired(_l("Vui lòng nhập họ tên.")), Length(max=200)]
    )
    # Required of a person only (the service says so); the page shows it to persons only, marked required.
    date_of_birth = DateField(_l("Ngày sinh"), validators=[Optional()])
    national_id = StringField(_l("Số định danh cá nhân"), validators=[Optional(), Length(max=12)])
    gender = SelectField(_l("Giới tính"), choices=options({"": "—", "male": _l("Nam"), "female": _l("Nữ")}))
    position = StringField(_l("Chức vụ, đơn vị công tác"), validators=[Length(max=200)])
    title_code = SelectField(
        _l("Danh hiệu / hình thức đề nghị"),
        choices=[],
        default="",
        validators=[InputRequired(_l("Vui lòng chọn danh hiệu / hình thức đề nghị."))],
    )
    annual_rating = SelectField(_l("Xếp loại mức độ hoàn thành nhiệm vụ trong năm"), choices=options(RATING_CHOICES))
    months_of_service = WholeNumberField(
        _l("Số tháng công tác trong năm"),
        validators=[Optional(), NumberRange(0, 12, _l("Từ 0 đến 12 tháng."))],
        invalid_value_message=_l("Nhập số tháng bằng chữ số, từ 0 đến 12."),
    )
    discipline_status = SelectField(_l("Tình trạng kỷ luật"), choices=options(DISCIPLINE_CHOICES))
    relies_on_initiative = BooleanField(_l("Có sáng kiến / đề tài được công nhận làm căn cứ"))
    achievement = TextAreaField(_l("Tóm tắt thành tích"), validators=[Length(max=5000)])
    member_count = _member_count(_l("Tổng số thành viên"))
    members_ldtt = _member_count(_l("Số đạt LĐTT"))
    members_cstdcs = _member_count(_l("Số đạt CSTĐCS"))
    members_completed = _member_count(_l("Số hoàn thành nhiệm vụ"))
    members_disciplined = _member_count(_l("Số bị kỷ luật"))

    check: Callable[[FlaskForm], Mapping[str, list[str]]] | None = None

    def validate(self, extra_validators=None) -> bool:
        """The form's own checks, and when they fail the service's too on what could be read, each problem on its
        field (a field the form already faulted keeps the form's message): one round of errors, not two."""
        if super().validate(extra_validators):
            return True
        if self.check is not None:
            problems = {
                name: found for name, found in self.check(self).items() if not (name in self and self[name].errors)
            }
            self.form_errors.extend(attach_errors(self, problems))
        return False


def build_nomination_form(
    titles: Iterable, data: Mapping | None = None, check: Callable[[FlaskForm], Mapping[str, list[str]]] | None = None
) -> NominationForm:
    """The nominee form offering the rule set's titles (AwardTitle rows) in the reader's language, each option
    tagged with the kind of nominee it is for (app.css hides the others), no title chosen in advance. `check`
    (form → field errors, e.g. workflow.dossiers.editing.nominee_problems) runs when the form's own checks fail."""
    form = NominationForm(data=data)
    form.title_code.choices = [
        SelectChoice(value="", label=_l("— Chọn danh hiệu —")),
        *(
            SelectChoice(value=t.code, label=translate(data_label(t)), render_kw={"data-subject": t.subject_kind})
            for t in titles
        ),
    ]
    form.check = check
    return form


class DocumentForm(FlaskForm):
    """The dossier's upload form: one file input per checklist item (named `item-file:<key>`, gathered by
    web/uploads.py) and this free row for a document of any kind; several files go in one submission."""

    kind = SelectField(_l("Loại tài liệu"), choices=[], validate_choice=False)
    nomination_id = SelectField(_l("Của người/tập thể"), choices=[], validate_choice=False)
    file = FileField(_l("Tệp"))


class ReassignForm(FlaskForm):
    """Moving an uploaded document to another kind or nominee."""

    kind = SelectField(_l("Loại tài liệu"), choices=[], validate_choice=False)
    nomination_id = SelectField(_l("Của người/tập thể"), choices=[], validate_choice=False)


class TransitionForm(FlaskForm):
    """One form for every workflow action; each action's guards decide which fields it needs."""

    version = WholeNumberField(validators=[Optional()], low=0)
    comment = TextAreaField(_l("Ý kiến / lý do"), validators=[Length(max=2000)])
    missing_items = SelectMultipleField(_l("Nội dung còn thiếu"), choices=[], validate_choice=False)
    other_missing = TextAreaField(_l("Nội dung khác còn thiếu (mỗi dòng một mục)"), validators=[Length(max=2000)])
    reason = SelectField(_l("Lý do không chấp nhận"), choices=options(REASON_CHOICES), validate_choice=False)
    sign_off = BooleanField(_l("Tôi đã ký tờ trình đề nghị của đơn vị"))
    # Resubmitting: the unit's explanation per item of the return that has no new document (keys and texts pair up
    # by position; web/presenters.py::dialog_inputs joins them).
    explanation_keys = FieldList(StringField(validators=[Length(max=600)]))
    explanations = FieldList(TextAreaField(validators=[Length(max=1000)]))
    # The dossier page offers its authority's scheduled sessions (web/presenters.py); the service checks the pick.
    council_session_id = SelectField(_l("Phiên họp của Hội đồng"), choices=[], validate_choice=False)
    # Signing a decision: for the committee as its chairman (TM.) or in the chairman's place as a deputy (KT.); the
    # service's guard refuses anything else.
    capacity = SelectField(
        _l("Ký với tư cách"), choices=options(CAPACITY_CHOICES), default="chairman", validate_choice=False
    )
