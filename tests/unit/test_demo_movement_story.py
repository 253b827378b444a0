"""The demo movement's five years (2020–2024) as a clerk finds them: who registered, which reports came in, were
reviewed, came back or are still owed, and the two inspections. Expected values are counted by hand from the
story told in workflow/demo/movement_story.py's docstring."""

from datetime import date

import pytest
from sqlalchemy import select

from models import Inspection, Movement, MovementRegistration, MovementYear, Unit, UnitReport, db
from workflow.movements.registrations import not_registered
from workflow.movements.reports import overdue_days

FOLLOWED = {"TT-PLEIKAN", "XA-DAKXU", "P-GDDT", "P-NOIVU"}


def movement() -> Movement:
    return db.session.scalar(select(Movement))


def registered(year: int) -> set[str]:
    rows = db.session.scalars(select(MovementRegistration).where(MovementRegistration.year == year))
    return {row.unit.code for row in rows}


def report(code: str, year: int) -> UnitReport:
    return db.session.scalar(
        select(UnitReport).join(Unit, Unit.id == UnitReport.unit_id).where(Unit.code == code, UnitReport.year == year)
    )


def test_each_year_has_the_plans_deadlines(demo_story):
    years = db.session.scalars(select(MovementYear).order_by(MovementYear.year)).all()
    assert [(y.year, y.registration_due, y.report_due) for y in years] == [
        (year, date(year, 3, 31), date(year, 11, 15)) for year in range(2020, 2025)
    ]


@pytest.mark.parametrize(("year", "units"), [
    (2020, FOLLOWED), (2022, FOLLOWED), (2023, FOLLOWED - {"XA-DAKXU"}), (2024, FOLLOWED - {"XA-DAKXU"}),
])
def test_registrations_by_year_leave_dak_xu_out_in_2023_and_2024(demo_story, year, units):
    assert registered(year) == units
    missing = {unit.code for unit in not_registered(db.session, movement(), year)}
    assert "XA-DAKXU" in missing if year >= 2023 else "XA-DAKXU" not in missing
    assert not units & missing


def test_2024_reports_are_in_every_state(demo_story):
    assert {code: report(code, 2024).state for code in FOLLOWED} == {
        "TT-PLEIKAN": "reviewed", "XA-DAKXU": "due", "P-GDDT": "returned", "P-NOIVU": "submitted",
    }
    assert "nội dung 3" in report("P-GDDT", 2024).return_reason


def test_earlier_years_are_all_reviewed_for_the_followed_units(demo_story):
    for year in range(2020, 2024):
        assert {report(code, year).state for code in FOLLOWED} == {"reviewed"}, year


def test_units_without_accounts_still_owe_every_report(demo_story):
    # Thanh tra huyện has no demo login: its 2020 report, due on 15/11/2020, never came.
    owed = report("THANHTRA", 2020)
    assert owed.state == "due"
    # Due on Sunday 15 November 2020: Monday 16 and Tuesday 17 are two working days late.
    assert overdue_days(db.session, owed, date(2020, 11, 17)) == 2


def test_the_late_2022_report_was_sent_on_5_december(demo_story):
    late = report("P-GDDT", 2022)
    assert late.submitted_at.date() == date(2022, 12, 5)


def test_two_inspections_one_answered(demo_story):
    rows = db.session.scalars(select(Inspection).order_by(Inspection.inspected_on)).all()
    assert [(r.unit.code, r.inspected_on, r.answered_at is not None) for r in rows] == [
        ("TT-PLEIKAN", date(2021, 8, 12), True), ("XA-DAKXU", date(2023, 9, 7), False),
    ]
