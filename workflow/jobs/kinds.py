"""The kinds of background job the application offers, registered when workflow.jobs is imported.

The three Excel imports run as jobs: the upload is kept by hash under the upload folder and the job reads it, so
the request that sent it returns at once. A refused file keeps its row report on the job, nothing written.

Report exports (Excel or PDF, workflow/reporting/report_xlsx.py and report_pdf.py) run as jobs too: the page starts
one with `report_params` and `web/blueprints/jobs.py::start`, and the file is downloaded from the job's page."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import Dossier
from workflow.core.messages import msg
from workflow.dossiers import nominee_import
from workflow.jobs import store
from workflow.jobs.runner import JobFailed, Outcome, Progress, register
from workflow.registry import award_import, initiative_import
from workflow.registry.xlsx import ImportReport, RowError
from workflow.reporting import report_pdf, report_xlsx
from workflow.reporting.reports import ReportFilters, file_name

REGISTRY_IMPORT = "registry_import"
INITIATIVE_IMPORT = "initiative_import"
NOMINEE_IMPORT = "nominee_import"
IMPORTS = (REGISTRY_IMPORT, INITIATIVE_IMPORT, NOMINEE_IMPORT)
REPORT_EXPORT = "report_export"
EXPORT_BUILDERS = {"xlsx": report_xlsx.BUILDERS, "pdf": report_pdf.BUILDERS}

GONE = msg("Tệp tải lên không còn trên máy chủ; hãy tải lại tệp.")


def import_params(upload_dir, content: bytes, **more: Any) -> dict[str, Any]:
    """An import job's parameters: the uploaded file kept by hash, and what the kind needs besides."""
    return {"upload": store.keep(upload_dir, content), **more}


def _upload(params: dict[str, Any], progress: Progress) -> io.BytesIO:
    content = store.read(progress.upload_dir, str(params.get("upload", "")))
    if content is None:
        raise JobFailed(GONE)
    return io.BytesIO(content)


def _outcome(report: ImportReport) -> Outcome:
    if not report.ok:
        raise JobFailed(
            msg(
                "Tệp có %(bad)s dòng sai nên chưa dòng nào được ghi; sửa các dòng trong bảng dưới đây rồi tải lại tệp.",
                bad=report.bad_rows,
            ),
            {
                "rows_read": report.rows_read,
                "errors": [{**vars(e), "reason": store.dump(e.reason)} for e in report.errors],
            },
        )
    return Outcome(
        msg("Đã đọc %(read)s dòng, đã ghi %(written)s dòng.", read=report.rows_read, written=report.rows_written)
    )


def import_report(job) -> ImportReport | None:
    """A refused import's row report as the import pages show it."""
    if not job.report:
        return None
    errors = [RowError(**{**e, "reason": store.load(e["reason"])}) for e in job.report["errors"]]
    return ImportReport(rows_read=job.report["rows_read"], errors=errors)


def _registry(session: Session, params: dict[str, Any], progress: Progress) -> Outcome:
    stream = _upload(params, progress)
    return _outcome(award_import.import_registry(session, stream, actor=progress.owner, progress=progress))


def _initiatives(session: Session, params: dict[str, Any], progress: Progress) -> Outcome:
    stream = _upload(params, progress)
    return _outcome(initiative_import.import_initiatives(session, stream, actor=progress.owner, progress=progress))


def _nominees(session: Session, params: dict[str, Any], progress: Progress) -> Outcome:
    dossier = session.get(Dossier, params.get("dossier_id"))
    if dossier is None:
        raise JobFailed(msg("Hồ sơ không còn; không có gì được ghi."))
    stream = _upload(params, progress)
    return _outcome(nominee_import.import_nominees(session, dossier, stream, actor=progress.owner, progress=progress))


register(REGISTRY_IMPORT, _registry)
register(INITIATIVE_IMPORT, _initiatives)
register(NOMINEE_IMPORT, _nominees)


def report_params(report: str, file_format: str, filters: ReportFilters) -> dict[str, Any]:
    """What a report export job needs, as JSON: the report, the format and the filters already checked."""
    return {
        "report": report,
        "format": file_format,
        "authority_id": filters.authority_id,
        "as_of": filters.as_of.isoformat(),
        "year": filters.year,
        "unit_id": filters.unit_id,
        "title_code": filters.title_code,
    }


def _report_export(session: Session, params: dict[str, Any], progress: Progress) -> tuple[str, bytes]:
    filters = ReportFilters(
        authority_id=params["authority_id"],
        as_of=date.fromisoformat(params["as_of"]),
        year=params["year"],
        unit_id=params["unit_id"],
        title_code=params["title_code"],
    )
    build = EXPORT_BUILDERS[params["format"]][params["report"]]
    return file_name(params["report"], filters, params["format"]), build(session, filters, progress)


register(REPORT_EXPORT, _report_export)
