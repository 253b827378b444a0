from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Holiday, User, db
from workflow.core.calendar import (
    DAY_OFF,
    WORKING_DAY,
    WorkingCalendar,
    add_working_days,
    remove_override,
    seed_holidays,
    set_override,
    working_days_between,
)
from workflow.core.errors import PermissionDenied


@pytest.fixture
def seeded(app):
    seed_holidays(db.session, 2024, 2025)
    db.session.commit()


@pytest.fixture
def admin(demo):
    return db.session.scalar(select(User).where(User.username == "admin"))


def days_off(first: date, last: date) -> list[date]:
    calendar = WorkingCalendar.load(db.session, first, last)
    span = (last - first).days + 1
    return [day for day in (first + timedelta(n) for n in range(span)) if not calendar.is_working_day(day)]


def row(day: date) -> Holiday:
    return db.session.scalar(select(Holiday).where(Holiday.day == day))


def names(first: date, last: date) -> list[tuple[date, str]]:
    return [
        (h.day, h.name)
        for h in db.session.scalars(select(Holiday).where(Holiday.day.between(first, last)).order_by(Holiday.day))
    ]


def test_tet_2024_is_thursday_8_to_wednesday_14_february_as_the_government_announced(seeded):
    assert names(date(2024, 2, 1), date(2024, 2, 29)) == [
        (date(2024, 2, 8), "29 Tết"),
        (date(2024, 2, 9), "Giao thừa Tết Nguyên Đán"),
        (date(2024, 2, 10), "Tết Nguyên Đán"),
        (date(2024, 2, 11), "Mùng hai Tết Nguyên Đán"),
        (date(2024, 2, 12), "Mùng ba Tết Nguyên Đán"),
        (date(2024, 2, 13), "Mùng bốn Tết Nguyên Đán"),
        (date(2024, 2, 14), "Mùng năm Tết Nguyên Đán"),
    ]
    assert days_off(date(2024, 2, 5), date(2024, 2, 18)) == [
        date(2024, 2, d) for d in (8, 9, 10, 11, 12, 13, 14, 17, 18)
    ]


def test_tet_2025_gives_the_same_working_days_off_as_the_announced_break_of_25_january_to_2_february(seeded):
    # The package lists 27 Jan – 1 Feb; the announced nine-day break only adds the weekends around it,
    # so no administrator override is needed for 2025.
    assert names(date(2025, 1, 20), date(2025, 2, 10)) == [
        (date(2025, 1, 27), "29 Tết"),
        (date(2025, 1, 28), "Giao thừa Tết Nguyên Đán"),
        (date(2025, 1, 29), "Tết Nguyên Đán"),
        (date(2025, 1, 30), "Mùng hai Tết Nguyên Đán"),
        (date(2025, 1, 31), "Mùng ba Tết Nguyên Đán"),
        (date(2025, 2, 1), "Mùng bốn Tết Nguyên Đán"),
    ]
    assert days_off(date(2025, 1, 24), date(2025, 2, 3)) == [date(2025, 1, d) for d in range(25, 32)] + [
        date(2025, 2, 1),
        date(2025, 2, 2),
    ]


def test_a_due_date_twenty_working_days_after_5_february_2024_skips_tet(seeded):
    # 6, 7 Feb; Tết 8–14 Feb; 15, 16, 19–23, 26–29 Feb, 1, 4–8 Mar, 11 Mar.
    assert add_working_days(db.session, date(2024, 2, 5), 20) == date(2024, 3, 11)


def test_a_due_date_ten_working_days_after_20_january_2025_skips_tet(seeded):
    # 21–24 Jan; Tết 27–31 Jan; 3–7 Feb; 10 Feb.
    assert add_working_days(db.session, date(2025, 1, 20), 10) == date(2025, 2, 10)


