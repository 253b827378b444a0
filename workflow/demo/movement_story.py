"""Five years of the demo movement, 2020–2024, told through the services on the days they happened: the office
sets each year's deadlines (register by 31 March, report by 15 November, as the plan's organisation says), the
units with demo accounts register and report, the office reviews, council members inspect. The gaps are on
purpose, so the reminders, the overdue counts and the review have something to show:

- Đắk Xú did not register in 2023 or 2024 and has not sent its 2024 report;
- Phòng Giáo dục và Đào tạo sent its 2022 report late (5/12/2022) and its 2024 report came back for completion;
- Phòng Nội vụ's 2024 report waits for the office's review;
- every other unit of the district has no account in the demo, so it registered nothing and owes every report.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Movement, MovementYear, Unit, UnitReport, User
from workflow.core.today import told_on
from workflow.demo.movements import NAME
from workflow.movements import inspections, registrations, reports
from workflow.movements.registrations import RegistrationInput, Upload

YEARS = range(2020, 2025)
# (unit code, its officer's login) for the units the demo follows.
REPORTING_UNITS = (
    ("TT-PLEIKAN", "canbo.pleikan"),
    ("XA-DAKXU", "canbo.dakxu"),
    ("P-GDDT", "canbo.pgddt"),
    ("P-NOIVU", "truong.noivu"),
)
NOT_REGISTERED = {("XA-DAKXU", 2023), ("XA-DAKXU", 2024)}
NOT_REPORTED = {("XA-DAKXU", 2024)}
LATE = {("P-GDDT", 2022): date(2022, 12, 5)}
RETURNED = {("P-GDDT", 2024): "Báo cáo chưa có số liệu nội dung 3 (giáo dục, y tế, giảm nghèo); đề nghị bổ sung."}
AWAITING_REVIEW = {("P-NOIVU", 2024)}
# (year, unit code, inspector logins, inspected on, findings, follow-up, answered by the unit)
INSPECTIONS = (
    (2021, "TT-PLEIKAN", ("uyvien1", "uyvien4"), date(2021, 8, 12),
     "Thị trấn triển khai kế hoạch đầy đủ; thu ngân sách 7 tháng đạt 68% dự toán; hồ sơ thủ tục hành chính "
     "giải quyết đúng hạn 100%.", "Bổ sung sổ theo dõi phong trào ở các tổ dân phố", True),
    (2023, "XA-DAKXU", ("uyvien1", "uyvien2"), date(2023, 9, 7),
     "Xã chưa đăng ký thi đua năm 2023; tỷ lệ hộ nghèo giảm 2,1%, thấp hơn chỉ tiêu 3%.",
     "Gửi bản đăng ký thi đua và kế hoạch giảm nghèo quý IV", False),
)


def seed_demo_movement_story(session: Session, upload_dir: Path) -> int:
    """Tell the story once (nothing when the 2020 year is already set). Returns the number of unit reports
    submitted."""
    movement = session.scalar(select(Movement).where(Movement.name == NAME))
    if movement is None or session.scalar(select(MovementYear.id).where(MovementYear.movement_id == movement.id)):
        return 0
    users = {u.username: u for u in session.scalars(select(User))}
    units = {u.code: u for u in session.scalars(select(Unit).where(Unit.authority_id == movement.authority_id))}
    office = users["noivu"]
    submitted = 0
    for year in YEARS:
        with told_on(max(date(year, 1, 15), movement.launched_on)):
            registrations.set_year(session, movement, year, actor=office, registration_due=date(year, 3, 31),
                                   report_due=date(year, 11, 15))
        for code, login in REPORTING_UNITS:
            if (code, year) not in NOT_REGISTERED:
                with told_on(date(year, 3, 20)):
                    _register(session, movement, year, users[login], upload_dir)
        for code, login in REPORTING_UNITS:
            if (code, year) in NOT_REPORTED:
                continue
            report = session.scalar(
                select(UnitReport).where(UnitReport.movement_id == movement.id, UnitReport.unit_id == units[code].id,
                                         UnitReport.year == year)
            )
            with told_on(LATE.get((code, year), date(year, 11, 10))):
                reports.submit(session, report, actor=users[login], summary=f"Báo cáo kết quả phong trào năm {year}.",
                               figures=_figures(year), document=_document(code, year), upload_dir=upload_dir)
            submitted += 1
            with told_on(date(year, 11, 28)):
                if (code, year) in RETURNED:
                    reports.return_report(session, report, actor=office, comment=RETURNED[(code, year)])
                elif (code, year) not in AWAITING_REVIEW:
                    reports.review(session, report, actor=office)
    for year, code, logins, day, findings, follow_up, answered in INSPECTIONS:
        with told_on(day):
            inspection = inspections.record_inspection(
                session, movement, actor=users[logins[0]], unit_id=units[code].id, inspected_on=day,
                inspector_ids=[users[login].id for login in logins], findings=findings,
                follow_ups=[inspections.FollowUp(follow_up, date(year, 10, 31))],
            )
        if answered:
            login = dict(REPORTING_UNITS)[code]
            with told_on(date(year, 9, 15)):
                inspections.answer_inspection(session, inspection, actor=users[login],
                                              answer="Đơn vị đã bổ sung sổ theo dõi ở 10/10 tổ dân phố.")
    session.flush()
    return submitted


def _register(session: Session, movement: Movement, year: int, officer: User, upload_dir: Path) -> None:
    data = RegistrationInput(
        year=year,
        collective_title="TLDTT",
        individual_targets={"LDTT": 12, "CSTDCS": 2},
        content_targets={"c3": "Giảm tỷ lệ hộ nghèo 3%", "c5": "100% hồ sơ thủ tục hành chính đúng hạn"},
        commitments=f"Đơn vị {officer.unit.name} đăng ký thi đua năm {year}.",
    )
    plan = Upload(io.BytesIO(_pdf(f"ke-hoach-{officer.unit.code}-{year}")), f"Ke-hoach-thi-dua-{year}.pdf")
    registrations.register(session, movement, data, actor=officer, today=date(year, 3, 20), plan=plan,
                           upload_dir=upload_dir)


def _figures(year: int) -> dict[str, str]:
    return {"c3": f"Giảm {2 + (year % 3) * 0.5:.1f}% hộ nghèo", "c5": "100% hồ sơ đúng hạn"}


def _document(code: str, year: int) -> Upload:
    return Upload(io.BytesIO(_pdf(f"bao-cao-{code}-{year}")), f"Bao-cao-ket-qua-{year}.pdf")


def _pdf(label: str) -> bytes:
    return f"%PDF-1.4\n% {label}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode()
