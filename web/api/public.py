"""The signed decisions as the public pages show them (/quyet-dinh), for programs such as a district's portal: no
token needed, the same fields as the page and nothing more (workflow/decisions/public.py decides what is public)."""

from __future__ import annotations

from flask import abort, url_for
from marshmallow import Schema, fields

from models import db
from web.access import public
from web.api.blueprint import ID, MAX_ID, ApiBlueprint
from web.api.schemas import InputSchema, Integer, PageMetaSchema, in_range
from web.pagination import paginate
from workflow.decisions import public as service

blp = ApiBlueprint(
    "api_public",
    __name__,
    url_prefix="/api/v1/public/decisions",
    description="Quyết định khen thưởng đã ký, công khai như trang /quyet-dinh: không cần mã truy cập.",
)
NO_TOKEN = "Không cần mã truy cập."


class PublicAwardeeSchema(Schema):
    name = fields.String(metadata={"description": "Họ tên cá nhân hoặc tên tập thể."})
    unit = fields.String(metadata={"description": "Đơn vị đề nghị."})
    title = fields.String(metadata={"description": "Hình thức khen thưởng."})


class PublicDecisionSchema(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"example": "1/QĐ-UBND"})
    signed_on = fields.Date()
    authority = fields.String(metadata={"description": "Cơ quan ban hành."})
    summary = fields.String(metadata={"description": "Trích yếu."})
    awardees = fields.List(fields.Nested(PublicAwardeeSchema))
    pdf_url = fields.Method("_pdf_url", metadata={"description": "Văn bản quyết định (PDF), không cần mã truy cập."})

    def _pdf_url(self, decision: service.PublicDecision) -> str:
        return url_for("public.decision_pdf", decision_id=decision.id, _external=True)


class PublicDecisionPageSchema(Schema):
    items = fields.List(fields.Nested(PublicDecisionSchema))
    meta = fields.Nested(PageMetaSchema)


class PublicQuerySchema(InputSchema):
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=20, validate=in_range(1, 100))


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Quyết định khen thưởng đã ký (công khai)",
    description="Các quyết định đã ký hoặc đã ban hành, mới nhất trước: số, ngày ký, cơ quan ban hành, trích yếu "
    f"và người, tập thể được khen thưởng. Phân trang bằng `page`, `per_page`. {NO_TOKEN}",
    security=[],
)
@public
@blp.arguments(PublicQuerySchema, location="query")
@blp.response(200, PublicDecisionPageSchema)
def list_public_decisions(query: dict):
    page = paginate(db.session, service.public_decisions_query(), per_page=query["per_page"])
    return {"items": [service.as_public(db.session, d) for d in page.items], "meta": page}


@blp.route(f"/<{ID}:decision_id>", methods=["GET"])
@blp.doc(
    summary="Xem quyết định đã ký (công khai)",
    description=f"Như trang /quyet-dinh/<id>. 404 khi quyết định chưa ký hoặc không còn công khai. {NO_TOKEN}",
    security=[],
)
@blp.problems(404)
@public
@blp.response(200, PublicDecisionSchema)
def get_public_decision(decision_id: int):
    found = service.public_decision(db.session, decision_id)
    if found is None:
        abort(404)
    return found
