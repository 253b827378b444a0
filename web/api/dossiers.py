"""Dossier endpoints: the services behind the HTML pages, answered in JSON. Each view parses with a schema, calls
one service, commits once and dumps; domain errors become problem documents in web/errors.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for

from models import Dossier, Nomination, db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import (
    DocumentSchema,
    DocumentUploadSchema,
    DossierCreateSchema,
    DossierPageSchema,
    DossierQuerySchema,
    DossierSchema,
    NominationCreateSchema,
    NominationSchema,
    ReaddressRequestSchema,
    TimelineEntrySchema,
    TransitionRequestSchema,
)
from web.loaders import load_dossier, load_dossier_nomination
from web.pagination import paginate
from web.presenters import timeline_rows
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import DOSSIER
from workflow.core.messages import msg
from workflow.dossiers import editing as service
from workflow.dossiers import supplements
from workflow.dossiers.checklist import ChecklistItem
from workflow.dossiers.succession import readdress_dossier
from workflow.dossiers.supplements import ItemStatus
from workflow.permissions import can_create_dossier, can_edit_dossier, can_list_dossiers, can_view_dossier
from workflow.reporting.worklists import visible_dossiers

blp = ApiBlueprint(
    "api_dossiers",
    __name__,
    url_prefix="/api/v1/dossiers",
    description="Hồ sơ đề nghị khen thưởng: tạo, thêm người được đề nghị và tài liệu, chuyển trạng thái.",
)


@dataclass(frozen=True)
class DossierDetail:
    """A dossier plus what depends on the caller (the triggers they may fire now) and on rule data (the
    checklist); every other attribute is the dossier's own."""

    dossier: Dossier
    available_triggers: list[str]
    checklist: list[ChecklistItem]
    supplements: list[ItemStatus]

    def __getattr__(self, name: str):
        return getattr(self.dossier, name)


