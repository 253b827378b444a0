"""Schemas of the movements API (phong trào thi đua): the launch plan read and written as one document, the units'
registrations, their yearly reports, inspections and the interim/final review. Shapes and sizes only; the
services in workflow/movements/ judge the content and name the field."""

from __future__ import annotations

import json

from marshmallow import Schema, fields, validate

from models.movement import MovementState, ReportState
from web.api.blueprint import MAX_ID
from web.api.schemas import (
    Date,
    File,
    InputSchema,
    Integer,
    NestedObject,
    PageMetaSchema,
    Text,
    TextList,
    an_id,
    in_range,
    max_length,
    one_of,
)
from web.params import loads_bounded
from workflow.movements import plans

YEAR = in_range(1945, 2200)
VERSION = "Phiên bản người gọi đã thấy; khác phiên bản hiện tại → 409."
SENTENCES = "Danh sách câu, mỗi câu một mục."


def _version(**kwargs) -> Integer:
    return Integer(required=True, validate=in_range(0, MAX_ID), metadata={"description": VERSION}, **kwargs)


def _sentences(description: str = SENTENCES) -> TextList:
    return TextList(
        Text(validate=max_length(plans.TEXT_LIMIT)),
        load_default=list,
        validate=validate.Length(max=plans.ITEM_LIMIT),
        metadata={"description": description},
    )


class JsonObjectText(fields.Field):
    """An object: itself in a JSON body, or JSON text in a multipart field (a form cannot nest)."""

    default_error_messages = {
        "required": "Trường này là bắt buộc.",
        "null": "Trường này không được để trống.",
        "invalid": 'Phải là một đối tượng JSON (trong multipart: văn bản JSON, ví dụ {{"c1": 12}}).',
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = loads_bounded(value)
            except json.JSONDecodeError as error:
                raise self.make_error("invalid") from error
        if not isinstance(value, dict) or len(value) > 200:
            raise self.make_error("invalid")
        return value


# --- reading --------------------------------------------------------------------------------------------------


class MovementAuthoritySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class RefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class PersonRefSchema(Schema):
    id = fields.Integer()
    full_name = fields.String()


class MovementContentSchema(Schema):
    key = fields.String(
        metadata={"description": "Khóa ổn định của nội dung: chỉ tiêu đăng ký và kết quả báo cáo ghi theo khóa này."}
    )
    number = fields.Integer(metadata={"description": "Số thứ tự trong kế hoạch."})
    title = fields.String()
    targets = fields.List(fields.String(), metadata={"description": "Chỉ tiêu, tiêu chí của nội dung."})


class TaskSchema(Schema):
    who = fields.String()
    what = fields.String()
    when = fields.String()


class ClusterSchema(Schema):
    name = fields.String()
    unit_ids = fields.List(fields.Integer())
    units = fields.List(fields.String(), metadata={"description": "Tên các đơn vị của khối, cụm."})


class MovementYearSchema(Schema):
    year = fields.Integer()
    registration_due = fields.Date(allow_none=True, metadata={"description": "Hạn đăng ký thi đua."})
    report_due = fields.Date(allow_none=True, metadata={"description": "Hạn báo cáo năm."})


class MovementSummarySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    authority = fields.Nested(MovementAuthoritySchema)
    state = fields.String(metadata={"enum": list(MovementState.ALL)})
    version = fields.Integer(metadata={"description": "Gửi lại khi sửa, phát động, kết thúc."})
    period_start = fields.Date()
    period_end = fields.Date()
    launched_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)


