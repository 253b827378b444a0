"""Marshmallow schemas of the API: explicit fields, separate read (`…Schema`) and write (`…CreateSchema`,
`…RequestSchema`) shapes, and Vietnamese messages for the field errors a client sees.

Input schemas check shape, types and column sizes only; the services judge the content (a title that the rule
set does not know, a missing birth date) and answer with InvalidInput, which reaches the client the same way."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import FileStorage

from models.catalogue import SUBJECT_KINDS
from models.dossier import ANNUAL_RATINGS, DISCIPLINE_STATUSES, REASON_CATEGORIES, DossierState
from web.api.blueprint import MAX_ID
from web.params import MAX_BIGINT, is_whole_number
from workflow.core.machines import DOSSIER
from workflow.core.today import LOCAL_TZ
from workflow.dossiers.editing import UNIT_PROCEDURES

# --- input building blocks: Vietnamese messages, no NUL characters (PostgreSQL refuses them in text) -----------

_COMMON = {
    "required": "Trường này là bắt buộc.",
    "null": "Trường này không được để trống.",
    "validator_failed": "Giá trị không hợp lệ.",
}


class InputSchema(Schema):
    error_messages = {"unknown": "Trường này không được hỗ trợ.", "type": "Dữ liệu phải là một đối tượng JSON."}


class Text(fields.String):
    default_error_messages = {
        **_COMMON,
        "invalid": "Phải là một chuỗi ký tự.",
        "invalid_utf8": "Chuỗi ký tự không hợp lệ.",
        "nul": "Không được chứa ký tự NUL.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        return text


class Integer(fields.Integer):
    """Strict in JSON bodies (2025.0 and "2025" are refused); query strings and forms send text, so not there, but
    text must be ASCII digits (int() would also read "١٢٣"). Nothing past a 64-bit column's range gets through."""

    default_error_messages = {**_COMMON, "invalid": "Phải là một số nguyên.", "too_large": "Số quá lớn."}

    def __init__(self, *, strict: bool = True, **kwargs):
        super().__init__(strict=strict, **kwargs)

    def _validated(self, value):
        if isinstance(value, str) and not is_whole_number(value.strip()):
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number is not None and abs(number) > MAX_BIGINT:
            raise self.make_error("too_large")
        return number


class Boolean(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": "Phải là true hoặc false."}


class Date(fields.Date):
    default_error_messages = {
        **_COMMON,
        "invalid": "Ngày không hợp lệ; viết theo dạng năm-tháng-ngày, ví dụ 1980-01-31.",
        "format": "Ngày không hợp lệ.",
    }


class AsOfSchema(InputSchema):
    """The office's what-if day, shared by the findings and the money."""

    as_of = Date(
        metadata={
            "description": "Tính thử như thể hôm nay là ngày này (YYYY-MM-DD): bộ quy định mà căn cứ chọn, mức "
            "lương cơ sở và ngày quyết định dự kiến của ngày ấy. Không lưu gì; kết quả có `simulation: true`. "
            "Bỏ trống: hôm nay."
        }
    )


class DateTime(fields.AwareDateTime):
    """A moment; without an offset it is read as Vietnam time."""

    default_error_messages = {
        **_COMMON,
        "invalid": "Thời điểm không hợp lệ; viết theo dạng ISO 8601, ví dụ 2025-06-20T08:00:00+07:00.",
        "format": "Thời điểm không hợp lệ.",
    }

    def __init__(self, **kwargs):
        super().__init__(default_timezone=LOCAL_TZ, **kwargs)


class Mapping(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": "Phải là một đối tượng JSON."}


class TextList(fields.List):
    default_error_messages = {**_COMMON, "invalid": "Phải là một danh sách."}


class NestedObject(fields.Nested):
    default_error_messages = {**_COMMON, "type": "Phải là một đối tượng JSON."}


class File(Upload):
    """A file part of a multipart body; a plain text value under the same name is refused, not crashed on."""

    default_error_messages = {**_COMMON, "invalid": "Phải là một tệp gửi lên theo multipart/form-data."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        return value


def max_length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="Tối đa {max} ký tự.")


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error="Giá trị phải là một trong: {choices}.")


def in_range(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error="Phải từ {min} đến {max}.")


def an_id() -> validate.Range:
    return in_range(1, MAX_ID)


# --- authentication -----------------------------------------------------------------------------------------------


class TokenRequestSchema(InputSchema):
    username = Text(required=True, validate=max_length(64), metadata={"example": "canbo.pleikan"})
    password = Text(required=True, validate=max_length(200), load_only=True)


class IssuedTokenSchema(Schema):
    token = fields.String(metadata={"description": "Gửi kèm mỗi yêu cầu: Authorization: Bearer <token>."})
    expires_at = fields.AwareDateTime()


# --- dossiers: reading -----------------------------------------------------------------------------------------


class UnitRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AddresseeSchema(Schema):
    """The authority a dossier is addressed to."""

    id = fields.Integer()
    code = fields.String(metadata={"example": "UBND-NGOCHOI"})
    name = fields.String()


class NomineeSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    full_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)


