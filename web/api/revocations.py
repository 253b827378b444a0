"""Revocation endpoints (thu hồi khen thưởng, docs/DOMAIN.md §5): the office proposes revoking an award, the
chairman signs the numbered revocation decision, and both list the authority's revocations. Each view calls one
service of workflow/decisions/revocation.py and commits once."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields

from models import Decision, db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import InputSchema, Integer, Text, an_id, max_length, one_of
from workflow.decisions import revocation
from workflow.permissions import can_decide, can_list_revocations, can_propose_revocation

blp = ApiBlueprint(
    "api_revocations",
    __name__,
    url_prefix="/api/v1/revocations",
    description="Thu hồi khen thưởng: đề nghị của Phòng Nội vụ, quyết định thu hồi do Chủ tịch ký.",
)


def load_decision(decision_id: int, **_) -> Decision:
    return db.get_or_404(Decision, decision_id)


class RecoverySchema(Schema):
    amount_vnd = fields.Integer(metadata={"description": "Tiền thưởng đã chi, phải thu hồi (đồng)."})
    items = fields.List(fields.String(), metadata={"description": "Hiện vật phải thu hồi (giấy khen, bằng …)."})


class RevocationSchema(Schema):
    id = fields.Integer()
    state = fields.String()
    version = fields.Integer()
    number = fields.String(allow_none=True, metadata={"description": "Số quyết định thu hồi, khi đã ký."})
    signed_on = fields.Date(allow_none=True)
    summary = fields.String()
    registry_entry_id = fields.Integer()
    nomination_id = fields.Integer()
    awardee = fields.String()
    title = fields.String()
    year = fields.Integer()
    revokes_number = fields.String(metadata={"description": "Số quyết định khen thưởng bị thu hồi."})
    reason_category = fields.String()
    reason = fields.String()
    recovery = fields.Nested(RecoverySchema)


class RevocationListSchema(Schema):
    items = fields.List(fields.Nested(RevocationSchema))


class ProposalSchema(InputSchema):
    registry_entry_id = Integer(required=True, validate=an_id())
    reason_category = Text(required=True, validate=one_of(revocation.REASONS))
    comment = Text(required=True, validate=max_length(revocation.COMMENT_MAX))


class SignSchema(InputSchema):
    capacity = Text(load_default="chairman", validate=one_of(("chairman", "deputy")))
    version = Integer(
        load_default=None, allow_none=True, metadata={"description": "Phiên bản người gọi đã thấy; khác → 409."}
    )


SHOWN = (
    "registry_entry_id", "nomination_id", "awardee", "title", "year", "revokes_number", "reason_category", "reason",
)  # fmt: skip


def _detail(decision: Decision) -> dict:
    content = decision.content
    return {
        "id": decision.id,
        "state": decision.state,
        "version": decision.version,
        "number": decision.number_text,
        "signed_on": decision.signed_on,
        "summary": decision.summary,
        **{key: content[key] for key in SHOWN},
        "recovery": {"amount_vnd": content["recover_amount_vnd"], "items": content["recover_items"]},
    }


@blp.route("", methods=["GET"])
@blp.doc(summary="Danh sách thu hồi khen thưởng", description="Các quyết định thu hồi của cơ quan người gọi.")
@blp.problems(401, 403)
@api_permission_required(can_list_revocations)
@blp.response(200, RevocationListSchema)
def list_revocations():
    decisions = revocation.revocations(db.session, current_actor().unit.authority)
    return {"items": [_detail(d) for d in decisions]}


@blp.route("", methods=["POST"])
@blp.doc(
    summary="Đề nghị thu hồi khen thưởng",
    description="Phòng Nội vụ đề nghị thu hồi một khen thưởng trong Sổ theo dõi do quyết định đã ký của cơ quan mình "
    "trao; đề nghị được trình Chủ tịch ký ngay. 422: căn cứ, lý do không hợp lệ, hoặc khen thưởng không thể thu hồi.",
)
@blp.problems(401, 403)
@api_permission_required(can_propose_revocation)
@blp.arguments(ProposalSchema)
@blp.response(201, RevocationSchema)
def propose(body: dict):
    decision = revocation.propose_by_id(db.session, actor=current_actor(), **body)
    db.session.commit()
    return _detail(decision), {"Location": url_for(".list_revocations")}


@blp.route(f"/<{ID}:decision_id>/sign", methods=["POST"])
@blp.doc(
    summary="Ký quyết định thu hồi",
    description="Chủ tịch ký: quyết định lấy số tiếp theo trong sổ của cơ quan, khen thưởng bị gạch trong Sổ theo dõi, "
    "đề nghị chuyển sang “đã hủy khen thưởng” và đơn vị được thông báo. 409: đã ký hoặc đã bị người khác thay đổi.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_decide, load=load_decision)
@blp.arguments(SignSchema)
@blp.response(200, RevocationSchema)
def sign(body: dict, decision_id: int):
    decision = load_decision(decision_id)
    revocation.sign_revocation(db.session, decision, actor=current_actor(), **body)
    db.session.commit()
    return _detail(decision)