class MovementSchema(MovementSummarySchema):
    description = fields.String(metadata={"description": "Mục tiêu chung."})
    purposes = fields.List(fields.String(), metadata={"description": "Mục đích."})
    requirements = fields.List(fields.String(), metadata={"description": "Yêu cầu."})
    contents = fields.List(
        fields.Nested(MovementContentSchema), metadata={"description": "Nội dung thi đua và chỉ tiêu."}
    )
    forms = fields.List(fields.String(), metadata={"description": "Hình thức thi đua."})
    organisation = fields.List(fields.Nested(TaskSchema), metadata={"description": "Tổ chức thực hiện."})
    clusters = fields.List(fields.Nested(ClusterSchema), metadata={"description": "Khối, cụm thi đua."})
    years = fields.List(fields.Nested(MovementYearSchema), metadata={"description": "Hạn đăng ký, báo cáo từng năm."})
    available_triggers = fields.List(
        fields.String(), metadata={"description": "Thao tác người gọi được thực hiện lúc này (launch, close)."}
    )


class MovementPageSchema(Schema):
    items = fields.List(fields.Nested(MovementSummarySchema))
    meta = fields.Nested(PageMetaSchema)


class RegistrationSchema(Schema):
    id = fields.Integer()
    unit = fields.Nested(RefSchema)
    year = fields.Integer()
    collective_title = fields.String(metadata={"description": "Mã danh hiệu tập thể đăng ký; trống: không đăng ký."})
    individual_targets = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Mã danh hiệu cá nhân → số người."}
    )
    content_targets = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "Khóa nội dung → chỉ tiêu của đơn vị."}
    )
    commitments = fields.String()
    plan_name = fields.String(allow_none=True, metadata={"description": "Tên tệp kế hoạch của đơn vị."})
    plan_media_type = fields.String(allow_none=True)
    plan_sha256 = fields.String(allow_none=True, metadata={"description": "SHA-256 của tệp kế hoạch; trống: chưa có."})
    updated_at = fields.AwareDateTime()


class RegistrationListSchema(Schema):
    year = fields.Integer()
    registration_due = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(RegistrationSchema))
    not_registered = fields.List(
        fields.Nested(RefSchema), metadata={"description": "Đơn vị chưa đăng ký năm này (đơn vị chỉ thấy mình)."}
    )


class RemindedSchema(Schema):
    reminded = fields.List(
        fields.Nested(RefSchema),
        metadata={"description": "Đơn vị được nhắc lần này; đơn vị đã được nhắc hôm nay không được nhắc lại."},
    )


class UnitReportSchema(Schema):
    id = fields.Integer()
    unit = fields.Nested(RefSchema)
    year = fields.Integer()
    state = fields.String(metadata={"enum": list(ReportState.ALL)})
    version = fields.Integer(metadata={"description": "Gửi lại khi nộp, xác nhận, trả lại."})
    due_on = fields.Date(metadata={"description": "Hạn nộp báo cáo."})
    overdue_days = fields.Integer(
        metadata={"description": "Số ngày làm việc đã quá hạn hôm nay (0: đã nộp hoặc chưa đến hạn)."}
    )
    submitted_at = fields.AwareDateTime(allow_none=True)
    summary = fields.String()
    figures = fields.Dict(keys=fields.String(), metadata={"description": "Khóa nội dung → kết quả (số hoặc văn bản)."})
    document_name = fields.String(allow_none=True)
    document_media_type = fields.String(allow_none=True)
    document_sha256 = fields.String(allow_none=True)
    return_reason = fields.String(metadata={"description": "Lý do trả lại gần nhất."})
    available_triggers = fields.List(fields.String())


class UnitReportListSchema(Schema):
    year = fields.Integer()
    report_due = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(UnitReportSchema))


class FollowUpSchema(Schema):
    item = fields.String()
    due_on = fields.String(metadata={"format": "date", "description": "Hạn khắc phục (YYYY-MM-DD)."})


class InspectionSchema(Schema):
    id = fields.Integer()
    unit = fields.Nested(RefSchema)
    inspected_on = fields.Date()
    findings = fields.String()
    follow_ups = fields.List(fields.Nested(FollowUpSchema))
    inspectors = fields.List(fields.Nested(PersonRefSchema))
    recorded_by = fields.Nested(PersonRefSchema)
    answer = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class ReviewRowSchema(Schema):
    year = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.String()
    registered = fields.Integer()
    reports_submitted = fields.Integer()
    reports_reviewed = fields.Integer()
    reports_late = fields.Integer(metadata={"description": "Nộp sau hạn, hoặc chưa nộp khi đã quá hạn."})
    inspections = fields.Integer()
    dossiers = fields.Integer()
    awards = fields.Integer()


