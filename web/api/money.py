"""Award money for programs: a nomination's amount and a dossier's total, each with the multiple, the base salary
and the day it came into force, and whether the figure is final (the decision is signed) or an estimate."""

from __future__ import annotations

from dataclasses import asdict

from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import AsOfSchema
from web.loaders import load_dossier, load_nomination
from workflow.core.today import local_today
from workflow.permissions import can_view_dossier
from workflow.rules.money import dossier_amount, nomination_amount

blp = ApiBlueprint(
    "api_money",
    __name__,
    url_prefix="/api/v1",
    description="Tiền thưởng: hệ số × mức lương cơ sở áp dụng, làm tròn lên theo bộ quy định.",
)


class MoneySchema(Schema):
    title_code = fields.String(metadata={"example": "LDTT"})
    rule_set = fields.String(attribute="rule_set_code", allow_none=True, metadata={"example": "2024-2025"})
    on = fields.Date(metadata={"description": "Ngày tính: ngày ký quyết định, hoặc ngày ước tính."})
    estimate = fields.Boolean(metadata={"description": "true: chưa có quyết định ký, đây là số ước tính."})
    multiple = fields.Decimal(as_string=True, allow_none=True, metadata={"example": "0.3"})
    base_salary_vnd = fields.Integer(allow_none=True, metadata={"example": 2340000})
    base_salary_from = fields.Date(allow_none=True, metadata={"description": "Ngày mức lương cơ sở có hiệu lực."})
    base_salary_source = fields.String(allow_none=True)
    amount_vnd = fields.Integer(allow_none=True, metadata={"description": "null: dữ liệu không cho ra số tiền."})
    explanation = fields.String()
    source = fields.String(metadata={"description": "Căn cứ pháp lý của hệ số."})


class NominationMoneySchema(MoneySchema):
    nomination_id = fields.Integer()
    simulation = fields.Boolean(metadata={"description": "true: tính thử theo `as_of`, không phải số chính thức."})


class DossierLineSchema(Schema):
    nomination_id = fields.Function(lambda line: line.nomination.id)
    nominee = fields.Function(lambda line: line.nomination.nominee.full_name)
    money = fields.Nested(MoneySchema)


class DossierMoneySchema(Schema):
    dossier_id = fields.Integer()
    total_vnd = fields.Integer()
    estimate = fields.Boolean()
    simulation = fields.Boolean()
    lines = fields.List(fields.Nested(DossierLineSchema))


@blp.route(f"/nominations/<{ID}:nomination_id>/money", methods=["GET"])
@blp.doc(summary="Tiền thưởng của một đề nghị", description="Hệ số, mức lương cơ sở áp dụng và số tiền.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_nomination)
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, NominationMoneySchema)
def get_nomination_money(query: dict, nomination_id: int):
    day = query.get("as_of") or local_today()
    money = nomination_amount(db.session, load_nomination(nomination_id), on=day)
    return {**asdict(money), "nomination_id": nomination_id, "simulation": "as_of" in query}


@blp.route(f"/dossiers/<{ID}:dossier_id>/money", methods=["GET"])
@blp.doc(
    summary="Tiền thưởng của một hồ sơ",
    description="Từng đề nghị còn có thể được khen (hoặc đã được khen) và tổng số; đề nghị không tính ra được số "
    "tiền có `amount_vnd` null và không cộng vào tổng.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_dossier, load=load_dossier)
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, DossierMoneySchema)
def get_dossier_money(query: dict, dossier_id: int):
    day = query.get("as_of") or local_today()
    money = dossier_amount(db.session, load_dossier(dossier_id), on=day)
    return {
        "dossier_id": dossier_id,
        "total_vnd": money.total_vnd,
        "estimate": money.estimate,
        "simulation": "as_of" in query,
        "lines": money.lines,
    }
