"""Yearly unit reports (báo cáo hằng năm) to the council through the standing office: due → submitted → reviewed,
or returned with a reason and submitted again, every step through the engine. Overdue is counted in working days
(holidays excluded) from the due date, never stored; the daily sweep reminds the unit three working days ahead and
every day it is late, once per report and day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Movement, Unit, UnitReport, User
from models.movement import ReportState
from workflow.core.calendar import WorkingCalendar, add_working_days, working_days_between
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import UNIT_REPORT
from workflow.core.messages import msg
from workflow.core.today import story_now
from workflow.dossiers.documents import store_content
from workflow.movements.contents import content_items
from workflow.movements.registrations import MAX_TEXT, Upload, email_unit, units_of
from workflow.permissions import can_follow_registrations, can_register_for_movement

OPEN = (ReportState.DUE, ReportState.RETURNED)
REMINDER_TOPIC = "unit_report.reminder"
REMINDER_WORKING_DAYS = 3


def open_reports(session: Session, movement: Movement, year: int, due_on: date) -> None:
    """Every unit of the authority owes the year's report by `due_on`; a report not yet submitted takes a moved
    due date."""
    existing = {
        report.unit_id: report
        for report in session.scalars(
            select(UnitReport).where(UnitReport.movement_id == movement.id, UnitReport.year == year)
        )
    }
    for unit in units_of(session, movement, year):
        report = existing.get(unit.id)
        if report is None:
            session.add(UnitReport(movement_id=movement.id, unit_id=unit.id, year=year, due_on=due_on))
        elif report.state in OPEN:
            report.due_on = due_on
    session.flush()


def reports_for(session: Session, movement: Movement, year: int, *, actor: User) -> list[UnitReport]:
    """The year's unit reports by unit name: the office of the movement's authority sees them all, a unit of the
    authority its own. Raises PermissionDenied."""
    office = can_follow_registrations(actor, movement)
    if not (office or can_register_for_movement(actor, movement)):
        raise PermissionDenied()
    query = (
        select(UnitReport)
        .join(Unit, Unit.id == UnitReport.unit_id)
        .where(UnitReport.movement_id == movement.id, UnitReport.year == year)
        .order_by(Unit.name, UnitReport.id)
    )
    if not office:
        query = query.where(UnitReport.unit_id == actor.unit_id)
    return list(session.scalars(query))


def overdue_days(session: Session, report: UnitReport, today: date) -> int:
    """Working days the report is late today (0 when submitted or not yet due)."""
    if report.state not in OPEN:
        return 0
    return working_days_between(session, report.due_on, today)


def submit(
    session: Session,
    report: UnitReport,
    *,
    actor: User,
    version: int | None = None,
    summary: str = "",
    figures: dict | None = None,
    document: Upload | None = None,
    upload_dir: Path | None = None,
):
    """The unit submits its report: a document (kept from an earlier submission when none is sent) and its
    figures per content item."""
    errors: dict[str, list] = {}
    keys = {item.key for item in content_items(report.movement)}
    clean = {}
    for key, value in (figures or {}).items():
        if key not in keys:
            errors.setdefault("figures", []).append(msg("Phong trào không có nội dung %(key)s.", key=key))
        elif isinstance(value, bool) or not isinstance(value, int | float | str) or len(str(value)) > MAX_TEXT:
            errors.setdefault("figures", []).append(
                msg("Kết quả của nội dung %(key)s phải là số hoặc văn bản ngắn.", key=key)
            )
        elif str(value).strip():
            clean[key] = value.strip() if isinstance(value, str) else value
    if len(summary or "") > MAX_TEXT:
        errors["summary"] = [msg("Tối đa %(limit)s ký tự.", limit=MAX_TEXT)]
    if document is None and report.document_sha256 is None:
        errors["document"] = [msg("Cần đính kèm văn bản báo cáo.")]
    if errors:
        raise InvalidInput(errors)
    changes = {"summary": (summary or "").strip(), "figures": clean, "submitted_at": story_now()}
    if document is not None:
        stored = store_content(document.stream, upload_dir, document.name)
        changes.update(
            document_sha256=stored.sha256, document_name=document.name[:255], document_media_type=stored.media_type
        )
    return fire(UNIT_REPORT, report, "submit_report", actor=actor, changes=changes, expected_version=version)


def review(session: Session, report: UnitReport, *, actor: User, version: int | None = None):
    return fire(UNIT_REPORT, report, "review_report", actor=actor, expected_version=version)


def return_report(session: Session, report: UnitReport, *, actor: User, version: int | None = None, comment: str = ""):
    """Back to the unit with the reason, which the unit sees until it submits again."""
    reason = (comment or "").strip()[:MAX_TEXT]
    return fire(
        UNIT_REPORT,
        report,
        "return_report",
        actor=actor,
        data={"comment": reason},
        changes={"return_reason": reason},
        expected_version=version,
    )


def remind_due(session: Session, today: date) -> int:
    """Remind each unit whose report is due within three working days, or late, once per report and day (the
    sweep may run twice). Returns the reports reminded now. Flushes, never commits."""
    horizon = add_working_days(session, today, REMINDER_WORKING_DAYS)
    reports = session.scalars(
        select(UnitReport).where(UnitReport.state.in_(OPEN), UnitReport.due_on <= horizon).order_by(UnitReport.id)
    ).all()
    if not reports:
        return 0
    calendar = WorkingCalendar.load(session, min(min(r.due_on for r in reports), today), horizon)
    sent = 0
    for report in reports:
        name = report.movement.name
        if report.due_on < today:
            late = calendar.working_days_between(report.due_on, today)
            vi = f"Báo cáo năm {report.year} của phong trào “{name}” đã quá hạn {late} ngày làm việc."
            en = f"The {report.year} report of the movement “{name}” is {late} working days overdue."
        else:
            due = report.due_on.strftime("%d/%m/%Y")
            vi = f"Báo cáo năm {report.year} của phong trào “{name}” đến hạn ngày {due}."
            en = f"The {report.year} report of the movement “{name}” is due on {due}."
        texts = {
            "vi": (f"Nhắc hạn báo cáo thi đua năm {report.year}", vi),
            "en": (f"{report.year} report reminder", en),
        }
        if email_unit(
            session, report.unit_id, REMINDER_TOPIC, f"{REMINDER_TOPIC}:{report.id}:{today.isoformat()}", texts
        ):
            sent += 1
    session.flush()
    return sent