class ReviewTotalsSchema(ReviewRowSchema):
    class Meta:
        exclude = ("year", "unit_id", "unit")


class AwardCountSchema(Schema):
    title = fields.String()
    count = fields.Integer()


class ReviewSchema(Schema):
    title = fields.String(metadata={"description": "Sơ kết (giữa kỳ) hoặc Tổng kết (năm cuối của phong trào)."})
    final = fields.Boolean()
    up_to_year = fields.Integer()
    years = fields.List(fields.Integer())
    rows = fields.List(fields.Nested(ReviewRowSchema), metadata={"description": "Mỗi năm, mỗi đơn vị một dòng."})
    totals = fields.Nested(ReviewTotalsSchema)
    awards_by_title = fields.List(fields.Nested(AwardCountSchema))
    round_opened = fields.Boolean(metadata={"description": "Đã mở đợt khen thưởng tổng kết."})


# --- writing --------------------------------------------------------------------------------------------------


class MovementQuerySchema(InputSchema):
    state = Text(validate=one_of(MovementState.ALL))
    year = Integer(strict=False, validate=YEAR, metadata={"description": "Phong trào diễn ra trong năm này."})
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class ContentInSchema(InputSchema):
    key = Text(
        validate=max_length(40),
        metadata={"description": "Giữ khóa khi sửa; bỏ trống: khóa của nội dung cùng tên trước đó, hoặc khóa mới."},
    )
    title = Text(required=True, validate=max_length(plans.TEXT_LIMIT))
    targets = _sentences("Chỉ tiêu, tiêu chí; cần ít nhất một khi phát động.")


class TaskInSchema(InputSchema):
    who = Text(required=True, validate=max_length(plans.TEXT_LIMIT))
    what = Text(required=True, validate=max_length(plans.TEXT_LIMIT))
    when = Text(load_default="", validate=max_length(plans.TEXT_LIMIT))


class ClusterInSchema(InputSchema):
    name = Text(required=True, validate=max_length(plans.TEXT_LIMIT))
    units = TextList(
        Text(validate=max_length(300)),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={"description": "Tên các đơn vị của cơ quan phát động; mỗi đơn vị thuộc một khối."},
    )


class MovementPlanSchema(InputSchema):
    name = Text(required=True, validate=max_length(plans.NAME_LIMIT), metadata={"description": "Tên (chủ đề)."})
    period_start = Date(required=True)
    period_end = Date(required=True)
    description = Text(
        load_default="", validate=max_length(4 * plans.TEXT_LIMIT), metadata={"description": "Mục tiêu chung."}
    )
    purposes = _sentences("Mục đích.")
    requirements = _sentences("Yêu cầu.")
    contents = fields.List(
        NestedObject(ContentInSchema),
        load_default=list,
        validate=validate.Length(max=plans.ITEM_LIMIT),
        metadata={"description": "Nội dung thi đua theo thứ tự, mỗi nội dung với chỉ tiêu."},
    )
    forms = _sentences("Hình thức thi đua.")
    organisation = fields.List(
        NestedObject(TaskInSchema),
        load_default=list,
        validate=validate.Length(max=plans.ITEM_LIMIT),
        metadata={"description": "Tổ chức thực hiện: ai, làm gì, khi nào."},
    )
    clusters = fields.List(
        NestedObject(ClusterInSchema),
        load_default=list,
        validate=validate.Length(max=plans.ITEM_LIMIT),
        metadata={"description": "Khối, cụm thi đua."},
    )


class MovementUpdateSchema(MovementPlanSchema):
    version = _version()


class LaunchSchema(InputSchema):
    version = _version()


