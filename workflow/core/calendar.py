"""The working-day calendar (docs/DOMAIN.md §8): Monday to Friday, minus the days off and plus the swapped working
Saturdays stored in the `holidays` table.

The table, not the `holidays` package, is the truth: the government announces extra days off and swapped
Saturdays each year, so the package only seeds the table and an administrator's override always wins."""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Holiday, User
from workflow.core import audit
from workflow.core.errors import DomainError, InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_administer

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
KINDS = (DAY_OFF, WORKING_DAY)
FROM_PACKAGE = "package"
FROM_ADMIN = "admin"
NAME_MAX = 200
# The package names the days off ("Ngày nghỉ (thay cho ngày 26/04/2025)") but not the Saturdays worked for them.
SWAPPED_SATURDAY_NAME = "Ngày làm việc bù"


class CalendarRangeError(DomainError, ValueError):
    """A day outside the range the calendar was loaded for: answering would silently ignore its holidays."""


class NotAnOverride(DomainError):
    message = msg("Chỉ xóa được điều chỉnh do quản trị viên thêm; ngày theo quy định chung không xóa được.")


@functools.lru_cache(maxsize=8)
def package_days(first_year: int, last_year: int) -> dict[date, tuple[str, str]]:
    """(Cached: the package's answer never changes while the process runs; callers must not mutate it.)
    What the package knows for these years, as {day: (kind, Vietnamese name)}: observed days off
    (Tết, the observed "nghỉ bù" days, the government's swapped days off) and the swapped working Saturdays."""
    vietnam = holidays.country_holidays("VN", language="vi", years=range(first_year, last_year + 1))
    days = {day: (DAY_OFF, name[:NAME_MAX]) for day, name in vietnam.items()}
    # weekend_workdays also holds cross-year swaps of years we did not ask for.
    for day in vietnam.weekend_workdays:
        if first_year <= day.year <= last_year:
            days[day] = (WORKING_DAY, SWAPPED_SATURDAY_NAME)
    return days


def seed_holidays(session: Session, first_year: int, last_year: int) -> int:
    """Add the package's days the table lacks and return how many; a day already in the table (an
    administrator's override above all) is left as it is, so re-running changes nothing. Flushes."""
    if first_year > last_year:
        raise ValueError("first_year must not be after last_year")
    wanted = package_days(first_year, last_year)
    present = set(
        session.scalars(select(Holiday.day).where(Holiday.day.between(date(first_year, 1, 1), date(last_year, 12, 31))))
    )
    rows = [
        Holiday(day=day, kind=kind, name=name, source=FROM_PACKAGE)
        for day, (kind, name) in sorted(wanted.items())
        if day not in present
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class WorkingCalendar:
    """The calendar for [start, end], read in one query; asking about a day outside it raises
    CalendarRangeError rather than guessing."""

    start: date
    end: date
    exceptions: Mapping[date, str]

    @classmethod
    def load(cls, session: Session, start: date, end: date) -> WorkingCalendar:
        rows = session.execute(select(Holiday.day, Holiday.kind).where(Holiday.day.between(start, end)))
        return cls(start, end, {day: kind for day, kind in rows})

    def is_working_day(self, day: date) -> bool:
        self._require(day)
        kind = self.exceptions.get(day)
        if kind is None:
            return day.weekday() < 5
        return kind == WORKING_DAY

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n ≥ 1); `start` itself is never counted."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when end <= start."""
        if end <= start:
            return 0
        self._require(start + timedelta(days=1))
        self._require(end)
        return self._working_days_up_to(end) - self._working_days_up_to(start)

    def _working_days_up_to(self, day: date) -> int:
        """Working days from 0001-01-01 up to and including `day`: the weekdays, moved by the exceptions up to it
        (a bisection, not a pass over every holiday: the dashboard asks this for each of a province's stays)."""
        days, shifts = self._shifts
        passed = bisect_right(days, day.toordinal())
        return _weekdays_up_to(day) + (shifts[passed - 1] if passed else 0)

    @functools.cached_property
    def _shifts(self) -> tuple[list[int], list[int]]:
        """The exceptions that move the weekday count (a weekday off, a weekend day worked), in order, each with the
        running sum of what they moved it by."""
        days, shifts, total = [], [], 0
        for day in sorted(self.exceptions):
            weekday = day.weekday() < 5
            if self.exceptions[day] == DAY_OFF and weekday:
                total -= 1
            elif self.exceptions[day] == WORKING_DAY and not weekday:
                total += 1
            else:
                continue
            days.append(day.toordinal())
            shifts.append(total)
        return days, shifts

    def _require(self, day: date) -> None:
        if not self.start <= day <= self.end:
            raise CalendarRangeError(
                msg(
                    "Lịch ngày làm việc chưa có ngày %(day)s (đã nạp từ %(start)s đến %(end)s); quản trị viên cần nạp "
                    "thêm lịch (flask calendar seed).",
                    day=f"{day:%d/%m/%Y}",
                    start=f"{self.start:%d/%m/%Y}",
                    end=f"{self.end:%d/%m/%Y}",
                )
            )


