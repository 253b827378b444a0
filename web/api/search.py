"""Search endpoint: the search page's results as JSON, insensitive to Vietnamese diacritics and case."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ApiBlueprint
from web.api.schemas import InputSchema, Integer, Text, in_range, max_length, one_of
from web.blueprints.search import PER_KIND, link
from web.messages import translate, translate_all
from workflow.permissions import can_search
from workflow.search import KINDS, MAX_LIMIT, search

blp = ApiBlueprint(
    "api_search",
    __name__,
    url_prefix="/api/v1/search",
    description="Tìm hồ sơ, cá nhân và tập thể, đơn vị, sáng kiến và quyết định bằng một ô tìm kiếm, gõ có dấu hay "
    "không dấu, hoa hay thường đều được; chỉ trả về những gì người gọi được xem.",
)


class SearchQuerySchema(InputSchema):
    q = Text(
        validate=max_length(200),
        metadata={"description": "Các từ cần tìm (tối đa 8); kết quả phải chứa mọi từ, theo thứ tự bất kỳ.",
                  "example": "nguyen van an"},
    )  # fmt: skip
    kind = Text(validate=one_of(KINDS), metadata={"description": "Chỉ tìm một loại; trống: mọi loại."})
    limit = Integer(strict=False, load_default=PER_KIND, validate=in_range(1, MAX_LIMIT),
                    metadata={"description": "Số kết quả tối đa của mỗi loại."})  # fmt: skip


class SearchHitSchema(Schema):
    kind = fields.String(metadata={"enum": list(KINDS)})
    id = fields.Integer()
    label = fields.String(metadata={"example": "Nguyễn Văn An"})
    context = fields.List(fields.String(), metadata={"description": "Vài thông tin để phân biệt, ví dụ mã hồ sơ."})
    state = fields.String(allow_none=True, metadata={"description": "Trạng thái của hồ sơ; null với loại khác."})
    url = fields.String(metadata={"description": "Trang web của kết quả.", "example": "/registry/nominees/12"})


class SearchGroupSchema(Schema):
    kind = fields.String(metadata={"enum": list(KINDS)})
    label = fields.String()
    count = fields.Integer(metadata={"description": "Số kết quả của loại này (có thể nhiều hơn số trả về)."})
    items = fields.List(fields.Nested(SearchHitSchema))


class SearchResultSchema(Schema):
    words = fields.List(fields.String(), metadata={"description": "Các từ đã tìm, sau khi bỏ dấu và chữ hoa."})
    total = fields.Integer()
    groups = fields.List(
        fields.Nested(SearchGroupSchema),
        metadata={"description": "Một nhóm cho mỗi loại người gọi được xem; không có nhóm nào khi không có từ."},
    )


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Tìm kiếm",
    description="Mỗi từ (bỏ dấu, không phân biệt hoa thường) phải có trong kết quả; mã hồ sơ dạng HS-2025-00012 "
    "cũng được. Đơn vị chỉ thấy hồ sơ và người của mình; Phòng Nội vụ, Thư ký, Chủ tịch thấy của cơ quan mình.",
)
@blp.problems(401, 403)
@api_permission_required(can_search)
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchResultSchema)
def search_records(query: dict):
    kinds = [query["kind"]] if query.get("kind") else None
    results = search(db.session, current_actor(), query.get("q"), kinds, query["limit"])
    groups = [
        {
            "kind": group.kind,
            "label": translate(group.label),
            "count": group.count,
            "items": [{**vars(hit), "context": translate_all(hit.context), "url": link(hit)} for hit in group.hits],
        }
        for group in results.groups
    ]
    return {"words": list(results.words), "total": results.total, "groups": groups}
