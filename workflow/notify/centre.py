"""The notification centre: a user's own in-app notifications, filtered (unread only, topic group, the days
they arrived, in Vietnam time), newest first. The page and the API page through the same query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from models import Notification, User
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ
from workflow.notify.preferences import GROUPS, topics_in


@dataclass(frozen=True)
class InboxFilter:
    unread_only: bool = False
    group: str | None = None
    since: date | None = None  # first day shown, inclusive
    until: date | None = None  # last day shown, inclusive

    @property
    def narrows(self) -> bool:
        """Some filter is set (an empty page then means nothing matched, not an empty inbox)."""
        return self.unread_only or any(v is not None for v in (self.group, self.since, self.until))

    def problems(self) -> dict[str, list[str]]:
        errors = {}
        if self.group is not None and self.group not in GROUPS:
            errors["group"] = [msg("Không có nhóm thông báo này.")]
        if self.since and self.until and self.since > self.until:
            errors["until"] = [msg("Ngày cuối phải từ ngày đầu trở đi.")]
        return errors


def inbox_query(session: Session, user: User, wanted: InboxFilter) -> Select:
    """The user's notifications matching the filter, newest first. Raises InvalidInput for an unknown group or
    a range that ends before it starts."""
    errors = wanted.problems()
    if errors:
        raise InvalidInput(errors)
    query = select(Notification).where(Notification.user_id == user.id)
    if wanted.unread_only:
        query = query.where(Notification.read_at.is_(None))
    if wanted.group is not None:
        topics = session.scalars(select(Notification.topic).where(Notification.user_id == user.id).distinct())
        query = query.where(Notification.topic.in_(topics_in(wanted.group, topics)))
    if wanted.since is not None:
        query = query.where(Notification.created_at >= _start_of(wanted.since))
    if wanted.until is not None:
        query = query.where(Notification.created_at < _start_of(wanted.until + timedelta(days=1)))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ)


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def own_notification(session: Session, user: User, notification_id: int) -> Notification | None:
    """The user's notification with this id; someone else's is None, as if it did not exist."""
    return session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark_read(notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        notification.read_at = now


def mark_all_read(session: Session, user: User, now: datetime) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now)
    )
    return result.rowcount
