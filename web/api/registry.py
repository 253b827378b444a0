"""Registry endpoints (sổ theo dõi khen thưởng): search the awards the caller may see, and import past awards from
an .xlsx file, all or nothing."""

from __future__ import annotations

from dataclasses import replace

from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import MAX_ID, ApiBlueprint
from web.api.schemas import File, InputSchema, Integer, PageMetaSchema, Text, in_range, max_length
from web.errors import render_error
from web.messages import translate
from web.pagination import paginate
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.permissions import can_import_registry, can_search_registry
from workflow.registry import award_import
from workflow.registry import entries as registry
from workflow.registry.xlsx import ImportReport

blp = ApiBlueprint(
    "api_registry",
    __name__,
    url_prefix="/api/v1/registry",
    description="Sổ theo dõi khen thưởng: mọi khen thưởng đã quyết định, trong hệ thống hoặc nhập từ Excel.",
)


class RegistryQuerySchema(InputSchema):
    name = Text(validate=max_length(200), metadata={"description": "Một phần họ tên, không phân biệt hoa thường."})
    unit = Text(
        validate=max_length(200),
        metadata={
            "description": "Mã (ví dụ TT-PLEIKAN), số id hoặc tên đơn vị: người thuộc đơn vị hiện nay hoặc "
            "trong năm được khen."
        },
    )
    title = Text(validate=max_length(40), metadata={"description": "Mã danh hiệu/hình thức, ví dụ LDTT."})
    year = Integer(strict=False, validate=in_range(registry.FIRST_YEAR, registry.LAST_YEAR))
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class RegistryUnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class RegistryNomineeSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    full_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    unit = fields.Nested(RegistryUnitSchema, allow_none=True, metadata={"description": "Đơn vị hiện nay."})


class RegistryEntrySchema(Schema):
    id = fields.Integer()
    nominee = fields.Nested(RegistryNomineeSchema)
    title_code = fields.String()
    year = fields.Integer()
    decision_number = fields.String()
    decision_date = fields.Date()
    deciding_authority = fields.String()
    authority_id = fields.Integer(allow_none=True)
    decision_id = fields.Integer(allow_none=True)
    nomination_id = fields.Integer(allow_none=True)
    money_vnd = fields.Integer(allow_none=True)
    basis = fields.String(metadata={"enum": list(registry.BASES)})
    source = fields.String(metadata={"enum": list(registry.SOURCES)})
    revoked_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Có giá trị: khen thưởng đã bị hủy."})


class RegistryPageSchema(Schema):
    items = fields.List(fields.Nested(RegistryEntrySchema))
    meta = fields.Nested(PageMetaSchema)


class RowErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "Số dòng như Excel hiển thị."})
    column = fields.String(metadata={"description": "Chữ cái của cột, ví dụ F; trống nếu lỗi thuộc cả dòng."})
    header = fields.String(metadata={"description": "Tên cột trong tệp mẫu."})
    reason = fields.String()


class ImportReportSchema(Schema):
    rows_read = fields.Integer()
    rows_written = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema))


class RegistryImportSchema(InputSchema):
    file = File(required=True, metadata={"description": "Tệp .xlsx theo mẫu; tối đa 5 MB và 2.000 dòng."})


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Tra cứu sổ theo dõi khen thưởng",
    description="Lọc theo họ tên, đơn vị, danh hiệu và năm; mới nhất trước. Đơn vị chỉ thấy người của đơn vị mình; "
    "Phòng Nội vụ, Thư ký, Chủ tịch thấy người thuộc các đơn vị của cơ quan mình. Khen thưởng đã bị hủy vẫn "
    "được liệt kê, có `revoked_at`.",
)
@blp.problems(401, 403)
@api_permission_required(can_search_registry)
@blp.arguments(RegistryQuerySchema, location="query")
@blp.response(200, RegistryPageSchema)
def list_entries(query: dict):
    unit_id = None
    if query.get("unit"):
        unit = registry.find_unit(db.session, query["unit"], actor=current_actor())
        if unit is None:
            raise InvalidInput({"unit": [msg("Không có đơn vị này.")]})
        unit_id = unit.id
    entries = registry.search(
        db.session,
        actor=current_actor(),
        name=query.get("name"),
        unit_id=unit_id,
        title_code=query.get("title"),
        year=query.get("year"),
    )
    page = paginate(db.session, entries, per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("/import", methods=["POST"])
@blp.doc(
    summary="Nhập khen thưởng đã có từ Excel",
    description="multipart/form-data với `file` (.xlsx theo mẫu tải ở trang Nhập khen thưởng). Tất cả hoặc không: "
    "201 khi mọi dòng đã ghi; 422 kèm `report` liệt kê mọi dòng sai (dòng, cột, lý do) và không ghi dòng nào; "
    "422 với `errors.file` khi chính tệp không dùng được (không phải .xlsx, quá 5 MB hoặc 2.000 dòng).",
)
@blp.problems(401, 403)
@api_permission_required(can_import_registry)
@blp.arguments(RegistryImportSchema, location="form_and_files")
@blp.response(201, ImportReportSchema)
def import_entries(form: dict):
    return answer_import(award_import.import_registry(db.session, form["file"].stream, actor=current_actor()))


def answer_import(report: ImportReport):
    """All or nothing: commit and answer the report, or a 422 problem listing every bad row in the reader's
    language, with nothing written."""
    if not report.ok:
        detail = msg("Tệp có %(count)s dòng lỗi; chưa ghi dòng nào.", count=report.bad_rows)
        errors = [replace(error, reason=translate(error.reason)) for error in report.errors]
        return render_error(422, detail, report=ImportReportSchema().dump(replace(report, errors=errors)))
    db.session.commit()
    return report
