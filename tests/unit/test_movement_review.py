"""The interim and final reviews of a movement, against hand-counted rows: registrations, yearly reports (on time,
late, missing), inspections, linked dossiers and their awards; the Excel export's totals are formulas that add up
to the same counts; opening the final review's commendation round invites each unit once."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from models import (
    Inspection,
    Movement,
    MovementRegistration,
    OutboxMessage,
    RegistryEntry,
    Unit,
    UnitReport,
    db,
)
from workflow.core.errors import DomainError, PermissionDenied
from workflow.movements import review as service
from workflow.notify.audiences import recipients
from workflow.reporting.report_xlsx import workbook


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


@pytest.fixture
def movement(demo, make_dossier, user):
    """Plei Kần registers 2022–2024, reports 2022 never (due 15/12/2022), 2023 on time and reviewed, 2024 late;
    Đắk Xú registers 2024 and reports it on time; one inspection each; one linked Plei Kần dossier of 2024 with
    one award, and one dossier not linked to the movement."""
    pleikan, dakxu = unit("TT-PLEIKAN"), unit("XA-DAKXU")
    m = Movement(
        authority_id=pleikan.authority_id, name="Phong trào thi đua yêu nước 2020–2025",
        period_start=date(2020, 1, 1), period_end=date(2025, 12, 31), contents=["Phát triển kinh tế"],
    )
    db.session.add(m)
    db.session.flush()
    for u, year in ((pleikan, 2022), (pleikan, 2023), (pleikan, 2024), (dakxu, 2024)):
        db.session.add(MovementRegistration(movement_id=m.id, unit_id=u.id, year=year))
    for u, year, state, submitted in (
        (pleikan, 2022, "due", None),
        (pleikan, 2023, "reviewed", datetime(2023, 12, 1, 3, tzinfo=UTC)),
        (pleikan, 2024, "submitted", datetime(2024, 12, 20, 3, tzinfo=UTC)),
        (dakxu, 2024, "submitted", datetime(2024, 12, 10, 3, tzinfo=UTC)),
    ):
        db.session.add(UnitReport(movement_id=m.id, unit_id=u.id, year=year, due_on=date(year, 12, 15), state=state,
                                  submitted_at=submitted))
    member = user("uyvien1")
    for u, day in ((pleikan, date(2024, 5, 10)), (dakxu, date(2023, 3, 1))):
        db.session.add(Inspection(movement_id=m.id, unit_id=u.id, inspected_on=day, findings="Đã kiểm tra",
                                  recorded_by_id=member.id))
    linked = make_dossier(year=2024, complete=False)
    linked.movement_id = m.id
    make_dossier(year=2024, complete=False)  # not linked: never counted
    nomination = linked.nominations[0]
    db.session.add(RegistryEntry(
        nominee_id=nomination.nominee_id, title_code="GIAY_KHEN_CT_HUYEN", year=2024, decision_number="12/QĐ-UBND",
        decision_date=date(2024, 12, 30), deciding_authority="UBND huyện Ngọc Hồi", nomination_id=nomination.id,
    ))
    db.session.commit()
    return m


def row(result, year, code):
    return next(r for r in result.rows if r["year"] == year and r["unit_id"] == unit(code).id)


def test_the_interim_review_counts_what_happened(movement):
    result = service.review(db.session, movement, 2024)
    assert not result.final
    assert result.years() == [2020, 2021, 2022, 2023, 2024]
    units = db.session.scalar(select(func.count(Unit.id)).where(Unit.authority_id == movement.authority_id))
    assert len(result.rows) == 5 * units  # every unit every year, so who did nothing shows
    assert result.totals == {"registered": 4, "reports_submitted": 3, "reports_reviewed": 1, "reports_late": 2,
                             "inspections": 2, "dossiers": 1, "awards": 1}
    assert row(result, 2022, "TT-PLEIKAN")["reports_late"] == 1  # never handed in, past its due date
    p2024 = row(result, 2024, "TT-PLEIKAN")
    assert [p2024[k] for k in service.COUNTS] == [1, 1, 0, 1, 1, 1, 1]
    d2024 = row(result, 2024, "XA-DAKXU")
    assert [d2024[k] for k in service.COUNTS] == [1, 1, 0, 0, 0, 0, 0]
    assert row(result, 2023, "XA-DAKXU")["inspections"] == 1
    awards = [(str(name), n) for name, n in result.awards_by_title]
    assert awards == [("Giấy khen của Chủ tịch UBND cấp huyện (cá nhân)", 1)]


def test_a_year_filter_and_an_earlier_interim_review(movement):
    only_2023 = service.review(db.session, movement, 2024, year=2023)
    assert only_2023.years() == [2023]
    assert only_2023.totals["registered"] == 1 and only_2023.totals["reports_reviewed"] == 1
    assert service.review(db.session, movement, 2023).totals["awards"] == 0


def test_the_excel_totals_are_formulas_equal_to_the_hand_counts(movement):
    report = service.as_report(service.review(db.session, movement, 2024), date(2025, 6, 16))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(report))).active
    headings = [c.value for c in sheet[2]]
    last = sheet.max_row
    while sheet.cell(last, 1).value != "Tổng cộng":
        last -= 1
    expected = {"Đăng ký thi đua": 4, "Báo cáo đã nộp": 3, "Báo cáo trễ hạn": 2, "Lượt kiểm tra": 2,
                "Hồ sơ đề nghị": 1, "Khen thưởng": 1}
    for heading, count in expected.items():
        column = headings.index(heading) + 1
        formula = sheet.cell(last, column).value
        assert formula.startswith("=SUM(")
        assert sum(sheet.cell(r, column).value for r in range(3, last)) == count


@pytest.mark.today("2025-06-16")
def test_opening_the_round_invites_each_unit_once(movement, user):
    office = user("noivu")
    with pytest.raises(PermissionDenied):
        service.open_commendation_round(db.session, movement, actor=user("canbo.pleikan"))
    invited = service.open_commendation_round(db.session, movement, actor=office)
    db.session.commit()
    units = db.session.scalar(select(func.count(Unit.id)).where(Unit.authority_id == movement.authority_id))
    assert invited == units
    events = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == service.ROUND_TOPIC)).all()
    assert len(events) == units
    pleikan = [e for e in events if e.payload["data"]["unit_id"] == unit("TT-PLEIKAN").id]
    assert len(pleikan) == 1
    told = recipients(db.session, pleikan[0].payload["audiences"], pleikan[0].payload)
    assert [u.username for u in told] == ["canbo.pleikan"]
    with pytest.raises(DomainError):
        service.open_commendation_round(db.session, movement, actor=office)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.topic == service.ROUND_TOPIC)) == units


@pytest.mark.today("2024-06-16")
def test_the_round_waits_for_the_final_review(movement, user):
    with pytest.raises(DomainError):
        service.open_commendation_round(db.session, movement, actor=user("noivu"))
