"""Background jobs of the signed-in user: the list, one job with its progress bar (polled by htmx while it runs),
and its result file. `start` is how a page hands a long action to a job."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from models import Job, db
from models.jobs import JobState
from web.access import permission_required
from web.params import MAX_ID
from workflow import jobs
from workflow.jobs import kinds, store
from workflow.permissions import can_view_home, can_view_job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
ID = f"int(max={MAX_ID})"
SHOWN = 100

KIND_LABELS = {
    kinds.REGISTRY_IMPORT: _l("Nhập khen thưởng từ Excel vào sổ theo dõi"),
    kinds.INITIATIVE_IMPORT: _l("Nhập sáng kiến từ Excel"),
    kinds.NOMINEE_IMPORT: _l("Nhập danh sách đề nghị từ Excel"),
    kinds.REPORT_EXPORT: _l("Xuất báo cáo thống kê"),
}
STATE_LABELS = {
    JobState.QUEUED: _l("Đang chờ"),
    JobState.RUNNING: _l("Đang chạy"),
    JobState.DONE: _l("Đã xong"),
    JobState.FAILED: _l("Không thực hiện được"),
}


def load_job(job_id: int, **_) -> Job:
    return db.get_or_404(Job, job_id)


def start(kind: str, params: dict):
    """Queue `kind` for the current user, commit (the job starts after the commit) and show its page."""
    job = jobs.submit(db.session, current_user, kind, params)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


def _next_steps(job: Job) -> list[tuple[str, str]]:
    """Where the owner goes from a finished import: what it wrote, or the form again to send a corrected file."""
    done = job.state == JobState.DONE
    if job.state not in JobState.FINISHED:
        return []
    if job.kind == kinds.REGISTRY_IMPORT:
        return [(_l("Mở sổ theo dõi khen thưởng"), url_for("registry.index"))] if done else [_again("registry_import")]
    if job.kind == kinds.INITIATIVE_IMPORT:
        return [(_l("Mở sổ sáng kiến"), url_for("initiatives.index"))] if done else [_again("initiatives_import")]
    if job.kind == kinds.NOMINEE_IMPORT:
        dossier_id = job.params["dossier_id"]
        if done:
            return [(_l("Về hồ sơ"), url_for("dossiers.show", dossier_id=dossier_id, _anchor="nominations"))]
        return [_again("dossier_import", dossier_id=dossier_id)]
    return []


def _again(endpoint: str, **args) -> tuple[str, str]:
    return _l("Tải lại tệp đã sửa"), url_for(f"imports.{endpoint}", **args)


def _context(job: Job) -> dict:
    return {
        "job": job,
        "kind_labels": KIND_LABELS,
        "job_states": STATE_LABELS,
        "reasons": jobs.reason(job),
        "report": kinds.import_report(job),
        "next_steps": _next_steps(job),
    }


@bp.get("")
@permission_required(can_view_home)
def index():
    mine = db.session.scalars(
        select(Job).where(Job.owner_id == current_user.id).order_by(Job.id.desc()).limit(SHOWN)
    ).all()
    return render_template(
        "jobs/index.html", jobs=mine, kind_labels=KIND_LABELS, job_states=STATE_LABELS, reasons=jobs.reason
    )


@bp.get(f"/<{ID}:job_id>")
@permission_required(can_view_job, load=load_job)
def show(job_id: int):
    return render_template("jobs/show.html", **_context(load_job(job_id)))


@bp.get(f"/<{ID}:job_id>/progress")
@permission_required(can_view_job, load=load_job)
def progress(job_id: int):
    """The status block alone, for htmx: it polls again while the job is queued or running."""
    return render_template("jobs/_status.html", **_context(load_job(job_id)))


@bp.get(f"/<{ID}:job_id>/file")
@permission_required(can_view_job, load=load_job)
def download(job_id: int):
    return result_file(load_job(job_id))


def result_file(job: Job):
    """A finished job's file as a download (the page and the API); 404 while there is none."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    if job.result_sha256 is None or not store.path_of(upload_dir, job.result_sha256).is_file():
        abort(404)
    response = send_file(
        store.path_of(upload_dir, job.result_sha256), as_attachment=True, download_name=job.result_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
