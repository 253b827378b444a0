"""Dashboard endpoints (bảng theo dõi): the secretary's figures and the "with whom" board as JSON, with the page's
filters (workflow/reporting/dashboard.py and holders.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import db
from models.dossier import DossierState, NominationState
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import MAX_ID, ApiBlueprint
from web.api.schemas import InputSchema, Integer, Text, in_range, one_of
from web.downloads import XLSX, xlsx_download
from workflow.core.today import local_today
from workflow.dossiers.editing import UNIT_PROCEDURES
from workflow.permissions import can_view_dashboard
from workflow.reporting import dashboard as figures
from workflow.reporting import holders_export
from workflow.reporting.holders import HOLDERS

blp = ApiBlueprint(
    "api_dashboard",
    __name__,
    url_prefix="/api/v1/dashboard",
    description="Bảng theo dõi của Thư ký Hội đồng và Phòng Nội vụ: số hồ sơ theo trạng thái, quá hạn, kết quả, "
    "thời gian ở mỗi bước, theo đơn vị, năm nay so với năm trước; và hồ sơ đang ở đâu, ai giữ, còn bao nhiêu ngày. "
    "Cơ quan của người gọi; quản trị viên: mọi cơ quan.",
)
STATES = {"enum": list(DossierState.ALL)}


class DashboardQuerySchema(InputSchema):
    year = Integer(strict=False, validate=in_range(1945, 2200), metadata={"description": "Năm thành tích."})
    movement = Integer(strict=False, validate=in_range(1, MAX_ID), metadata={"description": "Mã phong trào."})
    unit = Integer(strict=False, validate=in_range(1, MAX_ID), metadata={"description": "Mã đơn vị."})
    procedure = Text(validate=one_of(UNIT_PROCEDURES))


class BoardQuerySchema(DashboardQuerySchema):
    limit = Integer(strict=False, validate=in_range(1, 1000), metadata={"description": "Chỉ lấy N hồ sơ đầu."})


class StageTimeSchema(Schema):
    state = fields.String(metadata=STATES)
    average = fields.Float(allow_none=True, metadata={"description": "Ngày làm việc trung bình; null: chưa có."})
    stays = fields.Integer(metadata={"description": "Số lượt hồ sơ đã qua bước này."})


class MonthTimeSchema(Schema):
    month = fields.String(metadata={"example": "2025-06"})
    stages = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    total = fields.Float(metadata={"description": "Tổng các bước tính thời hạn (ngày làm việc)."})
    legal_limit = fields.Float(allow_none=True, metadata={"description": "Thời hạn theo quy định (ngày làm việc)."})


class PipelineSchema(Schema):
    unit_id = fields.Integer()
    unit_name = fields.String()
    dossiers = fields.Dict(keys=fields.String(), values=fields.Integer())
    nominations = fields.Dict(keys=fields.String(), values=fields.Integer())
    returns = fields.Integer(metadata={"description": "Số lần trả lại bổ sung."})
    stage_days = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))


class YearRowSchema(Schema):
    key = fields.String(metadata={"description": "dossiers, nominations, returned, hoặc một kết quả."})
    this_year = fields.Integer()
    last_year = fields.Integer()


class TitleCountSchema(Schema):
    title_code = fields.Function(lambda row: row[0])
    year = fields.Function(lambda row: row[1])
    count = fields.Function(lambda row: row[2])


class DashboardSchema(Schema):
    today = fields.Date()
    by_state = fields.Dict(keys=fields.String(metadata=STATES), values=fields.Integer())
    total = fields.Integer()
    running = fields.Integer(metadata={"description": "Hồ sơ đang giải quyết (chưa kết thúc)."})
    overdue = fields.Integer()
    due_soon = fields.Integer(metadata={"description": "Đến hạn trong 3 ngày làm việc."})
    nominations_by_title = fields.List(fields.Nested(TitleCountSchema))
    outcomes = fields.Dict(keys=fields.String(metadata={"enum": list(NominationState.FINAL)}), values=fields.Integer())
    stage_times = fields.List(fields.Nested(StageTimeSchema))
    months = fields.List(fields.Nested(MonthTimeSchema))
    pipeline = fields.List(fields.Nested(PipelineSchema))
    year = fields.Integer()
    compare = fields.List(fields.Nested(YearRowSchema))


class HolderRowSchema(Schema):
    dossier_id = fields.Integer()
    code = fields.String(metadata={"example": "HS-2024-00003"})
    title = fields.String()
    unit_id = fields.Integer()
    unit_name = fields.String()
    state = fields.String(metadata=STATES)
    holder = fields.String(metadata={"enum": list(HOLDERS)})
    holder_name = fields.String()
    since = fields.Date(metadata={"description": "Ngày hồ sơ chuyển sang trạng thái hiện tại."})
    working_days_waiting = fields.Integer()
    due_on = fields.Date(allow_none=True)
    days_left = fields.Integer(
        allow_none=True, metadata={"description": "Ngày làm việc đến hạn; âm: quá hạn bấy nhiêu ngày."}
    )
    clock_paused = fields.Boolean(metadata={"description": "Thời hạn tạm dừng vì hồ sơ đang trả lại đơn vị."})
    overdue = fields.Boolean()
    due_soon = fields.Boolean()


def _filters(query: dict) -> figures.Filters:
    return figures.Filters(query.get("year"), query.get("movement"), query.get("unit"), query.get("procedure"))


@blp.route("", methods=["GET"])
@blp.doc(summary="Số liệu bảng theo dõi", description="Cùng các bộ lọc như trang /dashboard.")
@blp.problems(401, 403, 422)
@api_permission_required(can_view_dashboard)
@blp.arguments(DashboardQuerySchema, location="query")
@blp.response(200, DashboardSchema)
def get_dashboard(query: dict):
    return figures.dashboard(db.session, current_actor(), _filters(query), local_today())


@blp.route("/holders", methods=["GET"])
@blp.doc(
    summary="Hồ sơ đang ở đâu, ai giữ",
    description="Mọi hồ sơ đang giải quyết: người đang giữ, từ ngày nào, số ngày làm việc đã chờ, số ngày làm "
    "việc còn lại đến hạn (âm: quá hạn); quá hạn xếp trước.",
)
@blp.problems(401, 403, 422)
@api_permission_required(can_view_dashboard)
@blp.arguments(BoardQuerySchema, location="query")
@blp.response(200, HolderRowSchema(many=True))
def get_holders(query: dict):
    return figures.holders(db.session, current_actor(), _filters(query), local_today(), limit=query.get("limit"))


@blp.route("/holders.xlsx", methods=["GET"])
@blp.doc(summary="Hồ sơ đang ở đâu, ai giữ (Excel)", description="Cả bảng theo các bộ lọc, quá hạn xếp trước.")
@blp.problems(401, 403, 422)
@api_permission_required(can_view_dashboard)
@blp.arguments(BoardQuerySchema, location="query")
@blp.response(200, content_type=XLSX, description="Tệp .xlsx.")
def holders_xlsx(query: dict):
    today = local_today()
    rows = figures.holders(db.session, current_actor(), _filters(query), today, limit=query.get("limit"))
    return xlsx_download(
        holders_export.build_holders_xlsx(rows, current_actor(), today), holders_export.file_name(today)
    )
