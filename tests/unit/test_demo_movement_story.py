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


def test_the_review_up_to_2024_counts_the_story(demo_story):
    from workflow.movements.review import review

    result = review(db.session, movement(), 2024)
    assert result.totals == {
        # 4 units × 2020–2022 + 3 units × 2023–2024
        "registered": 4 * 3 + 3 * 2,
        # 4 units × 2020–2023, then Plei Kần and Phòng Nội vụ in 2024 (Phòng GD&ĐT's came back)
        "reports_submitted": 16 + 2,
        "reports_reviewed": 16 + 1,
        # the 20 district units without a login owe all five years; Phòng GD&ĐT 2022; Đắk Xú 2024
        "reports_late": 20 * 5 + 1 + 1,
        "inspections": 2,
        # the first round's three dossiers (Plei Kần, Đắk Xú, Phòng GD&ĐT), year 2024
        "dossiers": 3,
        # decision 1/QĐ-UBND: two Lao động tiên tiến each for Plei Kần and Đắk Xú
        "awards": 4,
    }
    assert [(n, count) for n, count in result.awards_by_title] == [("Lao động tiên tiến", 4)]
    by_content = {item["key"]: (item["targets"], item["results"]) for item in result.by_content}
    # every registration sets targets for contents 3 and 5; every report gives figures for them
    assert by_content == {"c1": (0, 0), "c2": (0, 0), "c3": (18, 18), "c4": (0, 0), "c5": (18, 18), "c6": (0, 0)}
