"""A nomination's eligibility findings (E1–E14) for programs: each with its severity, its Vietnamese message with
the numbers involved, the legal source it rests on and the rule set that judged it."""

from __future__ import annotations

from flask import current_app
from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import AsOfSchema
from web.loaders import load_nomination
from workflow.core.today import local_today
from workflow.dossiers.appraisal import findings_list
from workflow.permissions import can_view_dossier
from workflow.rules.applicable import DEFAULT_BASIS

blp = ApiBlueprint(
    "api_findings",
    __name__,
    url_prefix="/api/v1/nominations",
    description="Kết quả kiểm tra điều kiện khen thưởng (E1–E14) của từng người/tập thể được đề nghị.",
)


class CompetentAuthoritySchema(Schema):
    code = fields.String(metadata={"example": "UBND-KONTUM"})
    name = fields.String(metadata={"example": "UBND tỉnh Kon Tum"})
    level = fields.String(metadata={"enum": ["commune", "district", "province", "national"]})


class FindingSchema(Schema):
    rule = fields.String(metadata={"example": "E3", "description": "Mã điều kiện, E1–E14."})
    severity = fields.String(
        metadata={"enum": ["block", "warn", "pass"], "description": "block: không đạt; warn: cần ý kiến; pass: đạt."}
    )
    message = fields.String(metadata={"example": "Đạt LĐTT 2023: không; cần có để xét CSTĐCS 2023"})
    source = fields.String(metadata={"description": "Văn bản pháp luật làm căn cứ."})
    overridden = fields.Boolean(metadata={"description": "Phòng Nội vụ đã chấp nhận cảnh báo này bằng văn bản."})
    override_reason = fields.String(allow_none=True)
    rule_set = fields.String(metadata={"example": "2024-2025", "description": "Bộ quy định đã dùng."})
    rule_set_revision = fields.Integer(metadata={"description": "Lần sửa của bộ quy định."})
    basis = fields.String(
        metadata={
            "enum": ["reached_authority", "review", "achievement_year"],
            "description": "Căn cứ chọn bộ quy định: ngày hồ sơ đến cơ quan có thẩm quyền, ngày thẩm định, hoặc "
            "ngày cuối năm thành tích.",
        }
    )
    judged_on = fields.String(metadata={"format": "date", "description": "Ngày căn cứ đó dùng để chọn bộ quy định."})
    route = fields.String(
        metadata={
            "enum": ["decide_locally", "forward"],
            "description": "decide_locally: cơ quan nhận hồ sơ quyết định; forward: trình cấp trên (E13).",
        }
    )
    route_reason = fields.String(metadata={"description": "Lý do, theo thẩm quyền vào ngày quyết định dự kiến."})
    competent_authority = fields.Nested(
        CompetentAuthoritySchema,
        allow_none=True,
        metadata={"description": "Cơ quan có thẩm quyền quyết định; null khi dữ liệu không có cơ quan cấp đó."},
    )
    decision_on = fields.String(metadata={"format": "date", "description": "Ngày quyết định dự kiến (E13, E14)."})
    evaluated_at = fields.String(metadata={"description": "Thời điểm kiểm tra (UTC, ISO 8601)."})
    recorded = fields.Boolean(
        metadata={"description": "true: kết quả thẩm định Phòng Nội vụ đã lưu; false: kiểm tra ngay khi gọi, chưa lưu."}
    )
    simulation = fields.Boolean(
        metadata={"description": "true: tính thử theo `as_of`, không lưu, không phải kết quả thẩm định."}
    )


@blp.route(f"/<{ID}:nomination_id>/findings", methods=["GET"])
@blp.doc(
    summary="Kết quả kiểm tra điều kiện",
    description="Kết quả thẩm định gần nhất Phòng Nội vụ đã lưu; khi chưa thẩm định, kiểm tra ngay theo dữ liệu "
    "hiện tại (không lưu). Với `as_of`: tính thử như thể hôm nay là ngày đó (không lưu). Chỉ người được xem hồ sơ "
    "mới xem được.",
)
@blp.problems(401, 403, 404, 422)
@api_permission_required(can_view_dossier, load=load_nomination)
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, FindingSchema(many=True))
def get_findings(query: dict, nomination_id: int):
    basis = current_app.config.get("RULE_SET_BASIS", DEFAULT_BASIS)
    nomination = load_nomination(nomination_id)
    return findings_list(db.session, nomination, today=local_today(), basis=basis, as_of=query.get("as_of"))
