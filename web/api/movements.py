"""Movement endpoints (phong trào thi đua): the launch plan, launching and closing, the units' yearly registrations
and reports, inspections and the interim/final review. Each view parses with a schema, calls one service of
workflow/movements/, commits once and dumps; the services' refusals become problem documents in web/errors.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, url_for
from sqlalchemy import select

from models import Inspection, Movement, MovementYear, UnitReport, db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.movement_schemas import (
    AnswerInSchema,
    CloseSchema,
    InspectionInSchema,
    InspectionSchema,
    LaunchSchema,
    MovementPageSchema,
    MovementPlanSchema,
    MovementQuerySchema,
    MovementSchema,
    MovementUpdateSchema,
    MovementYearSchema,
    PlanUploadSchema,
    RegistrationInSchema,
    RegistrationListSchema,
    RegistrationSchema,
    RemindedSchema,
    ReportReturnSchema,
    ReportReviewSchema,
    ReportSubmitSchema,
    ReviewQuerySchema,
    ReviewSchema,
    UnitReportListSchema,
    UnitReportSchema,
    YearDatesInSchema,
    YearQuerySchema,
)
from web.messages import translate
from web.pagination import paginate
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.machines import MOVEMENT, UNIT_REPORT
from workflow.core.today import local_today
from workflow.movements import inspections, plans, registrations, reports
from workflow.movements import review as reviews
from workflow.movements.contents import content_items
from workflow.permissions import (
    can_answer_inspection,
    can_follow_registrations,
    can_manage_movement,
    can_record_inspection,
    can_register_for_movement,
    can_review_unit_report,
    can_submit_unit_report,
    can_view_inspections,
    can_view_movement,
    can_view_movement_review,
    can_view_movements,
)

blp = ApiBlueprint(
    "api_movements",
    __name__,
    url_prefix="/api/v1/movements",
    description="Phong trào thi đua: kế hoạch phát động, phát động và kết thúc, đăng ký thi đua và báo cáo năm của "
    "đơn vị, kiểm tra, sơ kết và tổng kết.",
)


def load_movement(movement_id: int, **_) -> Movement:
    return db.get_or_404(Movement, movement_id)


def load_report(movement_id: int, report_id: int, **_) -> UnitReport:
    """A unit report through its movement's URL: 404 when it belongs to another movement."""
    report = db.get_or_404(UnitReport, report_id)
    if report.movement_id != movement_id:
        abort(404)
    return report


def load_inspection(movement_id: int, inspection_id: int, **_) -> Inspection:
    inspection = db.get_or_404(Inspection, inspection_id)
    if inspection.movement_id != movement_id:
        abort(404)
    return inspection


def follows_or_registers(user, movement) -> bool:
    """The office sees every unit's registrations and reports, a unit of the authority its own (the services narrow
    the rows)."""
    return can_follow_registrations(user, movement) or can_register_for_movement(user, movement)


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


# --- the movement and its plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovementDetail:
    """A movement with its plan's sections as the API shows them and what the caller may do now."""

    movement: Movement
    contents: list[dict]
    clusters: list[dict]
    years: list[MovementYear]
    available_triggers: list[str]

    def __getattr__(self, name: str):
        return getattr(self.movement, name)


def detail(movement: Movement) -> MovementDetail:
    stored = {item["key"]: item for item in movement.contents or [] if isinstance(item, dict) and "key" in item}
    contents = [
        {"key": item.key, "number": number, "title": item.text, "targets": stored.get(item.key, {}).get("targets", [])}
        for number, item in enumerate(content_items(movement), start=1)
    ]
    names = dict(plans.cluster_units(db.session, movement))
    clusters = [{**cluster, "units": names.get(cluster["name"], [])} for cluster in movement.clusters or []]
    years = db.session.scalars(
        select(MovementYear).where(MovementYear.movement_id == movement.id).order_by(MovementYear.year)
    ).all()
    return MovementDetail(
        movement, contents, clusters, list(years), available_triggers(MOVEMENT, movement, current_actor())
    )