def test_the_swapped_saturday_of_april_2025_is_a_working_day_and_2_may_is_off(seeded):
    assert row(date(2025, 4, 26)).kind == WORKING_DAY
    assert row(date(2025, 5, 2)).kind == DAY_OFF
    # From Friday 25 April: Sat 26, Mon 28, Tue 29 April; 30/4, 1/5, 2/5 and the weekend are off; Mon 5 May.
    assert add_working_days(db.session, date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert add_working_days(db.session, date(2025, 4, 25), 4) == date(2025, 5, 5)


def test_the_swapped_saturday_of_may_2024_counts_and_29_april_is_off(seeded):
    # From Friday 26 April: 29/4 (swapped), 30/4 and 1/5 are off; Thu 2, Fri 3, Sat 4 May are worked.
    assert add_working_days(db.session, date(2024, 4, 26), 1) == date(2024, 5, 2)
    assert add_working_days(db.session, date(2024, 4, 26), 3) == date(2024, 5, 4)
    assert working_days_between(db.session, date(2024, 4, 26), date(2024, 5, 5)) == 3


@pytest.mark.parametrize(
    ("friday", "next_working_day"),
    [(date(2024, 8, 30), date(2024, 9, 4)), (date(2025, 8, 29), date(2025, 9, 3))],
)
def test_national_day_takes_two_days_off(seeded, friday, next_working_day):
    assert add_working_days(db.session, friday, 1) == next_working_day


def test_counting_working_days_agrees_with_adding_them(seeded):
    calendar = WorkingCalendar.load(db.session, date(2024, 1, 1), date(2026, 6, 30))
    start = date(2024, 1, 1)
    while start < date(2025, 12, 31):
        for n in (1, 3, 10, 20):
            assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n, (start, n)
        start += timedelta(days=3)


def test_no_working_days_lie_between_a_day_and_itself_or_an_earlier_day(seeded):
    assert working_days_between(db.session, date(2024, 2, 7), date(2024, 2, 7)) == 0
    assert working_days_between(db.session, date(2024, 2, 7), date(2024, 2, 1)) == 0
    assert working_days_between(db.session, date(2024, 2, 7), date(2024, 2, 15)) == 1


def test_seeding_twice_adds_nothing_the_second_time(app):
    first = seed_holidays(db.session, 2024, 2025)
    db.session.commit()
    assert first == db.session.scalar(select(func.count()).select_from(Holiday)) > 20
    assert seed_holidays(db.session, 2024, 2025) == 0


def test_an_extra_day_off_from_the_administrator_moves_a_due_date_by_one_working_day(seeded, admin):
    assert add_working_days(db.session, date(2025, 1, 20), 10) == date(2025, 2, 10)
    set_override(db.session, day=date(2025, 2, 3), kind=DAY_OFF, name="Nghỉ thêm sau Tết", actor=admin)
    assert add_working_days(db.session, date(2025, 1, 20), 10) == date(2025, 2, 11)


def test_an_administrator_override_survives_reseeding(seeded, admin):
    set_override(db.session, day=date(2024, 2, 14), kind=WORKING_DAY, name="Đi làm mùng năm Tết", actor=admin)
    db.session.commit()
    assert seed_holidays(db.session, 2024, 2025) == 0
    kept = row(date(2024, 2, 14))
    assert (kept.kind, kept.source, kept.name) == (WORKING_DAY, "admin", "Đi làm mùng năm Tết")
    assert add_working_days(db.session, date(2024, 2, 13), 1) == date(2024, 2, 14)


def test_overrides_are_audited_with_the_day_they_changed(seeded, admin):
    set_override(db.session, day=date(2024, 2, 14), kind=WORKING_DAY, name="Đi làm mùng năm Tết", actor=admin)
    remove_override(db.session, date(2024, 2, 14), admin)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "holiday").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor_id, e.data["day"]) for e in entries] == [
        ("holiday_set", admin.id, "2024-02-14"),
        ("holiday_removed", admin.id, "2024-02-14"),
    ]
    assert entries[0].data["previous"]["name"] == "Mùng năm Tết Nguyên Đán"


def test_removing_an_override_brings_back_the_public_holiday_at_once(seeded, admin):
    set_override(db.session, day=date(2024, 2, 14), kind=WORKING_DAY, name="Đi làm mùng năm Tết", actor=admin)
    restored = remove_override(db.session, date(2024, 2, 14), admin)
    assert (restored.kind, restored.source) == (DAY_OFF, "package")
    assert add_working_days(db.session, date(2024, 2, 13), 1) == date(2024, 2, 15)


def test_only_an_administrator_may_change_the_calendar(seeded, demo):
    office = db.session.scalar(select(User).where(User.username == "noivu"))
    with pytest.raises(PermissionDenied):
        set_override(db.session, day=date(2025, 2, 3), kind=DAY_OFF, name="Nghỉ thêm", actor=office)
    assert row(date(2025, 2, 3)) is None


def test_a_long_closure_in_the_table_still_yields_a_due_date(app):
    closure = [date(2026, 1, 1) + timedelta(n) for n in range(120)]
    db.session.add_all(Holiday(day=day, kind=DAY_OFF, name="Đóng cửa", source="admin") for day in closure)
    db.session.flush()
    assert add_working_days(db.session, date(2025, 12, 31), 1) == date(2026, 5, 1)


def test_flask_calendar_seed_reports_what_it_added_and_commits(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["calendar", "seed", "--from", "2025", "--to", "2025"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count()).select_from(Holiday))
    assert f"đã thêm {count} ngày" in first.output
    db.session.rollback()
    assert row(date(2025, 1, 29)).name == "Tết Nguyên Đán"
    again = runner.invoke(args=["calendar", "seed", "--from", "2025", "--to", "2025"])
    assert "đã thêm 0 ngày" in again.output