# Collectives' member counts (E8, E9), read and written under the same names; persons have none.
MEMBER_COUNT_DESCRIPTIONS = {
    "member_count": "Tập thể: tổng số thành viên trong năm.",
    "members_ldtt": "Tập thể: số thành viên đạt Lao động tiên tiến.",
    "members_cstdcs": "Tập thể: số thành viên đạt Chiến sĩ thi đua cơ sở.",
    "members_completed": "Tập thể: số thành viên hoàn thành nhiệm vụ.",
    "members_disciplined": "Tập thể: số thành viên bị kỷ luật; mức cao nhất trong số đó là `discipline_status`.",
}
DISCIPLINE_DESCRIPTION = "Cá nhân: tình trạng kỷ luật; tập thể: mức kỷ luật cao nhất của các thành viên."


def _member_count_out(name: str) -> fields.Integer:
    return fields.Integer(
        attribute=f"year_facts.{name}", allow_none=True, metadata={"description": MEMBER_COUNT_DESCRIPTIONS[name]}
    )


class NominationSchema(Schema):
    id = fields.Integer()
    nominee = fields.Nested(NomineeSchema)
    title_code = fields.String()
    year = fields.Integer()
    state = fields.String()
    revision = fields.Integer()
    achievement = fields.String()
    discipline_status = fields.String(
        attribute="year_facts.discipline_status", metadata={"description": DISCIPLINE_DESCRIPTION}
    )
    member_count = _member_count_out("member_count")
    members_ldtt = _member_count_out("members_ldtt")
    members_cstdcs = _member_count_out("members_cstdcs")
    members_completed = _member_count_out("members_completed")
    members_disciplined = _member_count_out("members_disciplined")


class DocumentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    original_name = fields.String()
    media_type = fields.String()
    size_bytes = fields.Integer()
    revision = fields.Integer()
    superseded = fields.Boolean()
    nomination_id = fields.Integer(allow_none=True)
    content_hash = fields.String(metadata={"description": "SHA-256 của nội dung tệp."})


class ChecklistItemSchema(Schema):
    key = fields.String(metadata={"description": "Tên mục dùng trong `missing_items` khi trả lại hồ sơ."})
    kind = fields.String()
    label = fields.String()
    nomination_id = fields.Integer(allow_none=True)
    satisfied = fields.Boolean()


class SupplementItemSchema(Schema):
    key = fields.String(attribute="item.key", metadata={"description": "Khóa dùng trong `explanations` khi nộp lại."})
    label = fields.String(attribute="item.label")
    new_document_id = fields.Integer(attribute="document.id", allow_none=True)
    changed_details = fields.Boolean()
    explanation = fields.String()
    supplied = fields.Boolean()


class DossierSummarySchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "HS-2025-00042"})
    title = fields.String()
    procedure = fields.String()
    year = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    authority = fields.Nested(
        AddresseeSchema, metadata={"description": "Cơ quan (UBND) nhận hồ sơ; đổi khi hồ sơ được chuyển."}
    )
    state = fields.String(metadata={"enum": list(DossierState.ALL)})
    version = fields.Integer(metadata={"description": "Gửi lại trong mỗi thao tác chuyển trạng thái."})
    due_at = fields.Date(
        attribute="due_on", allow_none=True, metadata={"description": "Hạn giải quyết (ngày làm việc)."}
    )
    overdue = fields.Boolean()
    submitted_at = fields.AwareDateTime(allow_none=True)
    accepted_on = fields.Date(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    movement_id = fields.Integer(
        allow_none=True, metadata={"description": "Phong trào thi đua mà thành tích được đề nghị thuộc về."}
    )


class DossierSchema(DossierSummarySchema):
    available_triggers = fields.List(
        fields.String(), metadata={"description": "Các thao tác người gọi được thực hiện ngay lúc này."}
    )
    nominations = fields.List(fields.Nested(NominationSchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    checklist = fields.List(fields.Nested(ChecklistItemSchema))
    supplements = fields.List(
        fields.Nested(SupplementItemSchema),
        metadata={"description": "Khi hồ sơ bị trả lại: từng mục Phòng Nội vụ yêu cầu và đơn vị đã bổ sung chưa."},
    )


class PageMetaSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class DossierPageSchema(Schema):
    items = fields.List(fields.Nested(DossierSummarySchema))
    meta = fields.Nested(PageMetaSchema)


class TimelineEntrySchema(Schema):
    id = fields.Integer(attribute="entry.id")
    occurred_at = fields.AwareDateTime(attribute="entry.occurred_at")
    actor_id = fields.Integer(attribute="entry.actor_id", allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "Họ tên người thực hiện."})
    action = fields.String(attribute="entry.action")
    label = fields.String()
    entity_type = fields.String(attribute="entry.entity_type")
    entity_id = fields.Integer(attribute="entry.entity_id")
    from_state = fields.String(attribute="entry.from_state", allow_none=True)
    to_state = fields.String(attribute="entry.to_state", allow_none=True)
    data = fields.Dict()


# --- dossiers: writing -----------------------------------------------------------------------------------------


class DossierQuerySchema(InputSchema):
    state = Text(validate=one_of(DossierState.ALL))
    year = Integer(strict=False, validate=in_range(1945, 2200))
    unit_id = Integer(
        strict=False,
        validate=an_id(),
        metadata={"description": "Phòng Nội vụ, Thư ký, Chủ tịch lọc theo đơn vị; đơn vị chỉ thấy hồ sơ của mình."},
    )
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class DossierCreateSchema(InputSchema):
    procedure = Text(required=True, validate=one_of(UNIT_PROCEDURES))
    year = Integer(required=True, metadata={"example": 2025})
    title = Text(required=True, validate=max_length(300))
    movement_id = Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "Phong trào thi đua đã phát động của cơ quan, nếu thành tích thuộc phong trào."},
    )


def _member_count_in(name: str) -> Integer:
    """The service judges the range (0 to the total) and ignores the counts of a person."""
    return Integer(allow_none=True, load_default=None, metadata={"description": MEMBER_COUNT_DESCRIPTIONS[name]})


class NominationCreateSchema(InputSchema):
    kind = Text(required=True, validate=one_of(SUBJECT_KINDS))
    full_name = Text(required=True, validate=max_length(200))
    title_code = Text(required=True, validate=max_length(40), metadata={"example": "LDTT"})
    date_of_birth = Date(allow_none=True, load_default=None)
    national_id = Text(allow_none=True, load_default=None, validate=max_length(12))
    gender = Text(allow_none=True, load_default=None, validate=one_of(("male", "female")))
    position = Text(load_default="", validate=max_length(200))
    annual_rating = Text(allow_none=True, load_default=None, validate=one_of(ANNUAL_RATINGS))
    months_of_service = Integer(allow_none=True, load_default=None, validate=in_range(0, 12))
    discipline_status = Text(
        load_default="none", validate=one_of(DISCIPLINE_STATUSES), metadata={"description": DISCIPLINE_DESCRIPTION}
    )
    achievement = Text(load_default="", validate=max_length(5000))
    relies_on_initiative = Boolean(load_default=False)
    member_count = _member_count_in("member_count")
    members_ldtt = _member_count_in("members_ldtt")
    members_cstdcs = _member_count_in("members_cstdcs")
    members_completed = _member_count_in("members_completed")
    members_disciplined = _member_count_in("members_disciplined")