class CloseSchema(InputSchema):
    version = _version()
    comment = Text(load_default="", validate=max_length(2000), metadata={"description": "Ghi chú khi kết thúc."})


class YearDatesInSchema(InputSchema):
    registration_due = fields.Date(
        required=True, allow_none=True, metadata={"description": "Hạn đăng ký thi đua của năm (null: không đặt)."}
    )
    report_due = fields.Date(
        required=True,
        allow_none=True,
        metadata={"description": "Hạn báo cáo năm; khi có, mọi đơn vị của cơ quan phải nộp báo cáo năm đó."},
    )


class YearQuerySchema(InputSchema):
    year = Integer(strict=False, required=True, validate=YEAR)


class RegistrationInSchema(InputSchema):
    collective_title = Text(load_default="", validate=max_length(40), metadata={"example": "TLDXS"})
    individual_targets = fields.Dict(
        keys=Text(validate=max_length(40)),
        values=fields.Raw(),
        load_default=dict,
        validate=validate.Length(max=50),
        metadata={"description": "Mã danh hiệu cá nhân → số người (số nguyên).", "example": {"CSTDCS": 3}},
    )
    content_targets = fields.Dict(
        keys=Text(validate=max_length(40)),
        values=fields.Raw(),
        load_default=dict,
        validate=validate.Length(max=200),
        metadata={"description": "Khóa nội dung → chỉ tiêu của đơn vị (văn bản).", "example": {"c1": "Tăng 10%"}},
    )
    commitments = Text(load_default="", validate=max_length(2000))


class PlanUploadSchema(InputSchema):
    file = File(
        required=True, metadata={"description": "Kế hoạch của đơn vị: PDF, DOCX, XLSX, JPG hoặc PNG; tối đa 20 MB."}
    )


class ReportSubmitSchema(InputSchema):
    version = Integer(strict=False, required=True, validate=in_range(0, MAX_ID), metadata={"description": VERSION})
    summary = Text(load_default="", validate=max_length(2000))
    figures = JsonObjectText(
        load_default=dict,
        metadata={
            "type": "string",
            "description": 'Văn bản JSON: khóa nội dung → kết quả (số hoặc văn bản ngắn), ví dụ {"c1": 12}.',
        },
    )
    file = File(metadata={"description": "Văn bản báo cáo (PDF, DOCX…); bỏ trống khi nộp lại: giữ bản đã gửi."})


class ReportReviewSchema(InputSchema):
    version = _version()


class ReportReturnSchema(InputSchema):
    version = _version()
    comment = Text(
        required=True,
        validate=[max_length(2000), validate.Regexp(r"\S", error="Vui lòng ghi lý do trả lại.")],
        metadata={"description": "Lý do trả lại; đơn vị thấy đến khi nộp lại."},
    )


class FollowUpInSchema(InputSchema):
    item = Text(required=True, validate=max_length(2000))
    due_on = Date(required=True)


class InspectionInSchema(InputSchema):
    unit_id = Integer(required=True, validate=an_id())
    inspected_on = Date(required=True)
    inspector_ids = fields.List(
        Integer(validate=an_id()),
        load_default=list,
        validate=validate.Length(max=30),
        metadata={"description": "Ủy viên Hội đồng cùng kiểm tra; người ghi luôn là một thành viên."},
    )
    findings = Text(required=True, validate=max_length(10_000))
    follow_ups = fields.List(
        NestedObject(FollowUpInSchema),
        load_default=list,
        validate=validate.Length(max=30),
        metadata={"description": "Việc đơn vị cần khắc phục và hạn."},
    )


class AnswerInSchema(InputSchema):
    answer = Text(required=True, validate=max_length(10_000))


class ReviewQuerySchema(InputSchema):
    up_to = Integer(
        strict=False, validate=YEAR, metadata={"description": "Đến năm (mặc định: năm nay, hoặc năm cuối)."}
    )
    year = Integer(strict=False, validate=YEAR, metadata={"description": "Chỉ năm này."})
