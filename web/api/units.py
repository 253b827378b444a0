"""Units catalogue endpoints (danh mục đơn vị): list, add and change the units of the authorities the caller keeps,
so an integrator can record a unit's last day of activity (E14 reads it)."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields

from models import Unit, db
from models.org import UNIT_KINDS
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, MAX_ID, ApiBlueprint
from web.api.schemas import Date, InputSchema, Integer, PageMetaSchema, Text, an_id, in_range, max_length, one_of
from web.loaders import load_unit
from web.messages import translate_all
from web.pagination import paginate
from workflow.core.today import local_today
from workflow.org import units
from workflow.permissions import can_manage_units

blp = ApiBlueprint(
    "api_units",
    __name__,
    url_prefix="/api/v1/units",
    description="Danh mục đơn vị của từng cơ quan: mã, tên, loại, đơn vị cấp trên, thời gian hoạt động. "
    "Quản trị viên quản lý mọi cơ quan; Phòng Nội vụ quản lý đơn vị của cơ quan mình.",
)


class UnitAuthoritySchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "UBND-NGOCHOI"})
    name = fields.String()


class UnitSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "XA-DAKXU"})
    name = fields.String()
    kind = fields.String(metadata={"enum": list(UNIT_KINDS)})
    authority = fields.Nested(UnitAuthoritySchema)
    parent_unit_id = fields.Integer(allow_none=True)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True, metadata={"description": "Ngày cuối cùng hoạt động; trống: chưa định."})
    status = fields.Function(
        lambda unit: units.unit_status(unit, local_today()).key,
        metadata={"enum": list(units.STATUSES), "description": "Tình trạng hôm nay."},
    )


class UnitChangeSchema(UnitSchema):
    warnings = fields.List(
        fields.String(), metadata={"description": "Ví dụ: đơn vị kết thúc hoạt động khi còn hồ sơ đang giải quyết."}
    )


class UnitPageSchema(Schema):
    items = fields.List(fields.Nested(UnitSchema))
    meta = fields.Nested(PageMetaSchema)


class UnitQuerySchema(InputSchema):
    q = Text(validate=max_length(200), metadata={"description": "Một phần mã hoặc tên, không phân biệt hoa thường."})
    kind = Text(validate=one_of(UNIT_KINDS))
    status = Text(validate=one_of(units.STATUSES), metadata={"description": "Tình trạng hôm nay."})
    authority_id = Integer(strict=False, validate=an_id())
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class UnitPatchSchema(InputSchema):
    code = Text(validate=max_length(units.CODE_MAX), metadata={"example": "XA-DAKXU"})
    name = Text(validate=max_length(units.NAME_MAX))
    kind = Text(validate=one_of(UNIT_KINDS))
    parent_unit_id = Integer(allow_none=True, validate=an_id(), metadata={"description": "null: không trực thuộc."})
    valid_from = Date(metadata={"description": "Ngày bắt đầu hoạt động."})
    valid_to = Date(
        allow_none=True,
        metadata={"description": "Ngày cuối cùng hoạt động (giải thể từ 01/07/2025: 2025-06-30); null: còn hoạt động."},
    )


class UnitCreateSchema(UnitPatchSchema):
    code = Text(required=True, validate=max_length(units.CODE_MAX), metadata={"example": "XA-DAKXU"})
    name = Text(required=True, validate=max_length(units.NAME_MAX))
    kind = Text(required=True, validate=one_of(UNIT_KINDS))
    valid_from = Date(required=True, metadata={"description": "Ngày bắt đầu hoạt động."})
    authority_id = Integer(
        validate=an_id(), metadata={"description": "Bắt buộc với quản trị viên; Phòng Nội vụ: cơ quan của mình."}
    )


@dataclass(frozen=True)
class Changed:
    """A unit as just saved, with what the caller should know about the change."""

    unit: Unit
    warnings: list[str]

    def __getattr__(self, name: str):
        return getattr(self.unit, name)


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Danh sách đơn vị",
    description="Đơn vị của các cơ quan người gọi quản lý, theo cơ quan và mã; lọc theo mã/tên, loại, tình trạng "
    "hôm nay và cơ quan.",
)
@blp.problems(401, 403)
@api_permission_required(can_manage_units)
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, UnitPageSchema)
def list_units(query: dict):
    filters = {"text": query.get("q"), "kind": query.get("kind"), "status": query.get("status")}
    found = units.list_units(
        db.session, current_actor(), authority_id=query.get("authority_id"), today=local_today(), **filters
    )
    page = paginate(db.session, found, per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("", methods=["POST"])
@blp.doc(
    summary="Thêm đơn vị",
    description="422 kèm `errors` theo tên trường: mã trùng hoặc sai dạng, tên trống, ngày cuối cùng hoạt động "
    "trước ngày bắt đầu, cơ quan hoặc đơn vị cấp trên không thuộc quyền quản lý.",
)
@blp.problems(401, 403)
@api_permission_required(can_manage_units)
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitSchema)
def create_unit(data: dict):
    unit = units.create_unit(db.session, current_actor(), data)
    db.session.commit()
    return unit


@blp.route(f"/<{ID}:unit_id>", methods=["PATCH"])
@blp.doc(
    summary="Sửa đơn vị",
    description="Chỉ các trường gửi lên được thay đổi; cơ quan của đơn vị không đổi được. `valid_to` ghi ngày "
    "đơn vị giải thể, sáp nhập (điều kiện E14); hồ sơ đang giải quyết vẫn tiếp tục, `warnings` cho biết số hồ sơ.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_manage_units, load=load_unit)
@blp.arguments(UnitPatchSchema)
@blp.response(200, UnitChangeSchema)
def update_unit(data: dict, unit_id: int):
    unit = load_unit(unit_id)
    warnings = units.update_unit(db.session, current_actor(), unit, data)
    db.session.commit()
    return Changed(unit, translate_all(warnings))
