"""Yearly unit reports to the council through the standing office (Nghị định 98/2023 Điều 4: units report on the
movement every year): due → submitted → returned → submitted → reviewed through the engine, each step by whom the
law gives it to; overdue in working days across holidays; the daily sweep's reminders once per report and day."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import AuditEntry, OutboxMessage, UnitReport, db
from tests.conftest import PDF_BYTES
from tests.workflow_helpers import launched_movement
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied
from workflow.dossiers.deadlines import sweep
from workflow.movements import registrations, reports
from workflow.movements.registrations import Upload


@pytest.fixture
def movement(demo, user):
    """A launched movement of the district with two content items; the 2024 report is due on Friday 25 April 2025."""
    office = user("noivu")
    row = launched_movement(
        office.unit.authority_id,
        "Phong trào thi đua “Chung sức xây dựng nông thôn mới”",
        ["Phát triển kinh tế", "Xây dựng nông thôn mới"],
    )
    registrations.set_year(db.session, row, 2024, actor=office, registration_due=None, report_due=date(2025, 4, 25))
    db.session.commit()
    return row


def report_of(movement, unit_id) -> UnitReport:
    return db.session.scalar(
        select(UnitReport).where(UnitReport.movement_id == movement.id, UnitReport.unit_id == unit_id)
    )


def pdf() -> Upload:
    return Upload(io.BytesIO(PDF_BYTES), "bao-cao-2024.pdf")


def test_submitted_returned_submitted_again_and_reviewed_by_the_right_people(app, movement, user):
    upload_dir = Path(app.config["UPLOAD_DIR"])
    officer, office = user("canbo.pleikan"), user("noivu")
    report = report_of(movement, officer.unit_id)
    assert report.state == "due"

    with pytest.raises(InvalidInput) as refused:
        reports.submit(db.session, report, actor=officer, figures={"nd1": 12})
    assert "document" in refused.value.errors
    with pytest.raises(PermissionDenied):  # another unit's officer
        reports.submit(db.session, report, actor=user("canbo.dakxu"), document=pdf(), upload_dir=upload_dir)

    reports.submit(db.session, report, actor=officer, figures={"nd1": 12, "nd2": "Đạt 19/19 tiêu chí"},
                   document=pdf(), upload_dir=upload_dir)  # fmt: skip
    db.session.commit()
    assert report.state == "submitted" and report.figures == {"nd1": 12, "nd2": "Đạt 19/19 tiêu chí"}

    with pytest.raises(PermissionDenied):  # the unit cannot review its own report
        reports.review(db.session, report, actor=officer)
    with pytest.raises(GuardFailed):  # a return needs its reason
        reports.return_report(db.session, report, actor=office, comment=" ")
    reports.return_report(db.session, report, actor=office, comment="Thiếu số liệu nội dung 2")
    db.session.commit()
    assert (report.state, report.return_reason) == ("returned", "Thiếu số liệu nội dung 2")

    # Submitted again without a new file: the first document stays.
    reports.submit(db.session, report, actor=officer, figures={"nd1": 12, "nd2": 19})
    reports.review(db.session, report, actor=office)
    db.session.commit()
    assert report.state == "reviewed" and report.document_name == "bao-cao-2024.pdf"
    trail = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "unit_report", AuditEntry.entity_id == report.id)
        .order_by(AuditEntry.id)
    ).all()
    assert trail == ["submit_report", "return_report", "submit_report", "review_report"]


@pytest.mark.today("2025-05-06")
def test_a_report_due_before_the_april_holidays_is_five_working_days_late(movement, user):
    report = report_of(movement, user("canbo.pleikan").unit_id)
    # Due Friday 25 April 2025. After it: Sat 26 April (the swapped working Saturday) 1, Mon 28 April 2,
    # Tue 29 April 3; 30/4, 1/5 and 2/5 (swapped day off) and the weekend are off; Mon 5 May 4, Tue 6 May 5.
    assert reports.overdue_days(db.session, report, date(2025, 5, 6)) == 5
    assert reports.overdue_days(db.session, report, date(2025, 4, 25)) == 0


@pytest.mark.today("2025-04-22")
def test_the_sweep_reminds_three_working_days_ahead_once_a_day(movement, user):
    # Tuesday 22 April: Wed 23 1, Thu 24 2, Fri 25 April 3 working days ahead: due within the window.
    dakxu_mail = select(func.count()).where(
        OutboxMessage.topic == "unit_report.reminder", OutboxMessage.recipient == user("canbo.dakxu").email
    )
    first = sweep(db.session, date(2025, 4, 22))
    db.session.commit()
    assert first.unit_report_reminders >= 1
    assert db.session.scalar(dakxu_mail) == 1
    second = sweep(db.session, date(2025, 4, 22))
    db.session.commit()
    assert second.unit_report_reminders == 0
    assert db.session.scalar(dakxu_mail) == 1


@pytest.mark.today("2025-04-17")
def test_no_reminder_four_working_days_ahead(movement, user):
    # Thursday 17 April: Fri 18 1, Mon 21 2, Tue 22 3 … Fri 25 is the sixth working day ahead.
    sweep(db.session, date(2025, 4, 17))
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).where(
                OutboxMessage.topic == "unit_report.reminder", OutboxMessage.recipient == user("canbo.dakxu").email
            )
        )
        == 0
    )
