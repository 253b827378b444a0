"""A nominee's earlier years for programs: the rating, months of service and discipline of a year before the one
under review, which the rules read (E10 from July 2025 counts only achievements after a discipline's year)."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import db
from models.dossier import ANNUAL_RATINGS, DISCIPLINE_STATUSES
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import InputSchema, Integer, Text, in_range, one_of
from web.loaders import load_nomination
from workflow.dossiers.past_years import PastYearInput, past_years, record_past_year
from workflow.permissions import can_edit_dossier, can_view_dossier

blp = ApiBlueprint(
    "api_past_years",
    __name__,
    url_prefix="/api/v1/nominations",
    description="Các năm trước năm xét của người/tập thể được đề nghị: xếp loại, thời gian công tác, kỷ luật.",
)


class PastYearSchema(Schema):
    year = fields.Integer(metadata={"example": 2023})
    annual_rating = fields.String(allow_none=True, metadata={"enum": list(ANNUAL_RATINGS)})
    months_of_service = fields.Integer(allow_none=True)
    discipline_status = fields.String(metadata={"enum": list(DISCIPLINE_STATUSES)})


class PastYearRequestSchema(InputSchema):
    annual_rating = Text(allow_none=True, load_default=None, validate=one_of(ANNUAL_RATINGS))
    months_of_service = Integer(allow_none=True, load_default=None, validate=in_range(0, 12))
    discipline_status = Text(
        load_default="none",
        validate=one_of(DISCIPLINE_STATUSES),
        metadata={"description": "Kỷ luật trong năm đó; từ 01/7/2025 chỉ tính thành tích từ năm sau năm bị kỷ luật."},
    )


@blp.route(f"/<{ID}:nomination_id>/past-years", methods=["GET"])
@blp.doc(summary="Các năm trước năm xét", description="Mới nhất trước.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_nomination)
@blp.response(200, PastYearSchema(many=True))
def list_past_years(nomination_id: int):
    return past_years(db.session, load_nomination(nomination_id))


@blp.route(f"/<{ID}:nomination_id>/past-years/<int:year>", methods=["PUT"])
@blp.doc(
    summary="Khai một năm trước năm xét",
    description="Chỉ khi hồ sơ đang ở đơn vị (nháp hoặc bị trả lại); tối đa 10 năm trước năm xét. Năm xét khai "
    "cùng đề nghị.",
)
@blp.problems(401, 403, 404, 422)
@api_permission_required(can_edit_dossier, load=load_nomination)
@blp.arguments(PastYearRequestSchema)
@blp.response(200, PastYearSchema)
def put_past_year(data: dict, nomination_id: int, year: int):
    nomination = load_nomination(nomination_id)
    record = record_past_year(db.session, nomination, actor=current_actor(), data=PastYearInput(year=year, **data))
    db.session.commit()
    return record