def detail(dossier: Dossier) -> DossierDetail:
    answering = supplements.current_return(db.session, dossier)
    return DossierDetail(
        dossier,
        available_triggers(DOSSIER, dossier, current_actor()),
        service.checklist(db.session, dossier).items,
        supplements.status(db.session, dossier, answering) if answering else [],
    )


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Danh sách hồ sơ",
    description="Chỉ các hồ sơ người gọi được xem (đơn vị thấy hồ sơ của đơn vị mình), mới nhất trước. "
    "Phân trang bằng `page` và `per_page` (tối đa 100); `meta` cho biết tổng số.",
)
@blp.problems(401, 403)
@api_permission_required(can_list_dossiers)
@blp.arguments(DossierQuerySchema, location="query")
@blp.response(200, DossierPageSchema)
def list_dossiers(query: dict):
    filters = {key: query.get(key) for key in ("state", "year", "unit_id")}
    dossiers = visible_dossiers(db.session, current_actor(), **filters)
    page = paginate(db.session, dossiers, per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("", methods=["POST"], endpoint="create_dossier")
@blp.doc(summary="Tạo hồ sơ", description="Hồ sơ nháp của đơn vị người gọi (cán bộ thi đua đơn vị).")
@blp.problems(401, 403)
@api_permission_required(can_create_dossier)
@blp.arguments(DossierCreateSchema)
@blp.response(201, DossierSchema)
def create_dossier(data: dict):
    dossier = service.create_dossier(db.session, actor=current_actor(), **data)
    db.session.commit()
    return detail(dossier), {"Location": url_for(".get_dossier", dossier_id=dossier.id)}


@blp.route(f"/<{ID}:dossier_id>", methods=["GET"])
@blp.doc(
    summary="Xem hồ sơ",
    description="Trạng thái, phiên bản, thao tác được phép, hạn, người được đề nghị, "
    "tài liệu và thành phần hồ sơ còn thiếu.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_dossier)
@blp.response(200, DossierSchema)
def get_dossier(dossier_id: int):
    return detail(load_dossier(dossier_id))


@blp.route(f"/<{ID}:dossier_id>/nominations", methods=["POST"])
@blp.doc(summary="Thêm người/tập thể được đề nghị", description="Chỉ khi hồ sơ đang ở đơn vị (nháp hoặc bị trả lại).")
@blp.problems(401, 403, 404)
@api_permission_required(can_edit_dossier, load=load_dossier)
@blp.arguments(NominationCreateSchema)
@blp.response(201, NominationSchema)
def add_nomination(data: dict, dossier_id: int):
    dossier = load_dossier(dossier_id)
    nomination = service.add_nomination(db.session, dossier, actor=current_actor(), data=service.NomineeInput(**data))
    db.session.commit()
    return nomination


@blp.route(f"/<{ID}:dossier_id>/nominations/<{ID}:nomination_id>", methods=["PUT"])
@blp.doc(
    summary="Sửa người/tập thể được đề nghị",
    description="Thay toàn bộ thông tin như khi thêm (trường không gửi nhận giá trị mặc định). Chỉ khi hồ sơ đang "
    "ở đơn vị; hồ sơ đã nộp thì thông tin cũ được lưu thành một phiên bản, không bị ghi đè.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_edit_dossier, load=load_dossier_nomination)
@blp.arguments(NominationCreateSchema)
@blp.response(200, NominationSchema)
def update_nomination(data: dict, dossier_id: int, nomination_id: int):
    nomination = load_dossier_nomination(dossier_id, nomination_id)
    service.update_nomination(db.session, nomination, actor=current_actor(), data=service.NomineeInput(**data))
    db.session.commit()
    return nomination


@blp.route(f"/<{ID}:dossier_id>/documents", methods=["POST"])
@blp.doc(
    summary="Tải lên tài liệu",
    description="multipart/form-data: `kind`, `file`, và `nomination_id` cho tài liệu riêng của một người. "
    "Tệp được kiểm tra theo nội dung (PDF, DOCX, XLSX, JPG, PNG; tối đa 20 MB), không theo tên.",
)
@blp.problems(401, 403, 404, 413)
@api_permission_required(can_edit_dossier, load=load_dossier)
@blp.arguments(DocumentUploadSchema, location="form_and_files")
@blp.response(201, DocumentSchema)
def upload_document(form: dict, dossier_id: int):
    dossier = load_dossier(dossier_id)
    document = service.add_document(
        db.session,
        dossier,
        actor=current_actor(),
        kind=form["kind"],
        stream=form["file"].stream,
        filename=form["file"].filename,
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        nomination=_nomination_in(dossier, form["nomination_id"]),
    )
    db.session.commit()
    return document


def _nomination_in(dossier: Dossier, nomination_id: int | None) -> Nomination | None:
    if nomination_id is None:
        return None
    found = next((n for n in dossier.nominations if n.id == nomination_id), None)
    if found is None:
        raise InvalidInput({"nomination_id": [msg("Người được đề nghị không thuộc hồ sơ này.")]})
    return found


@blp.route(f"/<{ID}:dossier_id>/transitions", methods=["POST"])
@blp.doc(
    summary="Chuyển trạng thái hồ sơ",
    description="`trigger` là một trong `available_triggers`; `version` là phiên bản người gọi đã thấy. "
    "409: thao tác không được phép ở trạng thái hiện tại (`allowed_triggers`) hoặc hồ sơ đã bị người khác "
    "thay đổi; 422: `failures` liệt kê mọi điều kiện chưa thỏa, `errors` các trường sai.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_view_dossier, load=load_dossier)
@blp.arguments(TransitionRequestSchema)
@blp.response(200, DossierSchema)
def transition(body: dict, dossier_id: int):
    dossier = load_dossier(dossier_id)
    action = Action(DOSSIER, dossier, body["trigger"])
    perform(db.session, action, actor=current_actor(), version=body["version"], inputs=body["data"])
    db.session.commit()
    return detail(dossier)


@blp.route(f"/<{ID}:dossier_id>/readdress", methods=["POST"])
@blp.doc(
    summary="Chuyển hồ sơ sang cơ quan kế nhiệm",
    description="Khi cơ quan nhận hồ sơ đã chấm dứt hoạt động (cấp huyện, từ 01/07/2025), cán bộ đơn vị chuyển hồ "
    "sơ chưa được tiếp nhận (nháp hoặc bị trả lại trước khi tiếp nhận) sang cơ quan kế nhiệm. Trạng thái giữ "
    "nguyên; việc chuyển được ghi nhật ký. 409: hồ sơ đã bị người khác thay đổi; 422: lý do không chuyển được "
    "(cơ quan vẫn hoạt động, hồ sơ đã được tiếp nhận, đơn vị đã chấm dứt hoạt động…).",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_edit_dossier, load=load_dossier)
@blp.arguments(ReaddressRequestSchema)
@blp.response(200, DossierSchema)
def readdress(body: dict, dossier_id: int):
    dossier = readdress_dossier(db.session, load_dossier(dossier_id), actor=current_actor(), version=body["version"])
    db.session.commit()
    return detail(dossier)


@blp.route(f"/<{ID}:dossier_id>/timeline", methods=["GET"])
@blp.doc(summary="Nhật ký hồ sơ", description="Mọi việc đã xảy ra với hồ sơ, cũ nhất trước, từ nhật ký kiểm toán.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_dossier)
@blp.response(200, TimelineEntrySchema(many=True))
def timeline(dossier_id: int):
    return timeline_rows(db.session, load_dossier(dossier_id))
