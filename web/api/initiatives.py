"""Initiative register endpoints (sổ sáng kiến, đề tài): list, propose and read initiatives, record the recognising
body's decision or refusal, import recognised initiatives from .xlsx, and set the initiatives a nomination relies
on. Views parse, call one service, commit once and dump."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from models import db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, MAX_ID, ApiBlueprint
from web.api.registry import ImportReportSchema, RegistryImportSchema, answer_import
from web.api.schemas import (
    Date,
    InputSchema,
    Integer,
    NestedObject,
    NomineeSchema,
    PageMetaSchema,
    Text,
    TextList,
    UnitRefSchema,
    an_id,
    in_range,
    max_length,
    one_of,
)
from web.loaders import load_initiative, load_nomination
from web.pagination import paginate
from workflow.permissions import (
    can_edit_dossier,
    can_propose_initiative,
    can_record_recognition,
    can_view_initiative,
    can_view_initiatives,
)
from workflow.registry import initiative_import
from workflow.registry import initiatives as register

blp = ApiBlueprint(
    "api_initiatives",
    __name__,
    url_prefix="/api/v1",
    description="Sổ sáng kiến, đề tài: đơn vị đề nghị, Phòng Nội vụ ghi nhận quyết định công nhận (phạm vi ảnh "
    "hưởng) hoặc không công nhận; đề nghị khen thưởng nêu các sáng kiến làm căn cứ.",
)


class InitiativeAuthorSchema(Schema):
    nominee = fields.Nested(NomineeSchema)
    share = fields.Integer(metadata={"description": "Tỷ lệ đóng góp, phần trăm."})


class InitiativeSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    year = fields.Integer()
    kind = fields.String(metadata={"enum": list(register.KINDS)})
    field = fields.String(metadata={"description": "Lĩnh vực."})
    state = fields.String(metadata={"enum": list(register.STATES)})
    version = fields.Integer(metadata={"description": "Gửi lại khi ghi nhận công nhận hoặc không công nhận."})
    authority_id = fields.Integer()
    unit = fields.Nested(UnitRefSchema, allow_none=True)
    authors = fields.List(fields.Nested(InitiativeAuthorSchema))
    scope = fields.String(allow_none=True, metadata={"enum": list(register.SCOPES)})
    recognised_by = fields.String()
    decision_number = fields.String()
    recognised_on = fields.Date(allow_none=True)


class InitiativePageSchema(Schema):
    items = fields.List(fields.Nested(InitiativeSchema))
    meta = fields.Nested(PageMetaSchema)


class InitiativeQuerySchema(InputSchema):
    unit_id = Integer(strict=False, validate=an_id())
    year = Integer(strict=False, validate=in_range(1945, 2200))
    state = Text(validate=one_of(register.STATES))
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class AuthorInputSchema(InputSchema):
    nominee_id = Integer(required=True, validate=an_id())
    share = Integer(required=True, validate=in_range(1, 100), metadata={"description": "Phần trăm, 1–100."})


class InitiativeCreateSchema(InputSchema):
    title = Text(required=True, validate=max_length(300))
    year = Integer(required=True, metadata={"example": 2024})
    kind = Text(load_default="initiative", validate=one_of(register.KINDS))
    field = Text(load_default="", validate=max_length(200))
    authors = TextList(
        NestedObject(AuthorInputSchema),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "Người của đơn vị (mã trong sổ theo dõi) và tỷ lệ đóng góp; tổng không quá 100."},
    )


class RecognitionSchema(InputSchema):
    version = Integer(required=True, metadata={"description": "Phiên bản người gọi đã thấy; khác → 409."})
    decision_number = Text(required=True, validate=max_length(40), metadata={"example": "12/QĐ-HĐSK"})
    recognised_on = Date(required=True)
    recognised_by = Text(required=True, validate=max_length(200), metadata={"example": "Hội đồng sáng kiến tỉnh"})
    scope = Text(required=True, validate=one_of(register.SCOPES))


class RefusalSchema(InputSchema):
    version = Integer(required=True)
    comment = Text(required=True, validate=max_length(2000), metadata={"description": "Lý do không công nhận."})


class NominationInitiativesSchema(InputSchema):
    initiative_ids = TextList(Integer(validate=an_id()), required=True, validate=validate.Length(max=50))


@blp.route("/initiatives", methods=["GET"])
@blp.doc(
    summary="Sổ sáng kiến, đề tài",
    description="Đơn vị thấy sáng kiến do mình đề nghị; Phòng Nội vụ, Thư ký, Chủ tịch thấy sổ của cơ quan mình "
    "và các cơ quan cấp dưới. Mới nhất trước.",
)
@blp.problems(401, 403)
@api_permission_required(can_view_initiatives)
@blp.arguments(InitiativeQuerySchema, location="query")
@blp.response(200, InitiativePageSchema)
def list_initiatives(query: dict):
    filters = {key: query.get(key) for key in ("unit_id", "year", "state")}
    page = paginate(
        db.session, register.search(db.session, actor=current_actor(), **filters), per_page=query["per_page"]
    )
    return {"items": page.items, "meta": page}


@blp.route("/initiatives", methods=["POST"])
@blp.doc(summary="Đề nghị công nhận sáng kiến, đề tài", description="Đơn vị đề nghị cho người của mình.")
@blp.problems(401, 403)
@api_permission_required(can_propose_initiative)
@blp.arguments(InitiativeCreateSchema)
@blp.response(201, InitiativeSchema)
def create_initiative(data: dict):
    authors = [register.Author(a["nominee_id"], a["share"]) for a in data.pop("authors")]
    initiative = register.propose(db.session, actor=current_actor(), authors=authors, **data)
    db.session.commit()
    return initiative, {"Location": url_for(".get_initiative", initiative_id=initiative.id)}


@blp.route(f"/initiatives/<{ID}:initiative_id>", methods=["GET"])
@blp.doc(summary="Xem sáng kiến, đề tài")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_initiative, load=load_initiative)
@blp.response(200, InitiativeSchema)
def get_initiative(initiative_id: int):
    return load_initiative(initiative_id)


@blp.route(f"/initiatives/<{ID}:initiative_id>/recognition", methods=["POST"])
@blp.doc(
    summary="Ghi nhận quyết định công nhận",
    description="Phòng Nội vụ của cơ quan giữ sổ ghi số, ngày quyết định, cơ quan công nhận và phạm vi ảnh hưởng. "
    "409 nếu sáng kiến không còn ở trạng thái đề nghị hoặc đã bị người khác thay đổi.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_record_recognition, load=load_initiative)
@blp.arguments(RecognitionSchema)
@blp.response(200, InitiativeSchema)
def recognise(data: dict, initiative_id: int):
    initiative = load_initiative(initiative_id)
    register.recognise(db.session, initiative, actor=current_actor(), **data)
    db.session.commit()
    return initiative


@blp.route(f"/initiatives/<{ID}:initiative_id>/refusal", methods=["POST"])
@blp.doc(summary="Ghi nhận không được công nhận", description="Kèm lý do; 409 như khi công nhận.")
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_record_recognition, load=load_initiative)
@blp.arguments(RefusalSchema)
@blp.response(200, InitiativeSchema)
def refuse(data: dict, initiative_id: int):
    initiative = load_initiative(initiative_id)
    register.refuse(db.session, initiative, actor=current_actor(), **data)
    db.session.commit()
    return initiative


@blp.route("/initiatives/import", methods=["POST"])
@blp.doc(
    summary="Nhập sáng kiến đã được công nhận từ Excel",
    description="multipart/form-data với `file` (.xlsx theo mẫu ở trang Nhập sổ sáng kiến), mỗi dòng một tác giả. "
    "Tất cả hoặc không: 201 khi mọi dòng đã ghi; 422 kèm `report` liệt kê mọi dòng sai và không ghi dòng nào.",
)
@blp.problems(401, 403)
@api_permission_required(can_record_recognition)
@blp.arguments(RegistryImportSchema, location="form_and_files")
@blp.response(201, ImportReportSchema)
def import_initiatives(form: dict):
    return answer_import(initiative_import.import_initiatives(db.session, form["file"].stream, actor=current_actor()))


@blp.route(f"/nominations/<{ID}:nomination_id>/initiatives", methods=["PUT"])
@blp.doc(
    summary="Sáng kiến, đề tài làm căn cứ của một đề nghị",
    description="Thay cả danh sách; chỉ sáng kiến mà người được đề nghị là tác giả. Chỉ khi hồ sơ đang ở đơn vị.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_edit_dossier, load=load_nomination)
@blp.arguments(NominationInitiativesSchema)
@blp.response(200, InitiativeSchema(many=True))
def set_nomination_initiatives(data: dict, nomination_id: int):
    nomination = load_nomination(nomination_id)
    register.link_nomination(db.session, nomination, data["initiative_ids"], actor=current_actor())
    db.session.commit()
    return nomination.initiatives