def _plan(data: dict) -> plans.Plan:
    return plans.Plan(**{key: value for key, value in data.items() if key != "version"})


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Danh sách phong trào",
    description="Phong trào của cơ quan người gọi (quản trị viên: mọi cơ quan), mới nhất trước; lọc theo trạng "
    "thái và năm diễn ra. Phân trang bằng `page`, `per_page` (tối đa 100).",
)
@blp.problems(401, 403)
@api_permission_required(can_view_movements)
@blp.arguments(MovementQuerySchema, location="query")
@blp.response(200, MovementPageSchema)
def list_movements(query: dict):
    found = plans.visible_movements(current_actor(), state=query.get("state"), year=query.get("year"))
    page = paginate(db.session, found, per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("", methods=["POST"])
@blp.doc(
    summary="Soạn kế hoạch phát động (dự thảo)",
    description="Phòng Nội vụ soạn dự thảo phong trào của cơ quan mình. 422 kèm `errors` theo tên trường: mọi lỗi "
    "một lần (tên trùng, thời gian ngược, nội dung không tên, đơn vị không thuộc cơ quan…).",
)
@blp.problems(401, 403)
@api_permission_required(can_manage_movement)
@blp.arguments(MovementPlanSchema)
@blp.response(201, MovementSchema)
def create_movement(data: dict):
    movement = plans.create_movement(db.session, actor=current_actor(), plan=_plan(data))
    db.session.commit()
    return detail(movement), {"Location": url_for(".get_movement", movement_id=movement.id)}


@blp.route(f"/<{ID}:movement_id>", methods=["GET"])
@blp.doc(summary="Xem phong trào", description="Kế hoạch đủ các phần, trạng thái, phiên bản, hạn từng năm.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_movement, load=load_movement)
@blp.response(200, MovementSchema)
def get_movement(movement_id: int):
    return detail(load_movement(movement_id))


@blp.route(f"/<{ID}:movement_id>", methods=["PUT"])
@blp.doc(
    summary="Sửa kế hoạch (dự thảo)",
    description="Thay toàn bộ kế hoạch; chỉ khi chưa phát động (đã phát động: 422). Nội dung giữ `key` khi giữ "
    "tên. 409: kế hoạch đã bị người khác sửa (`version` cũ).",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_manage_movement, load=load_movement)
@blp.arguments(MovementUpdateSchema)
@blp.response(200, MovementSchema)
def update_movement(data: dict, movement_id: int):
    movement = load_movement(movement_id)
    plans.update_movement(db.session, movement, actor=current_actor(), plan=_plan(data), version=data["version"])
    db.session.commit()
    return detail(movement)


def _fire(movement_id: int, trigger: str, body: dict) -> MovementDetail:
    movement = load_movement(movement_id)
    perform(
        db.session,
        Action(MOVEMENT, movement, trigger),
        actor=current_actor(),
        version=body["version"],
        inputs={"comment": body.get("comment", "")},
    )
    db.session.commit()
    return detail(movement)


@blp.route(f"/<{ID}:movement_id>/launch", methods=["POST"])
@blp.doc(
    summary="Phát động phong trào",
    description="Mọi đơn vị của cơ quan được báo. 422 `failures`: kế hoạch chưa đủ (thời gian, nội dung có chỉ "
    "tiêu); 409: không ở trạng thái dự thảo, hoặc `version` cũ.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_manage_movement, load=load_movement)
@blp.arguments(LaunchSchema)
@blp.response(200, MovementSchema)
def launch(body: dict, movement_id: int):
    return _fire(movement_id, "launch", body)


@blp.route(f"/<{ID}:movement_id>/close", methods=["POST"])
@blp.doc(
    summary="Kết thúc phong trào",
    description="Sau tổng kết; đăng ký và báo cáo vẫn đọc được. 409: chưa phát động hoặc đã kết thúc, hoặc "
    "`version` cũ.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_manage_movement, load=load_movement)
@blp.arguments(CloseSchema)
@blp.response(200, MovementSchema)
def close(body: dict, movement_id: int):
    return _fire(movement_id, "close", body)


# --- registrations -------------------------------------------------------------------------------------------


@blp.route(f"/<{ID}:movement_id>/registrations", methods=["GET"])
@blp.doc(
    summary="Đăng ký thi đua của một năm",
    description="Phòng Nội vụ thấy mọi đơn vị và `not_registered` (đơn vị chưa đăng ký); đơn vị chỉ thấy mình.",
)
@blp.problems(401, 403, 404)
@api_permission_required(follows_or_registers, load=load_movement)
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, RegistrationListSchema)
def list_registrations(query: dict, movement_id: int):
    movement, year = load_movement(movement_id), query["year"]
    rows, missing = registrations.registrations_for(db.session, movement, year, actor=current_actor())
    due = registrations.movement_year(db.session, movement, year)
    return {
        "year": year,
        "registration_due": due.registration_due if due else None,
        "items": rows,
        "not_registered": missing,
    }


@blp.route(f"/<{ID}:movement_id>/registrations/<int(min=1945,max=2200):year>", methods=["PUT"])
@blp.doc(
    summary="Đăng ký (hoặc sửa đăng ký) của đơn vị người gọi",
    description="Cán bộ hoặc thủ trưởng đơn vị thuộc cơ quan phát động. Thay toàn bộ các trường; tệp kế hoạch "
    "giữ nguyên (gửi riêng ở `…/plan`). 422 `errors.year` khi đã hết hạn đăng ký (nêu ngày hạn) hoặc phong trào "
    "không đang diễn ra; mã danh hiệu, khóa nội dung sai: theo tên trường.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_register_for_movement, load=load_movement)
@blp.arguments(RegistrationInSchema)
@blp.response(200, RegistrationSchema)
def put_registration(data: dict, movement_id: int, year: int):
    row = registrations.register(
        db.session,
        load_movement(movement_id),
        registrations.RegistrationInput(year=year, **data),
        actor=current_actor(),
        today=local_today(),
    )
    db.session.commit()
    return row


@blp.route(f"/<{ID}:movement_id>/registrations/<int(min=1945,max=2200):year>/plan", methods=["PUT"])
@blp.doc(
    summary="Tải lên kế hoạch của đơn vị",
    description="multipart/form-data: `file`. Gắn vào đăng ký của đơn vị người gọi (tạo đăng ký khi chưa có); "
    "cùng hạn và điều kiện như đăng ký. Tệp được kiểm tra theo nội dung, không theo tên.",
)
@blp.problems(401, 403, 404, 413)
@api_permission_required(can_register_for_movement, load=load_movement)
@blp.arguments(PlanUploadSchema, location="form_and_files")
@blp.response(200, RegistrationSchema)
def put_registration_plan(form: dict, movement_id: int, year: int):
    upload = registrations.Upload(form["file"].stream, form["file"].filename or "")
    row = registrations.attach_plan(
        db.session,
        load_movement(movement_id),
        year,
        upload,
        actor=current_actor(),
        today=local_today(),
        upload_dir=_upload_dir(),
    )
    db.session.commit()
    return row


@blp.route(f"/<{ID}:movement_id>/years/<int(min=1945,max=2200):year>", methods=["PUT"])
@blp.doc(
    summary="Đặt hạn đăng ký và hạn báo cáo của một năm",
    description="Phòng Nội vụ đặt hạn của năm cho phong trào đã phát động; đặt hạn báo cáo thì mọi đơn vị của cơ "
    "quan phải nộp báo cáo năm đó (báo cáo chưa nộp nhận hạn mới).",
)
@blp.problems(401, 403, 404, 422)
@api_permission_required(can_follow_registrations, load=load_movement)
@blp.arguments(YearDatesInSchema)
@blp.response(200, MovementYearSchema)
def set_year(data: dict, movement_id: int, year: int):
    row = registrations.set_year(db.session, load_movement(movement_id), year, actor=current_actor(), **data)
    db.session.commit()
    return row


@blp.route(f"/<{ID}:movement_id>/registrations/<int(min=1945,max=2200):year>/remind", methods=["POST"])
@blp.doc(
    summary="Nhắc các đơn vị chưa đăng ký",
    description="Phòng Nội vụ gửi thư nhắc (qua hàng đợi) cho cán bộ, thủ trưởng mỗi đơn vị chưa đăng ký năm đó; "
    "đơn vị đã được nhắc hôm nay không được nhắc lại.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_follow_registrations, load=load_movement)
@blp.response(200, RemindedSchema)
def remind(movement_id: int, year: int):
    movement = load_movement(movement_id)
    reminded = registrations.remind(db.session, movement, year, actor=current_actor(), today=local_today())
    db.session.commit()
    return {"reminded": reminded}


# --- yearly unit reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    report: UnitReport
    overdue_days: int
    available_triggers: list[str]

    def __getattr__(self, name: str):
        return getattr(self.report, name)


def report_row(report: UnitReport) -> ReportRow:
    return ReportRow(
        report,
        reports.overdue_days(db.session, report, local_today()),
        available_triggers(UNIT_REPORT, report, current_actor()),
    )


@blp.route(f"/<{ID}:movement_id>/reports", methods=["GET"])
@blp.doc(
    summary="Báo cáo năm của các đơn vị",
    description="Trạng thái, hạn nộp, số ngày làm việc quá hạn (trừ ngày nghỉ). Phòng Nội vụ thấy mọi đơn vị, đơn "
    "vị chỉ thấy báo cáo của mình.",
)
@blp.problems(401, 403, 404)
@api_permission_required(follows_or_registers, load=load_movement)
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, UnitReportListSchema)
def list_reports(query: dict, movement_id: int):
    movement, year = load_movement(movement_id), query["year"]
    found = reports.reports_for(db.session, movement, year, actor=current_actor())
    due = registrations.movement_year(db.session, movement, year)
    return {"year": year, "report_due": due.report_due if due else None, "items": [report_row(r) for r in found]}


@blp.route(f"/<{ID}:movement_id>/reports/<{ID}:report_id>/submit", methods=["POST"])
@blp.doc(
    summary="Nộp báo cáo năm",
    description="multipart/form-data: `version`, `summary`, `figures` (văn bản JSON: khóa nội dung → kết quả) và "
    "`file` (văn bản báo cáo; khi nộp lại có thể bỏ trống để giữ bản cũ). 409: báo cáo đã nộp/đã xem xét, hoặc "
    "`version` cũ; 422: khóa nội dung sai, thiếu văn bản.",
)
@blp.problems(401, 403, 404, 409, 413)
@api_permission_required(can_submit_unit_report, load=load_report)
@blp.arguments(ReportSubmitSchema, location="form_and_files")
@blp.response(200, UnitReportSchema)
def submit_report(form: dict, movement_id: int, report_id: int):
    report = load_report(movement_id, report_id)
    file = form.get("file")
    reports.submit(
        db.session,
        report,
        actor=current_actor(),
        version=form["version"],
        summary=form["summary"],
        figures=form["figures"],
        document=registrations.Upload(file.stream, file.filename or "") if file else None,
        upload_dir=_upload_dir(),
    )
    db.session.commit()
    return report_row(report)


@blp.route(f"/<{ID}:movement_id>/reports/<{ID}:report_id>/review", methods=["POST"])
@blp.doc(summary="Xác nhận đã xem xét báo cáo", description="Phòng Nội vụ. 409: báo cáo chưa nộp, hoặc `version` cũ.")
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_review_unit_report, load=load_report)
@blp.arguments(ReportReviewSchema)
@blp.response(200, UnitReportSchema)
def review_report(body: dict, movement_id: int, report_id: int):
    report = load_report(movement_id, report_id)
    reports.review(db.session, report, actor=current_actor(), version=body["version"])
    db.session.commit()
    return report_row(report)


@blp.route(f"/<{ID}:movement_id>/reports/<{ID}:report_id>/return", methods=["POST"])
@blp.doc(
    summary="Trả lại báo cáo để bổ sung",
    description="Phòng Nội vụ, với lý do (`comment`, bắt buộc). 409: báo cáo chưa nộp, hoặc `version` cũ.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_review_unit_report, load=load_report)
@blp.arguments(ReportReturnSchema)
@blp.response(200, UnitReportSchema)
def return_report(body: dict, movement_id: int, report_id: int):
    report = load_report(movement_id, report_id)
    reports.return_report(db.session, report, actor=current_actor(), version=body["version"], comment=body["comment"])
    db.session.commit()
    return report_row(report)


# --- inspections ------------------------------------------------------------------------------------------------


@blp.route(f"/<{ID}:movement_id>/inspections", methods=["GET"])
@blp.doc(
    summary="Các đợt kiểm tra",
    description="Mới nhất trước. Phòng Nội vụ, Thư ký, Chủ tịch, ủy viên Hội đồng thấy mọi đơn vị; đơn vị chỉ "
    "thấy đợt kiểm tra mình.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_inspections, load=load_movement)
@blp.response(200, InspectionSchema(many=True))
def list_inspections(movement_id: int):
    return inspections.inspections(db.session, load_movement(movement_id), current_actor())


@blp.route(f"/<{ID}:movement_id>/inspections", methods=["POST"])
@blp.doc(
    summary="Ghi kết quả kiểm tra",
    description="Ủy viên Hội đồng của cơ quan phát động; người ghi luôn là một thành viên đoàn. 422 theo tên "
    "trường: đơn vị không thuộc cơ quan, ngày kiểm tra ngoài thời gian phong trào hoặc sau hôm nay, thành viên "
    "không phải ủy viên, hạn khắc phục trước ngày kiểm tra.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_record_inspection, load=load_movement)
@blp.arguments(InspectionInSchema)
@blp.response(201, InspectionSchema)
def record_inspection(data: dict, movement_id: int):
    follow_ups = [inspections.FollowUp(f["item"], f["due_on"]) for f in data.pop("follow_ups")]
    inspection = inspections.record_inspection(
        db.session, load_movement(movement_id), actor=current_actor(), follow_ups=follow_ups, **data
    )
    db.session.commit()
    return inspection


@blp.route(f"/<{ID}:movement_id>/inspections/<{ID}:inspection_id>/answer", methods=["POST"])
@blp.doc(
    summary="Đơn vị trả lời kết quả kiểm tra",
    description="Cán bộ hoặc thủ trưởng đơn vị được kiểm tra, một lần (đã trả lời: 403).",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_answer_inspection, load=load_inspection)
@blp.arguments(AnswerInSchema)
@blp.response(200, InspectionSchema)
def answer_inspection(data: dict, movement_id: int, inspection_id: int):
    inspection = load_inspection(movement_id, inspection_id)
    inspections.answer_inspection(db.session, inspection, actor=current_actor(), answer=data["answer"])
    db.session.commit()
    return inspection


# --- review ----------------------------------------------------------------------------------------------------


@blp.route(f"/<{ID}:movement_id>/review", methods=["GET"])
@blp.doc(
    summary="Sơ kết, tổng kết phong trào",
    description="Cùng số liệu với trang và tệp Excel: mỗi năm đến `up_to`, mỗi đơn vị: đăng ký, báo cáo đã nộp, "
    "đã xem xét, trễ hạn, lượt kiểm tra, hồ sơ đề nghị, khen thưởng; tổng cộng và khen thưởng theo danh hiệu. "
    "`final`: năm cuối của phong trào (tổng kết).",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_movement_review, load=load_movement)
@blp.arguments(ReviewQuerySchema, location="query")
@blp.response(200, ReviewSchema)
def get_review(query: dict, movement_id: int):
    movement = load_movement(movement_id)
    years = reviews.review_years(movement)
    up_to = query.get("up_to") or min(local_today().year, years.stop - 1)
    result = reviews.checked_review(db.session, movement, current_actor(), up_to, query.get("year"))
    return {
        "title": translate(reviews.title_of(result)),
        "final": result.final,
        "up_to_year": result.up_to_year,
        "years": result.years(),
        "rows": result.rows,
        "totals": result.totals,
        "awards_by_title": [{"title": translate(title), "count": n} for title, n in result.awards_by_title],
        "round_opened": reviews.round_opened(db.session, movement),
    }
