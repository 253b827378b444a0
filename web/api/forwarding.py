"""Forwarding endpoints (trình cấp trên): the standing office's cases the authority may not decide, the package and
the proposal letter to check before sending, the sending, the package as it was sent, and the province's answer per
nominee. Each view calls one service of workflow/decisions/forwarding.py and commits once."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort, current_app, send_file, url_for
from marshmallow import Schema, fields, validate

from models import Nomination, db
from models.dossier import REASON_CATEGORIES
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import Date, InputSchema, Integer, Text, TextList, an_id, max_length, one_of
from workflow.decisions import forwarding
from workflow.permissions import can_forward
from workflow.registry.entries import title_names

blp = ApiBlueprint(
    "api_forwarding",
    __name__,
    url_prefix="/api/v1/forwarding",
    description="Trình cấp trên: các trường hợp vượt thẩm quyền đã được Hội đồng thông qua, bộ hồ sơ (ZIP), tờ trình, "
    "gửi lên và ghi nhận kết quả của cấp trên. Chỉ Phòng Nội vụ (cơ quan thường trực) của cơ quan.",
)
IDS = "Mã các đề nghị (nomination) cần trình, lấy từ danh sách chờ trình."


def load_nomination(nomination_id: int, **_) -> Nomination:
    return db.get_or_404(Nomination, nomination_id)


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _authority():
    return current_actor().unit.authority


def _chosen(ids: list[int]) -> list[Nomination]:
    return forwarding.nominations_by_ids(db.session, _authority(), ids)


def _attachment(content: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- schemas -----------------------------------------------------------------------------------------------------


class CaseSchema(Schema):
    id = fields.Integer(metadata={"description": "Mã đề nghị."})
    nominee = fields.String(attribute="nominee.full_name")
    title_code = fields.String()
    title_name = fields.Function(lambda n: title_names(db.session).get(n.title_code, n.title_code))
    year = fields.Integer()
    state = fields.String()
    version = fields.Integer(metadata={"description": "Gửi lại khi ghi kết quả của cấp trên."})
    dossier_id = fields.Integer()
    dossier_code = fields.String(attribute="dossier.code")
    unit = fields.String(attribute="dossier.unit.name")


class AwaitingCaseSchema(CaseSchema):
    why = fields.Function(
        lambda n: forwarding.why_forward(db.session, n.dossier.authority, n),
        metadata={"description": "Vì sao danh hiệu phải trình cấp trên (thẩm quyền, E13)."},
    )


class ForwardedCaseSchema(CaseSchema):
    package_url = fields.Function(
        lambda n: url_for("api_forwarding.sent_package", nomination_id=n.id),
        metadata={"description": "Bộ hồ sơ đúng như đã gửi lên."},
    )


class SelectionQuerySchema(InputSchema):
    nomination_ids = TextList(
        Integer(strict=False, validate=an_id()),
        required=True,
        validate=validate.Length(max=200, error="Tối đa {max} đề nghị."),
        metadata={"description": IDS + " Lặp lại tham số cho mỗi mã: `?nomination_ids=1&nomination_ids=2`."},
    )


class ForwardRequestSchema(InputSchema):
    nomination_ids = TextList(
        Integer(validate=an_id()),
        required=True,
        validate=validate.Length(max=200, error="Tối đa {max} đề nghị."),
        metadata={"description": IDS},
    )


class SentSchema(Schema):
    package_sha256 = fields.String(attribute="package.sha256", metadata={"description": "SHA-256 của tệp ZIP."})
    filename = fields.String(attribute="package.filename")
    nominations = fields.List(fields.Nested(ForwardedCaseSchema))


class AnswerRequestSchema(InputSchema):
    outcome = Text(
        required=True,
        validate=one_of(forwarding.OUTCOMES),
        metadata={"description": "awarded: cấp trên khen thưởng; declined: không khen thưởng."},
    )
    decision_number = Text(
        required=True, validate=max_length(forwarding.NUMBER_MAX), metadata={"example": "1234/QĐ-UBND"}
    )
    decision_date = Date(required=True, metadata={"description": "Ngày của văn bản trả lời (YYYY-MM-DD)."})
    deciding_authority = Text(
        required=True,
        validate=max_length(forwarding.TEXT_MAX),
        metadata={"example": "Ủy ban nhân dân tỉnh Kon Tum"},
    )
    reason = Text(
        allow_none=True,
        load_default=None,
        validate=one_of(REASON_CATEGORIES),
        metadata={"description": "Bắt buộc khi declined: nhóm lý do cấp trên không khen thưởng."},
    )
    comment = Text(load_default="", validate=max_length(forwarding.COMMENT_MAX))
    version = Integer(
        required=True, metadata={"description": "Phiên bản đề nghị người gọi đã thấy; khác phiên bản hiện tại → 409."}
    )


# --- views -------------------------------------------------------------------------------------------------------


@blp.route("/awaiting", methods=["GET"])
@blp.doc(
    summary="Trường hợp chờ trình cấp trên",
    description="Các đề nghị Hội đồng đã thông qua mà danh hiệu vượt thẩm quyền của cơ quan người gọi (E13: trình "
    "cấp trên), hồ sơ đang chờ quyết định.",
)
@blp.problems(401, 403)
@api_permission_required(can_forward)
@blp.response(200, AwaitingCaseSchema(many=True))
def list_awaiting():
    return forwarding.awaiting_forwarding(db.session, _authority())


@blp.route("/forwarded", methods=["GET"])
@blp.doc(
    summary="Trường hợp đã trình, chờ kết quả",
    description="Các đề nghị của cơ quan người gọi đã trình cấp trên và chưa có kết quả.",
)
@blp.problems(401, 403)
@api_permission_required(can_forward)
@blp.response(200, ForwardedCaseSchema(many=True))
def list_forwarded():
    return forwarding.forwarded(db.session, _authority())


@blp.route("/package.zip", methods=["GET"])
@blp.doc(
    summary="Xem trước bộ hồ sơ (ZIP)",
    description="Bộ hồ sơ như sẽ gửi lên hôm nay cho các đề nghị đã chọn: tờ trình, biên bản họp và biên bản kiểm "
    "phiếu của Hội đồng, tài liệu của từng người, `manifest.json` với SHA-256 từng tệp và bộ quy định đã áp dụng. "
    "Không ghi gì. 422 khi một đề nghị không thể trình (nêu lý do).",
)
@blp.problems(401, 403)
@api_permission_required(can_forward)
@blp.arguments(SelectionQuerySchema, location="query")
@blp.response(200, content_type="application/zip", description="Tệp ZIP.")
def preview_package(query: dict):
    built = forwarding.preview_package(
        db.session, _authority(), _chosen(query["nomination_ids"]), actor=current_actor(), upload_dir=_upload_dir(),
        field="nomination_ids",
    )  # fmt: skip
    return _attachment(built.content, "application/zip", built.filename)


@blp.route("/letter.pdf", methods=["GET"])
@blp.doc(
    summary="Xem trước tờ trình (PDF)",
    description="Tờ trình của cơ quan gửi Chủ tịch cấp trên cho các đề nghị đã chọn, chưa đánh số. Không ghi gì.",
)
@blp.problems(401, 403)
@api_permission_required(can_forward)
@blp.arguments(SelectionQuerySchema, location="query")
@blp.response(200, content_type="application/pdf", description="Tệp PDF.")
def preview_letter(query: dict):
    pdf = forwarding.preview_letter(
        db.session, _authority(), _chosen(query["nomination_ids"]), actor=current_actor(), field="nomination_ids"
    )
    return _attachment(pdf, "application/pdf", "to-trinh-cap-tren.pdf")


@blp.route("", methods=["POST"])
@blp.doc(
    summary="Trình cấp trên",
    description="Gửi các đề nghị đã chọn lên cấp trên: bộ hồ sơ được lập và lưu, mỗi đề nghị chuyển sang “đã trình "
    "cấp trên”, hồ sơ không còn chờ quyết định nào ở cơ quan cũng vậy; SHA-256 của bộ hồ sơ ghi vào nhật ký. Tất "
    "cả hoặc không: 422 liệt kê mọi đề nghị không thể trình và lý do, không ghi gì.",
)
@blp.problems(401, 403, 409)
@api_permission_required(can_forward)
@blp.arguments(ForwardRequestSchema)
@blp.response(201, SentSchema)
def forward(body: dict):
    nominations = _chosen(body["nomination_ids"])
    package = forwarding.forward_to_province(
        db.session, nominations, actor=current_actor(), upload_dir=_upload_dir(), field="nomination_ids"
    )
    db.session.commit()
    location = url_for(".sent_package", nomination_id=nominations[0].id)
    return {"package": package, "nominations": nominations}, {"Location": location}


@blp.route(f"/nominations/<{ID}:nomination_id>/package.zip", methods=["GET"])
@blp.doc(
    summary="Bộ hồ sơ đã gửi",
    description="Tệp ZIP đúng như đã gửi lên cùng đề nghị này (SHA-256 khớp với nhật ký). 404 khi đề nghị chưa "
    "được trình.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_forward, load=load_nomination)
@blp.response(200, content_type="application/zip", description="Tệp ZIP.")
def sent_package(nomination_id: int):
    kept = forwarding.sent_package(db.session, load_nomination(nomination_id), upload_dir=_upload_dir())
    if kept is None:
        abort(404)
    return _attachment(kept.content, "application/zip", kept.filename)


@blp.route(f"/nominations/<{ID}:nomination_id>/answer", methods=["POST"])
@blp.doc(
    summary="Ghi kết quả của cấp trên",
    description="Cho một đề nghị đã trình: `awarded` ghi vào sổ khen thưởng với số, ngày quyết định của cấp trên "
    "(tiền thưởng theo lương cơ sở ngày đó); `declined` ghi nhóm lý do (`reason`). Hồ sơ kết thúc khi mọi đề nghị "
    "đã có kết quả. 409: đề nghị chưa được trình hoặc đã có kết quả, hay đã bị người khác thay đổi (`version`).",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_forward, load=load_nomination)
@blp.arguments(AnswerRequestSchema)
@blp.response(200, CaseSchema)
def record_answer(body: dict, nomination_id: int):
    nomination = load_nomination(nomination_id)
    version = body.pop("version")
    forwarding.record_province_answer(db.session, nomination, actor=current_actor(), expected_version=version, **body)
    db.session.commit()
    return nomination
