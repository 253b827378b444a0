"""Background jobs of the token's user: the list, one job's state and progress, and its result file. Jobs are
started by the pages that hand a long action over (the Excel imports); a caller polls `GET /jobs/<id>` until its
state is `done` or `failed`."""

from __future__ import annotations

from marshmallow import Schema, fields
from sqlalchemy import select

from models import Job, db
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.registry import RowErrorSchema
from web.blueprints.jobs import result_file
from web.messages import translate
from workflow import jobs
from workflow.permissions import can_view_home, can_view_job

blp = ApiBlueprint(
    "api_jobs",
    __name__,
    url_prefix="/api/v1/jobs",
    description="Công việc chạy nền của người gọi (nhập tệp Excel, lập tệp): trạng thái, tiến độ, tệp kết quả.",
)
SHOWN = 100


def load_job(job_id: int, **_) -> Job:
    return db.get_or_404(Job, job_id)


class JobSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "registry_import, initiative_import, nominee_import …"})
    state = fields.String(metadata={"description": "queued → running → done | failed"})
    done = fields.Integer(metadata={"description": "Số bước (dòng) đã làm."})
    total = fields.Integer(metadata={"description": "Tổng số bước; 0 khi chưa biết."})
    percent = fields.Integer()
    messages = fields.List(fields.String(), metadata={"description": "Kết quả, hoặc lý do không thực hiện được."})
    row_errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "Các dòng sai của tệp nhập."})
    file_name = fields.String(allow_none=True, metadata={"description": "Tên tệp kết quả, khi có."})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class JobListSchema(Schema):
    items = fields.List(fields.Nested(JobSchema))


def _detail(job: Job) -> dict:
    report = jobs.kinds.import_report(job)
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "messages": [translate(m) for m in jobs.reason(job)],
        "row_errors": [{**vars(e), "reason": translate(e.reason)} for e in report.errors] if report else [],
        "file_name": job.result_name,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@blp.route("", methods=["GET"])
@blp.doc(summary="Công việc của tôi", description="100 công việc gần nhất của người gọi, mới nhất trước.")
@blp.problems(401, 403)
@api_permission_required(can_view_home)
@blp.response(200, JobListSchema)
def list_jobs():
    mine = db.session.scalars(
        select(Job).where(Job.owner_id == current_actor().id).order_by(Job.id.desc()).limit(SHOWN)
    )
    return {"items": [_detail(job) for job in mine]}


@blp.route(f"/<{ID}:job_id>", methods=["GET"])
@blp.doc(summary="Một công việc", description="Trạng thái và tiến độ; gọi lại sau 1–2 giây khi còn queued/running.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_job, load=load_job)
@blp.response(200, JobSchema)
def get_job(job_id: int):
    return _detail(load_job(job_id))


@blp.route(f"/<{ID}:job_id>/file", methods=["GET"])
@blp.doc(summary="Tải tệp kết quả", description="404 khi công việc chưa xong hoặc không tạo tệp.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_job, load=load_job)
@blp.response(200, content_type="application/octet-stream", description="Tệp kết quả.")
def job_file(job_id: int):
    return result_file(load_job(job_id))
