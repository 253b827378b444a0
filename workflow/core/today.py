"""Today's date where the authorities are: deadlines and worklists count in Vietnam's calendar, not UTC."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Inside `told_on`: the story's moment, in Vietnam's time.
_story_moment: ContextVar[datetime | None] = ContextVar("story_moment", default=None)


def local_today() -> date:
    moment = _story_moment.get()
    return moment.date() if moment else datetime.now(LOCAL_TZ).date()


def story_now() -> datetime:
    """Now (UTC), or inside `told_on` the story's moment: when a session opened or a vote finished in the demo's
    history, which its minutes print."""
    moment = _story_moment.get()
    return datetime.now(UTC) if moment is None else moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day a stored (UTC) moment falls on in Vietnam."""
    return moment.astimezone(LOCAL_TZ).date()


def filing_moment() -> datetime:
    """When a dossier reaches its authority: now, or inside `told_on` the story's moment, since that moment
    chooses the rule set that judges the dossier."""
    return story_now()


@contextmanager
def told_on(day: date, at: time = time(9)) -> Iterator[None]:
    """Let the services see `day` (at `at`, Vietnam time) as now inside the block: the demo tells Ngọc Hồi
    district's story on days of its life, so a seed run after the district ended still rebuilds its history
    instead of being refused."""
    token = _story_moment.set(datetime.combine(day, at, LOCAL_TZ))
    try:
        yield
    finally:
        _story_moment.reset(token)
