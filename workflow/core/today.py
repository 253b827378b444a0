"""Today's date where the authorities are: deadlines and worklists count in Vietnam's calendar, not UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()