def _weekdays_up_to(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to and including `day`: counts ranges without a loop."""
    days = day.toordinal()
    return days // 7 * 5 + min(days % 7, 5)


def add_working_days(session: Session, start: date, n: int) -> date:
    """The n-th working day after `start`, loading as much of the calendar as that takes."""
    span = n * 3 + 60
    while True:
        calendar = WorkingCalendar.load(session, start, start + timedelta(days=span))
        try:
            return calendar.add_working_days(start, n)
        except CalendarRangeError:
            span *= 2


def working_days_between(session: Session, start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when end <= start."""
    if end <= start:
        return 0
    return WorkingCalendar.load(session, start, end).working_days_between(start, end)


def year_exceptions(session: Session, year: int) -> list[Holiday]:
    """The year's days that differ from the Monday-to-Friday rule, in date order."""
    return list(
        session.scalars(
            select(Holiday).where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(Holiday.day)
        )
    )


def set_override(session: Session, *, day: date, kind: str, name: str, actor: User) -> Holiday:
    """Make `day` a day off or a working day by an administrator's decision, replacing whatever the day held.
    Raises PermissionDenied, InvalidInput."""
    if not can_administer(actor):
        raise PermissionDenied()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [msg("Loại ngày không hợp lệ.")]
    if not name:
        errors["name"] = [msg("Vui lòng nhập tên hoặc lý do.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [msg("Tên dài tối đa %(limit)s ký tự.", limit=NAME_MAX)]
    if errors:
        raise InvalidInput(errors)

    row = session.scalar(select(Holiday).where(Holiday.day == day))
    previous = _describe(row) if row else None
    if row is None:
        row = Holiday(day=day)
        session.add(row)
    row.kind, row.name, row.source = kind, name, FROM_ADMIN
    session.flush()
    audit.append(
        session,
        entity_type="holiday",
        entity_id=row.id,
        action="holiday_set",
        actor_id=actor.id,
        data={**_describe(row), "previous": previous},
    )
    return row


def remove_override(session: Session, day: date, actor: User) -> Holiday | None:
    """Remove an administrator's override; the day falls back to what the package says (restored at once, so
    cancelling a mistaken override never leaves Tết as a working day). Returns the restored package row, if any.
    Raises PermissionDenied, NotAnOverride."""
    if not can_administer(actor):
        raise PermissionDenied()
    row = session.scalar(select(Holiday).where(Holiday.day == day))
    if row is None or row.source != FROM_ADMIN:
        raise NotAnOverride()
    removed = _describe(row)
    removed_id = row.id
    session.delete(row)
    session.flush()
    restored = None
    default = package_days(day.year, day.year).get(day)
    if default is not None:
        kind, name = default
        restored = Holiday(day=day, kind=kind, name=name, source=FROM_PACKAGE)
        session.add(restored)
        session.flush()
    audit.append(
        session,
        entity_type="holiday",
        entity_id=removed_id,
        action="holiday_removed",
        actor_id=actor.id,
        data={**removed, "restored": _describe(restored) if restored else None},
    )
    return restored


def _describe(row: Holiday) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "kind": row.kind, "name": row.name, "source": row.source}
