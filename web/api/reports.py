"""Report endpoints (báo cáo thống kê): each report's figures as JSON, and as the Excel and PDF files the pages
download. The office, the secretary and the chairman report on their authority, the administrator on every one.
Each view builds its filters and calls one function of workflow/reporting/."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ApiBlueprint
from web.api.schemas import InputSchema, Integer, Text, an_id, in_range, max_length
from web.downloads import XLSX, file_download
from web.messages import translate
from workflow.core.today import local_today
from workflow.permissions import can_view_reports
from workflow.reporting import report_pdf, report_xlsx
from workflow.reporting.reports import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    ReportFilters,
    build_report,
    file_name,
    report_filters,
)

blp = ApiBlueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Báo cáo thống kê: `statistics` (đề nghị theo đơn vị, danh hiệu và kết quả, theo năm thành tích), "
    "`money` (tiền thưởng theo năm quyết định và danh hiệu), `timeliness` (tỷ lệ hồ sơ giải quyết đúng hạn, theo "
    "năm tiếp nhận và thủ tục), `annual` (tổng hợp gửi cấp trên: đơn vị, danh hiệu, cá nhân, tập thể, tiền). "
    "Phòng Nội vụ, Thư ký và Chủ tịch xem cơ quan của mình; quản trị hệ thống xem tất cả.",
)
REPORT = f"any({', '.join(KINDS)})"


class ReportQuerySchema(InputSchema):
    year = Integer(
        strict=False,
        validate=in_range(FIRST_YEAR, LAST_YEAR),
        metadata={"description": "Năm của báo cáo (năm thành tích, năm quyết định hoặc năm tiếp nhận tùy báo cáo). "
                  "Bỏ trống: statistics lấy năm trước, annual năm nay, money và timeliness mọi năm."},
    )  # fmt: skip
    unit_id = Integer(strict=False, validate=an_id(), metadata={"description": "Chỉ một đơn vị trong phạm vi."})
    title = Text(validate=max_length(40), metadata={"description": "Mã danh hiệu/hình thức, ví dụ CSTDCS."})


class ColumnSchema(Schema):
    key = fields.String()
    label = fields.Function(lambda c: translate(c.label))
    kind = fields.String(metadata={"description": "text, count, money (đồng) hoặc ratio (tỷ lệ từ 0 đến 1)."})


def _values(row: dict) -> dict:
    return {key: translate(value) if isinstance(value, str) else value for key, value in row.items()}


class ReportSchema(Schema):
    name = fields.String()
    title = fields.Function(lambda r: translate(r.title))
    authority = fields.Function(lambda r: translate(r.authority))
    year = fields.Integer(allow_none=True, metadata={"description": "null: mọi năm."})
    period = fields.Function(lambda r: translate(r.period))
    columns = fields.List(fields.Nested(ColumnSchema))
    rows = fields.Function(lambda r: [_values(row) for row in r.rows], metadata={"description": "Theo `columns`."})
    totals = fields.Function(lambda r: r.totals, metadata={"description": "Tổng các cột số; ratio tính lại."})
    notes = fields.Function(lambda r: [translate(note) for note in r.notes])


def _filters(query: dict) -> ReportFilters:
    return report_filters(
        db.session, current_actor(), as_of=local_today(), year=query.get("year"), unit_id=query.get("unit_id"),
        title_code=(query.get("title") or "").strip() or None,
    )  # fmt: skip


@blp.route(f"/<{REPORT}:report>", methods=["GET"])
@blp.doc(
    summary="Số liệu một báo cáo",
    description="Cột, dòng và dòng tổng của báo cáo. 422 khi đơn vị ngoài phạm vi hoặc danh hiệu không có.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_reports)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportSchema)
def get_report(query: dict, report: str):
    return build_report(db.session, report, _filters(query))


@blp.route(f"/<{REPORT}:report>.xlsx", methods=["GET"])
@blp.doc(
    summary="Báo cáo dạng Excel",
    description="Dòng tiêu đề (cơ quan, báo cáo, năm), tiêu đề cột in đậm cố định, số có dấu phân cách hàng nghìn, "
    "dòng tổng là công thức.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_reports)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, content_type=XLSX, description="Tệp .xlsx.")
def report_xlsx_file(query: dict, report: str):
    filters = _filters(query)
    content = report_xlsx.BUILDERS[report](db.session, filters)
    return file_download(content, XLSX, file_name(report, filters, "xlsx"))


@blp.route(f"/<{REPORT}:report>.pdf", methods=["GET"])
@blp.doc(
    summary="Báo cáo dạng PDF",
    description="Văn bản theo thể thức Nghị định 30/2020, khổ A4 (nằm ngang khi bảng nhiều cột).",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_reports)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, content_type="application/pdf", description="Tệp PDF.")
def report_pdf_file(query: dict, report: str):
    filters = _filters(query)
    content = report_pdf.BUILDERS[report](db.session, filters)
    return file_download(content, "application/pdf", file_name(report, filters, "pdf"))
