"""Which notifications a user also wants by e-mail, by topic group, and whether they want the daily digest.

In-app notifications are always written: turning a group off only stops its e-mails, so nothing is ever lost
from the bell. A user who never saved a choice gets every e-mail and the digest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User
from models.preferences import NotificationPreference
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg

# Topic group → its name on the preferences page and the notification centre's filter.
GROUPS: dict[str, str] = {
    "dossier": msg("Các bước của hồ sơ"),
    "council": msg("Hội đồng xét"),
    "decision": msg("Quyết định, khen thưởng"),
    "deadline": msg("Hạn xử lý"),
}

# Topics outside their prefix's group; every other topic goes by its prefix (PREFIX_GROUPS).
TOPIC_GROUPS: dict[str, str] = {
    "dossier.scheduled": "council",
    "dossier.council_skipped": "council",
    "dossier.review_closed": "council",
    "dossier.decided": "decision",
    "dossier.forwarded": "decision",
    "dossier.closed": "decision",
    "dossier.overdue": "deadline",
    "dossier.deadline_near": "deadline",
    "nomination.approved": "council",
    "nomination.not_approved": "council",
    "nomination.awarded": "decision",
    "nomination.forwarded": "decision",
    "nomination.awarded_by_higher": "decision",
    "nomination.declined_by_higher": "decision",
    "nomination.revoked": "decision",
}
PREFIX_GROUPS: dict[str, str] = {
    "dossier": "dossier",
    "nomination": "dossier",
    "identity_match": "dossier",
    "initiative": "dossier",
    "poll": "council",
    "council_session": "council",
    "decision": "decision",
}


def group_of(topic: str) -> str:
    """The topic's group; a topic no one placed yet counts as a dossier step, so it can still be turned off."""
    return TOPIC_GROUPS.get(topic) or PREFIX_GROUPS.get(topic.partition(".")[0], "dossier")


def topics_in(group: str, topics: Iterable[str]) -> list[str]:
    """The topics of `topics` that belong to `group` (the centre filters stored notifications by these)."""
    return [topic for topic in topics if group_of(topic) == group]


@dataclass(frozen=True)
class Preferences:
    email_off: frozenset[str] = frozenset()
    daily_digest: bool = True

    def wants_email(self, topic: str) -> bool:
        return group_of(topic) not in self.email_off


def preferences_of(session: Session, user: User) -> Preferences:
    row = session.get(NotificationPreference, user.id)
    return _from_row(row) if row else Preferences()


def email_muted(session: Session, user_ids: Iterable[int], topic: str) -> set[int]:
    """Of these users, those who turned off e-mail for the topic's group (one query for the event's recipients)."""
    ids = list(user_ids)
    if not ids:
        return set()
    rows = session.scalars(select(NotificationPreference).where(NotificationPreference.user_id.in_(ids)))
    return {row.user_id for row in rows if not _from_row(row).wants_email(topic)}


def digest_declined(session: Session) -> set[int]:
    """The users who turned the daily digest off."""
    return set(
        session.scalars(select(NotificationPreference.user_id).where(NotificationPreference.daily_digest.is_(False)))
    )


def save_preferences(session: Session, user: User, *, email_on: Iterable[str], daily_digest: bool) -> Preferences:
    """Store the user's choices: e-mail for the groups in `email_on`, none for the others. The groups left out are
    what is stored, so a group added later starts switched on. Raises InvalidInput naming an unknown group.
    Flushes, never commits."""
    wanted = set(email_on)
    unknown = sorted(wanted - GROUPS.keys())
    if unknown:
        raise InvalidInput({"email_on": [msg("Không có nhóm thông báo: %(groups)s.", groups=", ".join(unknown))]})
    row = session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
        session.add(row)
    row.email_off = [group for group in GROUPS if group not in wanted]
    row.daily_digest = bool(daily_digest)
    session.flush()
    return _from_row(row)


def _from_row(row: NotificationPreference) -> Preferences:
    return Preferences(email_off=frozenset(row.email_off or ()), daily_digest=row.daily_digest)
