"""A nomination's eligibility findings (E1–E14) for programs: each with its severity, its Vietnamese message with
the numbers involved, the legal source it rests on and the rule set that judged it."""

from __future__ import annotations

from flask import current_app
from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required
from web.api.blueprint import ID, ApiBlueprint
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


class FindingSchema(Schema):
    rule = fields.String(metadata={"example": "E3", "description": "Mã điều kiện, E1–E14 (DOMAIN.md §4)."})
    severity = fields.String(
        metadata={"enum": ["block", "warn", "pass"], "description": "block: không đạt; warn: cần ý kiến; pass: đạt."}
    )
    message = fields.String(metadata={"example": "Đạt LĐTT 2023: không; cần có để xét CSTĐCS 2023"})
    source = fields.String(metadata={"description": "Văn bản pháp luật làm căn cứ."})
    overridden = fields.Boolean(metadata={"description": "Phòng Nội vụ đã chấp nhận cảnh báo này bằng văn bản."})
    override_reason = fields.String(allow_none=True)
    rule_set = fields.String(metadata={"example": "2024-2025", "description": "Bộ quy định đã dùng."})
    rule_set_revision = fields.Integer()
    evaluated_at = fields.String(metadata={"description": "Thời điểm kiểm tra (UTC, ISO 8601)."})
    recorded = fields.Boolean(
        metadata={"description": "true: kết quả thẩm định Phòng Nội vụ đã lưu; false: kiểm tra ngay khi gọi, chưa lưu."}
    )



@blp.route(f"/<{ID}:nomination_id>/findings", methods=["GET"])
@blp.doc(
    summary="Kết quả kiểm tra điều kiện",
    description="Kết quả thẩm định gần nhất Phòng Nội vụ đã lưu; khi chưa thẩm định, kiểm tra ngay theo dữ liệu "
    "hiện tại (không lưu). Chỉ người được xem hồ sơ mới xem được.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_nomination)
@blp.response(200, FindingSchema(many=True))
def get_findings(nomination_id: int):
    basis = current_app.config.get("RULE_SET_BASIS", DEFAULT_BASIS)
    return findings_list(db.session, load_nomination(nomination_id), today=local_today(), basis=basis)
