"""Decision endpoints (Quyết định khen thưởng): the office drafts a decision from approved nominations, edits it and
sends it for signature; the chairman sends it back or signs it (which numbers it and awards its nominations); the
office publishes it and attaches the scan of the signed original, as on the decision page. Each view calls one
service of workflow/decisions and commits once."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file, url_for
from marshmallow import Schema, fields, validate

from models import Authority, Decision, Nomination, db
from models.decision import DecisionState
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, MAX_ID, ApiBlueprint
from web.api.schemas import (
    File,
    InputSchema,
    Integer,
    NestedObject,
    PageMetaSchema,
    Text,
    TextList,
    an_id,
    in_range,
    max_length,
    one_of,
)
from web.pagination import paginate
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import DECISION
from workflow.core.messages import msg
from workflow.decisions import documents, drafting, signed_copy
from workflow.decisions.listing import visible_decisions
from workflow.permissions import can_draft_decision, can_list_decisions, can_view_decision

blp = ApiBlueprint(
    "api_decisions",
    __name__,
    url_prefix="/api/v1/decisions",
    description="Quyết định khen thưởng: dự thảo từ các đề nghị đã được Hội đồng thông qua, sửa, trình ký, ký "
    "(cấp số), ban hành.",
)
VERSION = "Phiên bản quyết định người gọi đã thấy; khác phiên bản hiện tại → 409."
MAX_ITEMS = 500
SIGNER_CAPACITIES = ("chairman", "deputy")


def load_decision(decision_id: int, **_) -> Decision:
    return db.get_or_404(Decision, decision_id)


def own_authority(**_) -> Authority | None:
    return current_actor().authority


# --- schemas -----------------------------------------------------------------------------------------------------


class DecisionAuthoritySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class DecisionSummarySchema(Schema):
    id = fields.Integer()
    authority = fields.Nested(DecisionAuthoritySchema)
    summary = fields.String(metadata={"description": "Trích yếu: “Về việc …”."})
    state = fields.String(metadata={"enum": list(DecisionState.ALL)})
    version = fields.Integer(metadata={"description": "Gửi lại khi sửa dự thảo và trong mỗi thao tác."})
    number = fields.Integer(allow_none=True, metadata={"description": "Số trong sổ của năm; có khi đã ký."})
    year = fields.Integer(allow_none=True, metadata={"description": "Năm của sổ đăng ký số; có khi đã ký."})
    number_text = fields.String(allow_none=True, metadata={"example": "1/QĐ-UBND"})
    signed_on = fields.Date(allow_none=True)


class DecisionPageSchema(Schema):
    items = fields.List(fields.Nested(DecisionSummarySchema))
    meta = fields.Nested(PageMetaSchema)


class ContentSchema(Schema):
    legal_bases = fields.List(fields.String(), metadata={"description": "Các dòng “Căn cứ …”."})
    recital = fields.String(metadata={"description": "“Xét đề nghị của …”."})
    executors = fields.List(fields.String(), metadata={"description": "Điều 2: người thi hành."})
    recipients = fields.List(fields.String(), metadata={"description": "Nơi nhận."})


class DecisionItemSchema(Schema):
    id = fields.Integer(attribute="item.id")
    position = fields.Integer(attribute="item.position", metadata={"description": "Thứ tự trong Điều 1."})
    nomination_id = fields.Integer(attribute="nomination.id")
    nominee = fields.String(attribute="nomination.nominee.full_name")
    unit = fields.String(attribute="nomination.dossier.unit.name")
    dossier_code = fields.String(attribute="nomination.dossier.code")
    title_code = fields.String(attribute="nomination.title_code")
    title_name = fields.String()
    year = fields.Integer(attribute="nomination.year")
    achievement = fields.String(attribute="item.achievement")
    amount_vnd = fields.Integer(
        allow_none=True, metadata={"description": "Tiền thưởng (đồng); null khi dữ liệu không cho con số."}
    )
    certificate_url = fields.String(allow_none=True, metadata={"description": "Giấy khen (PDF); có khi đã ký."})


class DecisionSchema(DecisionSummarySchema):
    signer = fields.String(attribute="signer.full_name", allow_none=True)
    signer_capacity = fields.String(allow_none=True, metadata={"enum": list(SIGNER_CAPACITIES)})
    content = fields.Nested(ContentSchema)
    items = fields.List(fields.Nested(DecisionItemSchema), metadata={"description": "Điều 1, theo danh hiệu."})
    amounts_are_estimates = fields.Boolean(
        metadata={
            "description": "true: chưa ký, tiền thưởng tạm tính theo mức lương cơ sở hôm nay; false: đã chốt theo "
            "mức lương cơ sở ngày ký."
        }
    )
    total_vnd = fields.Integer(metadata={"description": "Tổng tiền thưởng các dòng có con số."})
    available_triggers = fields.List(
        fields.String(), metadata={"description": "Các thao tác người gọi được thực hiện ngay lúc này."}
    )


class DecisionQuerySchema(InputSchema):
    state = Text(validate=one_of(DecisionState.ALL))
    year = Integer(strict=False, validate=in_range(1945, 2200), metadata={"description": "Năm của số quyết định."})
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


def _ids(description: str) -> TextList:
    return TextList(
        Integer(validate=an_id()),
        required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS, error="Cần từ {min} đến {max} đề nghị."),
        metadata={"description": description},
    )


class DecisionCreateSchema(InputSchema):
    nomination_ids = _ids("Các đề nghị đã được Hội đồng thông qua, thuộc thẩm quyền quyết định của cơ quan.")


def _lines() -> TextList:
    return TextList(Text(validate=max_length(drafting.TEXT_MAX)), validate=validate.Length(max=100))


class ContentInputSchema(InputSchema):
    legal_bases = _lines()
    recital = Text(validate=max_length(drafting.TEXT_MAX))
    executors = _lines()
    recipients = _lines()


class ItemInputSchema(InputSchema):
    nomination_id = Integer(required=True, validate=an_id())
    achievement = Text(load_default="", validate=max_length(drafting.TEXT_MAX))


class DecisionUpdateSchema(InputSchema):
    version = Integer(required=True, metadata={"description": VERSION})
    summary = Text(validate=max_length(drafting.SUMMARY_MAX))
    content = NestedObject(ContentInputSchema, metadata={"description": "Các mục gửi lên thay mục đang lưu."})
    items = TextList(
        NestedObject(ItemInputSchema),
        validate=validate.Length(max=MAX_ITEMS, error="Tối đa {max} dòng."),
        metadata={"description": "Toàn bộ Điều 1 theo thứ tự mới; bỏ trống: giữ nguyên."},
    )


class DecisionTransitionDataSchema(InputSchema):
    comment = Text(load_default="", validate=max_length(2000))
    capacity = Text(
        load_default="chairman",
        validate=one_of(SIGNER_CAPACITIES),
        metadata={
            "description": "sign: chairman (TM. Ủy ban nhân dân / Chủ tịch) hoặc deputy (KT. Chủ tịch / Phó Chủ tịch)."
        },
    )


class DecisionTransitionSchema(InputSchema):
    trigger = Text(required=True, validate=one_of(DECISION.transitions))
    version = Integer(required=True, metadata={"description": VERSION})
    data = NestedObject(
        DecisionTransitionDataSchema,
        load_default=dict,
        metadata={
            "description": "`comment`: ý kiến khi trình ký, lý do khi trả lại (bắt buộc); `capacity`: tư cách ký."
        },
    )


class SignedCopyUploadSchema(InputSchema):
    version = Integer(
        strict=False,
        allow_none=True,
        load_default=None,
        validate=in_range(0, MAX_ID),
        metadata={"description": VERSION + " Bỏ trống: không kiểm tra."},
    )
    file = File(required=True, metadata={"description": "Bản quét bản chính đã ký: PDF, JPG hoặc PNG; tối đa 20 MB."})


class SignedCopySchema(Schema):
    decision_id = fields.Integer(attribute="id")
    version = fields.Integer()
    filename = fields.String(attribute="signed_copy_filename", metadata={"description": "Tên tệp người gửi đặt."})
    media_type = fields.String(attribute="signed_copy_media_type", metadata={"description": "Nhận theo nội dung."})
    size = fields.Integer(attribute="signed_copy_size", metadata={"description": "Số byte."})
    sha256 = fields.String(attribute="signed_copy_sha256", metadata={"description": "Được ghi vào nhật ký."})
    attached_at = fields.DateTime(attribute="signed_copy_at")
    url = fields.Method("_url", metadata={"description": "Tải bản chính đã ký."})

    def _url(self, decision: Decision) -> str:
        return url_for("api_decisions.signed_copy_file", decision_id=decision.id)


# --- what the views answer -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: object
    nomination: Nomination
    title_name: str
    amount_vnd: int | None
    certificate_url: str | None


@dataclass(frozen=True)
class DecisionDetail:
    """A decision plus Article 1 with its money and the triggers the caller may fire now."""

    decision: Decision
    items: list[ItemRow]
    available_triggers: list[str]

    def __getattr__(self, name: str):
        return getattr(self.decision, name)

    @property
    def amounts_are_estimates(self) -> bool:
        return self.decision.signed_on is None

    @property
    def total_vnd(self) -> int:
        return sum(row.amount_vnd or 0 for row in self.items)


def detail(decision: Decision) -> DecisionDetail:
    signed = documents.is_signed(decision)
    rows = [
        ItemRow(
            line.item,
            line.nomination,
            group.title_name,
            line.amount_vnd,
            url_for(".certificate_pdf", decision_id=decision.id, position=line.item.position) if signed else None,
        )
        for group in drafting.article_one(db.session, decision)
        for line in group.lines
    ]
    return DecisionDetail(decision, rows, available_triggers(DECISION, decision, current_actor()))


def _nominations(ids: list[int]) -> list[Nomination]:
    found = [db.session.get(Nomination, i) for i in ids]
    missing = [str(i) for i, n in zip(ids, found, strict=True) if n is None]
    if missing:
        raise InvalidInput({"nomination_ids": [msg("Không có đề nghị mã %(ids)s.", ids=", ".join(missing))]})
    return found


# --- views -------------------------------------------------------------------------------------------------------


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Danh sách quyết định",
    description="Quyết định của cơ quan người gọi (kể cả dự thảo), mới nhất trước; lọc theo `state` và `year` (năm "
    "của số quyết định: dự thảo chưa có năm). Phân trang bằng `page`, `per_page`.",
)
@blp.problems(401, 403)
@api_permission_required(can_list_decisions)
@blp.arguments(DecisionQuerySchema, location="query")
@blp.response(200, DecisionPageSchema)
def list_decisions(query: dict):
    decisions = visible_decisions(current_actor(), state=query.get("state"), year=query.get("year"))
    page = paginate(db.session, decisions, per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("", methods=["POST"])
@blp.doc(
    summary="Dự thảo quyết định",
    description="Phòng Nội vụ dự thảo quyết định từ các đề nghị đã được Hội đồng thông qua: căn cứ, “Xét đề nghị "
    "của …”, Điều 1 theo danh hiệu, Điều 2, nơi nhận được điền sẵn. 422: mọi đề nghị không quyết định được ở "
    "cơ quan này và lý do (`nomination_ids`); khi ấy không ghi gì.",
)
@blp.problems(401, 403)
@api_permission_required(can_draft_decision, load=own_authority)
@blp.arguments(DecisionCreateSchema)
@blp.response(201, DecisionSchema)
def create_decision(body: dict):
    nominations = _nominations(body["nomination_ids"])
    try:
        decision = drafting.draft_decision(db.session, own_authority(), nominations, current_actor())
    except InvalidInput as refused:
        raise InvalidInput({"nomination_ids": refused.errors["nominations"]}) from refused
    db.session.commit()
    return detail(decision), {"Location": url_for(".get_decision", decision_id=decision.id)}


@blp.route(f"/<{ID}:decision_id>", methods=["GET"])
@blp.doc(
    summary="Xem quyết định",
    description="Trạng thái, phiên bản, thao tác được phép, số (khi đã ký), nội dung và Điều 1 với tiền thưởng: "
    "tạm tính khi chưa ký, đã chốt theo mức lương cơ sở ngày ký khi đã ký.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_decision, load=load_decision)
@blp.response(200, DecisionSchema)
def get_decision(decision_id: int):
    return detail(load_decision(decision_id))


@blp.route(f"/<{ID}:decision_id>", methods=["PUT"])
@blp.doc(
    summary="Sửa dự thảo",
    description="Chỉ khi còn là dự thảo. `summary`, các mục của `content` và `items` (toàn bộ Điều 1 theo thứ tự "
    "mới) gửi lên thay nội dung đang lưu; mục không gửi giữ nguyên. 409: dự thảo đã bị người khác thay đổi; 422: "
    "mọi trường sai, không ghi gì.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_draft_decision, load=load_decision)
@blp.arguments(DecisionUpdateSchema)
@blp.response(200, DecisionSchema)
def update_decision(body: dict, decision_id: int):
    decision = load_decision(decision_id)
    items = body.get("items")
    drafting.update_draft(
        db.session,
        decision,
        actor=current_actor(),
        summary=body.get("summary"),
        content=body.get("content"),
        items=None if items is None else [drafting.ItemInput(**item) for item in items],
        version=body["version"],
    )
    db.session.commit()
    return detail(decision)


@blp.route(f"/<{ID}:decision_id>/transitions", methods=["POST"])
@blp.doc(
    summary="Trình ký, trả lại, ký, ban hành",
    description="`trigger`: submit_for_signature (Phòng Nội vụ trình ký), send_back (Chủ tịch trả lại, `data."
    "comment` bắt buộc), sign (ký hôm nay với `data.capacity`: chairman, mặc định, hoặc deputy khi Phó Chủ tịch "
    "ký thay; cấp số tiếp theo trong sổ của năm, chốt tiền thưởng, ghi sổ khen thưởng, hồ sơ được quyết định rồi "
    "kết thúc) hoặc publish (ban hành); `version`: phiên bản người gọi đã thấy. 403: người gọi không được thực "
    "hiện thao tác này; 409: không được phép ở trạng thái hiện tại hoặc đã bị người khác thay đổi; 422: "
    "`failures` liệt kê điều kiện chưa thỏa.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_view_decision, load=load_decision)
@blp.arguments(DecisionTransitionSchema)
@blp.response(200, DecisionSchema)
def transition(body: dict, decision_id: int):
    decision = load_decision(decision_id)
    perform(
        db.session, Action(DECISION, decision, body["trigger"]), actor=current_actor(), version=body["version"],
        inputs=body["data"],
    )  # fmt: skip
    db.session.commit()
    return detail(decision)


# --- documents -----------------------------------------------------------------------------------------------------


def _download(file: documents.File):
    response = send_file(
        io.BytesIO(file.content), mimetype=file.mimetype, as_attachment=True, download_name=file.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _document_view(summary: str, description: str, content_type: str, endpoint: str, path: str, make):
    """One download route: the file `make(decision)` returns, always as an attachment."""

    @blp.route(f"/<{ID}:decision_id>/{path}", methods=["GET"], endpoint=endpoint)
    @blp.doc(summary=summary, description=description + " Luôn tải về dưới dạng tệp đính kèm.")
    @blp.problems(401, 403, 404)
    @api_permission_required(can_view_decision, load=load_decision)
    @blp.response(200, content_type=content_type, description="Tệp tải về.")
    def view(decision_id: int):
        return _download(make(load_decision(decision_id)))

    view.__name__ = endpoint
    return view


DRAFT_OR_SIGNED = "Dự thảo: để trống số và ngày; đã ký: số, ngày và người ký."
for _fmt, _type in (("pdf", documents.PDF), ("docx", documents.DOCX)):
    _document_view(
        f"Quyết định ({_fmt.upper()})",
        f"Quyết định theo thể thức Nghị định 30/2020. {DRAFT_OR_SIGNED}",
        _type,
        f"decision_{_fmt}",
        f"decision.{_fmt}",
        lambda decision, fmt=_fmt: documents.decision_file(db.session, decision, fmt),
    )
    _document_view(
        f"Tờ trình ({_fmt.upper()})",
        "Tờ trình của Phòng Nội vụ đề nghị Chủ tịch quyết định khen thưởng theo kết quả họp Hội đồng.",
        _type,
        f"proposal_letter_{_fmt}",
        f"proposal-letter.{_fmt}",
        lambda decision, fmt=_fmt: documents.proposal_letter_file(db.session, decision, fmt),
    )


@blp.route(f"/<{ID}:decision_id>/certificates/<int(min=1, max=100000):position>.pdf", methods=["GET"])
@blp.doc(
    summary="Giấy khen (PDF)",
    description="Giấy khen của người, tập thể ở dòng `position` của Điều 1 (từ 1), với số, ngày quyết định và số sổ "
    "vàng. Chỉ khi quyết định đã ký (422 khi chưa); 404 khi không có dòng đó. Luôn tải về dưới dạng tệp đính kèm.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_decision, load=load_decision)
@blp.response(200, content_type=documents.PDF, description="Tệp PDF.")
def certificate_pdf(decision_id: int, position: int):
    try:
        file = documents.certificate_file(db.session, load_decision(decision_id), position)
    except LookupError:
        abort(404)
    return _download(file)


# --- the signed copy -------------------------------------------------------------------------------------------------


@blp.route(f"/<{ID}:decision_id>/signed-copy", methods=["POST"])
@blp.doc(
    summary="Đính kèm bản chính đã ký",
    description="multipart/form-data: `file`, bản quét bản chính đã ký và đóng dấu, và `version` (tùy chọn). Chỉ "
    "Phòng Nội vụ của cơ quan, chỉ khi quyết định đã ký hoặc đã ban hành. Tệp được kiểm tra theo nội dung (PDF, "
    "JPG, PNG; tối đa 20 MB), không theo tên; gửi lại thì thay bản trước, nhật ký giữ mọi SHA-256. 422: `file` "
    "sai loại, rỗng, quá lớn hoặc tên không hợp lệ; `decision` khi quyết định chưa ký.",
)
@blp.problems(401, 403, 404, 409, 413)
@api_permission_required(can_draft_decision, load=load_decision)
@blp.arguments(SignedCopyUploadSchema, location="form_and_files")
@blp.response(200, SignedCopySchema)
def attach_signed_copy(form: dict, decision_id: int):
    decision = load_decision(decision_id)
    signed_copy.attach_signed_copy(
        db.session,
        decision,
        form["file"].stream,
        form["file"].filename,
        current_actor(),
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        version=form["version"],
    )
    db.session.commit()
    return decision


@blp.route(f"/<{ID}:decision_id>/signed-copy", methods=["GET"])
@blp.doc(
    summary="Tải bản chính đã ký",
    description="Dưới loại nhận được khi tải lên và tên theo số quyết định (ban-chinh-1-2025.pdf). 404 khi chưa "
    "đính kèm. Luôn tải về dưới dạng tệp đính kèm.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_decision, load=load_decision)
@blp.response(200, content_type="application/octet-stream", description="PDF, JPG hoặc PNG.")
def signed_copy_file(decision_id: int):
    decision = load_decision(decision_id)
    path = signed_copy.signed_copy_path(decision, Path(current_app.config["UPLOAD_DIR"]))
    if path is None or not path.is_file():
        abort(404)
    media_type, name = signed_copy.served_as(decision)
    response = send_file(path, mimetype=media_type, download_name=name, as_attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
