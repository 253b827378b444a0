"""Today's date where the authorities are: deadlines and worklists count in Vietnam's calendar, not UTC."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_story_day: ContextVar[date | None] = ContextVar("story_day", default=None)


def local_today() -> date:
    return _story_day.get() or datetime.now(LOCAL_TZ).date()


def local_day(moment: datetime) -> date:
    """The calendar day a stored (UTC) moment falls on in Vietnam."""
    return moment.astimezone(LOCAL_TZ).date()


def filing_moment() -> datetime:
    """When a dossier reaches its authority: now, or inside `told_on` the story day's morning, since that moment
    chooses the rule set that judges the dossier."""
    day = _story_day.get()
    if day is None:
        return datetime.now(UTC)
    return datetime.combine(day, time(9), LOCAL_TZ).astimezone(UTC)


@contextmanager
def told_on(day: date) -> Iterator[None]:
    """Let the services see `day` as today inside the block: the demo tells Ngọc Hồi district's story on a day of
    its life, so a seed run after the district ended still rebuilds its history instead of being refused."""
    token = _story_day.set(day)
    try:
        yield
    finally:
        _story_day.reset(token)
