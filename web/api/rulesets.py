"""The rule sets as loaded, for programs: every revision in a list, and one rule set's entries, each with the
legal source it rests on. Read-only: rule sets change only through `flask rules load`."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required
from web.api.blueprint import MAX_ID, ApiBlueprint
from web.api.schemas import InputSchema, Integer, in_range
from web.errors import render_error
from workflow.core.messages import msg
from workflow.permissions import can_view_rulesets
from workflow.rules.catalogue import find_rule_set, rule_set_contents, rule_set_summaries

blp = ApiBlueprint(
    "api_rulesets",
    __name__,
    url_prefix="/api/v1/rulesets",
    description="Bộ quy định thi đua, khen thưởng theo giai đoạn pháp lý, mỗi mục kèm căn cứ pháp lý.",
)

SOURCE = {"description": "Văn bản pháp luật làm căn cứ cho mục này."}


class AuthorityRefSchema(Schema):
    code = fields.String(metadata={"example": "UBND-KONTUM"})
    name = fields.String()


class RuleSetSummarySchema(Schema):
    code = fields.String(metadata={"example": "2024-2025"})
    revision = fields.Integer(metadata={"description": "Tăng mỗi lần tệp thay đổi; phiên bản cũ được giữ lại."})
    name = fields.String()
    effective_from = fields.Date()
    effective_to = fields.Date(allow_none=True, metadata={"description": "null: còn hiệu lực."})
    active = fields.Boolean(metadata={"description": "Phiên bản đang dùng của mã này."})
    legal_source = fields.String(metadata=SOURCE)
    content_hash = fields.String(metadata={"description": "SHA-256 nội dung tệp đã nạp."})
    loaded_at = fields.AwareDateTime()
    override_for_authority = fields.Nested(
        AuthorityRefSchema,
        allow_none=True,
        metadata={"description": "Lớp quy định riêng của cơ quan này; null với bộ quy định quốc gia."},
    )
    applies_to = fields.List(
        fields.String(),
        metadata={"description": "Lớp quy định riêng: mã các bộ quy định quốc gia nó thay thế giá trị."},
    )


class TitleSchema(Schema):
    code = fields.String(metadata={"example": "LDTT"})
    name_vi = fields.String()
    name_en = fields.String()
    subject_kind = fields.String(metadata={"enum": ["person", "collective", "household"]})
    category = fields.String(metadata={"enum": ["title", "form"]})
    level = fields.String()
    money_multiple = fields.Float(
        allow_none=True, metadata={"description": "Hệ số × lương cơ sở; null: không có mức tiền thưởng."}
    )
    legal_source = fields.String(metadata=SOURCE)


class CompetenceSchema(Schema):
    authority_level = fields.String(metadata={"enum": ["commune", "district", "province", "national"]})
    title_code = fields.String()
    legal_source = fields.String(metadata=SOURCE)


class ProcedureSchema(Schema):
    procedure = fields.String()
    name_vi = fields.String()
    time_limit_working_days = fields.Integer()
    council_review_optional = fields.Boolean()
    legal_source = fields.String(metadata=SOURCE)


class RequiredDocumentSchema(Schema):
    procedure = fields.String()
    kind = fields.String()
    name_vi = fields.String()
    name_en = fields.String()
    per_nominee = fields.Boolean(metadata={"description": "Mỗi người/tập thể được đề nghị một bản."})
    only_if_initiative = fields.Boolean(metadata={"description": "Chỉ khi đề nghị dựa trên sáng kiến, đề tài."})
    legal_source = fields.String(metadata=SOURCE)


class ParameterSchema(Schema):
    key = fields.String(metadata={"example": "cstdcs_cap_ratio"})
    value = fields.Raw(metadata={"description": "Giá trị JSON: số, chuỗi, true/false hoặc danh sách."})
    configurable = fields.Boolean(metadata={"description": "Giá trị để tỉnh/Hội đồng quy định hoặc chưa xác nhận."})
    legal_source = fields.String(metadata=SOURCE)


class RuleSetDetailSchema(RuleSetSummarySchema):
    titles = fields.List(fields.Nested(TitleSchema))
    competences = fields.List(fields.Nested(CompetenceSchema))
    procedures = fields.List(fields.Nested(ProcedureSchema))
    required_documents = fields.List(fields.Nested(RequiredDocumentSchema))
    parameters = fields.List(fields.Nested(ParameterSchema))


class RevisionQuerySchema(InputSchema):
    revision = Integer(
        strict=False,
        validate=in_range(1, MAX_ID),
        metadata={"description": "Một phiên bản cụ thể; mặc định phiên bản đang dùng."},
    )


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Danh sách bộ quy định",
    description="Mọi bộ quy định đã nạp, mọi phiên bản: bộ quốc gia theo giai đoạn, rồi các lớp quy định riêng "
    "của tỉnh.",
)
@blp.problems(401, 403)
@api_permission_required(can_view_rulesets)
@blp.response(200, RuleSetSummarySchema(many=True))
def list_rule_sets():
    return rule_set_summaries(db.session)


@blp.route("/<string(maxlength=40):period>", methods=["GET"])
@blp.doc(
    summary="Xem một bộ quy định",
    description="`period` là mã bộ quy định (ví dụ `2024-2025`). Danh hiệu (hệ số tiền thưởng), thẩm quyền quyết "
    "định, thủ tục (thời hạn), thành phần hồ sơ và tham số, mỗi mục kèm căn cứ pháp lý.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_rulesets)
@blp.arguments(RevisionQuerySchema, location="query")
@blp.response(200, RuleSetDetailSchema)
def get_rule_set(query: dict, period: str):
    revision = query.get("revision")
    rule_set = find_rule_set(db.session, period, revision)
    if rule_set is None:
        if revision is None:
            return render_error(404, msg("Không có bộ quy định %(code)s.", code=period))
        return render_error(
            404, msg("Không có bộ quy định %(code)s, phiên bản %(revision)s.", code=period, revision=revision)
        )
    return rule_set_contents(db.session, rule_set)