class DocumentUploadSchema(InputSchema):
    kind = Text(required=True, validate=max_length(40))
    nomination_id = Integer(
        strict=False,
        allow_none=True,
        load_default=None,
        validate=an_id(),
        metadata={"description": "Tài liệu riêng của một người được đề nghị; bỏ trống: tài liệu của cả hồ sơ."},
    )
    file = File(required=True, metadata={"description": "PDF, DOCX, XLSX, JPG hoặc PNG; tối đa 20 MB."})


class TransitionDataSchema(InputSchema):
    comment = Text(load_default="", validate=max_length(2000))
    missing_items = TextList(Text(validate=max_length(500)), load_default=list, validate=validate.Length(max=100))
    explanations = fields.Dict(
        keys=Text(validate=max_length(600)),
        values=Text(validate=max_length(1000)),
        load_default=dict,
        validate=validate.Length(max=200),
        metadata={
            "description": "resubmit: giải trình của đơn vị cho từng mục Phòng Nội vụ yêu cầu mà không có bản mới "
            "(khóa: `key` của mục trong `supplements`)."
        },
    )
    reason = Text(allow_none=True, load_default=None, validate=one_of(REASON_CATEGORIES))
    sign_off = Boolean(load_default=False)
    council_session_id = Integer(
        allow_none=True,
        load_default=None,
        validate=in_range(1, MAX_ID),
        metadata={"description": "schedule: phiên họp sắp tới được chọn."},
    )


class TransitionRequestSchema(InputSchema):
    trigger = Text(required=True, validate=one_of(DOSSIER.transitions))
    version = Integer(
        required=True, metadata={"description": "Phiên bản hồ sơ người gọi đã thấy; khác phiên bản hiện tại → 409."}
    )
    data = NestedObject(
        TransitionDataSchema, load_default=dict, metadata={"description": "Các trường thao tác cần (xem điều kiện)."}
    )


class ReaddressRequestSchema(InputSchema):
    version = Integer(
        required=True, metadata={"description": "Phiên bản hồ sơ người gọi đã thấy; khác phiên bản hiện tại → 409."}
    )


# --- workflow definitions ------------------------------------------------------------------------------------------


class WorkflowTransitionSchema(Schema):
    trigger = fields.String()
    source = fields.List(fields.String())
    dest = fields.String()
    label = fields.String()
    topic = fields.String()
    permission = fields.String(metadata={"description": "Tên hàm kiểm tra quyền."})
    guards = fields.List(fields.String(), metadata={"description": "Tên các điều kiện phải thỏa."})
    notify = fields.List(fields.String())
    asks = fields.List(
        fields.String(), metadata={"description": "Các trường của `data` mà thao tác dùng: comment, missing_items…"}
    )
    offered = fields.Boolean(metadata={"description": "false: chưa có nghiệp vụ nào cho phép thực hiện thao tác này."})


class WorkflowSchema(Schema):
    name = fields.String()
    states = fields.List(fields.String())
    initial = fields.String()
    final = fields.List(fields.String())
    transitions = fields.List(fields.Nested(WorkflowTransitionSchema))
    mermaid = fields.String(metadata={"description": "Sơ đồ trạng thái dạng Mermaid stateDiagram-v2."})


# --- problem documents (OpenAPI only: web/errors.py writes them) ---------------------------------------------------


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "422: thông báo lỗi theo tên trường (đường dẫn có dấu chấm cho trường lồng)."},
    )
    failures = fields.List(fields.String(), metadata={"description": "422: mọi điều kiện chưa thỏa, một lần."})
    allowed_triggers = fields.List(fields.String(), metadata={"description": "409: các thao tác được phép lúc này."})
    state = fields.String(metadata={"description": "409: trạng thái hiện tại."})
