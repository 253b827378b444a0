"""The daily digest (`flask digest send`): one e-mail to each user who wants it, listing the dossiers on their
home page's worklists whose legal due date has passed or comes within three working days, counted in working
days.

It goes through the outbox as one `email` message per user and day, keyed `digest:<user id>:<day>`: the
dispatcher then retries a refused delivery with backoff and shows a lost one to the administrator, the key's
Message-ID lets mail clients fold a repeated delivery, and the unique key is the record of the day's digest, so
a second run the same day (even a concurrent one) sends nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Dossier, OutboxMessage, Role, User
from models.base import utcnow
from models.dossier import DossierState
from workflow.core.calendar import WorkingCalendar
from workflow.dossiers.deadlines import REMINDER_WORKING_DAYS
from workflow.notify import messages, preferences
from workflow.notify.outbox import direct_email
from workflow.reporting import worklists

TOPIC = "digest.daily"
# Due within this many working days (today's due date counts as 0 left).
HORIZON_WORKING_DAYS = REMINDER_WORKING_DAYS


@dataclass(frozen=True)
class DigestItem:
    dossier_id: int
    code: str
    title: str
    unit_name: str
    due_on: date
    working_days: int  # left until the due date, or past it when `overdue`
    overdue: bool


@dataclass
class DigestReport:
    today: date
    queued: int = 0
    already_sent: int = 0
    nothing_due: int = 0
    opted_out: int = 0
    day_off: bool = False
    users: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.day_off:
            return f"Ngày {self.today:%d/%m/%Y} không phải ngày làm việc: không gửi bản tin."
        return (
            f"Bản tin ngày {self.today:%d/%m/%Y}: {self.queued} e-mail đã xếp hàng gửi, {self.already_sent} người đã "
            f"nhận hôm nay, {self.nothing_due} người không có hồ sơ đến hạn, {self.opted_out} người đã tắt bản tin."
        )


def followed_dossiers(session: Session, user: User, today: date) -> list[Dossier]:
    """The dossiers on the user's home worklists (what they hold or follow by role), each once."""
    lists: list[worklists.Worklist] = []
    if user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD):
        lists += worklists.unit_worklists(session, user)
    if user.has_role(Role.OFFICE):
        lists += worklists.office_worklists(session, user, today)
    if user.has_role(Role.SECRETARY):
        lists += worklists.secretary_worklists(session, user, today)[1]
    if user.has_role(Role.COUNCIL_MEMBER):
        lists += worklists.council_worklists(session, user)
    if user.has_role(Role.CHAIRMAN):
        lists += worklists.chairman_worklists(session, user)
    found: dict[int, Dossier] = {}
    for worklist in lists:
        for item in worklist.items:
            if isinstance(item, Dossier):
                found.setdefault(item.id, item)
    return list(found.values())


def digest_items(session: Session, user: User, today: date) -> list[DigestItem]:
    """Of the user's dossiers, those overdue (most overdue first) and those due within the horizon (soonest first).
    Only a dossier whose legal clock runs counts (a decided or forwarded one keeps its old due date)."""
    dated = [d for d in followed_dossiers(session, user, today) if d.state in DossierState.CLOCK_RUNNING and d.due_on]
    if not dated:
        return []
    days = [today, *(d.due_on for d in dated)]
    calendar = WorkingCalendar.load(session, min(days), max(days))
    items = []
    for dossier in dated:
        overdue = dossier.due_on < today
        days = (
            calendar.working_days_between(dossier.due_on, today)
            if overdue
            else calendar.working_days_between(today, dossier.due_on)
        )
        if overdue or days <= HORIZON_WORKING_DAYS:
            items.append(
                DigestItem(dossier.id, dossier.code, dossier.title, dossier.unit.name, dossier.due_on, days, overdue)
            )
    return sorted(items, key=lambda i: (not i.overdue, -i.working_days if i.overdue else i.working_days, i.code))


def digest_key(user: User, today: date) -> str:
    return f"digest:{user.id}:{today.isoformat()}"


def send_digests(session: Session, today: date, *, base_url: str) -> DigestReport:
    """Queue today's digest for every active user with an e-mail address who wants it and has something due;
    nothing on a day off, nothing for whoever already has today's. Flushes, never commits."""
    report = DigestReport(today)
    if not WorkingCalendar.load(session, today, today).is_working_day(today):
        report.day_off = True
        return report
    users = list(
        session.scalars(select(User).where(User.active, User.email.is_not(None), User.email != "").order_by(User.id))
    )
    sent_keys = set(
        session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.idempotency_key.in_([digest_key(user, today) for user in users])
            )
        )
    )
    declined = preferences.digest_declined(session)
    now = utcnow()
    for user in users:
        if user.id in declined:
            report.opted_out += 1
            continue
        key = digest_key(user, today)
        if key in sent_keys:
            report.already_sent += 1
            continue
        items = digest_items(session, user, today)
        if not items:
            report.nothing_due += 1
            continue
        language = messages.language_of(user)
        subject, body = digest_text(user, items, today, language, base_url)
        session.add(direct_email(TOPIC, user, language, subject, body, key, now))
        report.queued += 1
        report.users.append(user.username)
    session.flush()
    return report


TEXTS = {
    "vi": {
        "subject": "Bản tin ngày {day}: {overdue} hồ sơ quá hạn, {due} hồ sơ sắp đến hạn",
        "greeting": "Kính gửi {name},",
        "intro": "Các hồ sơ anh/chị đang giữ hoặc theo dõi, tính đến ngày {day} (theo ngày làm việc):",
        "overdue_heading": "Quá hạn",
        "due_heading": "Sắp đến hạn",
        "overdue": "quá hạn {n} ngày làm việc (hạn {due_on})",
        "due": "còn {n} ngày làm việc (hạn {due_on})",
        "due_today": "đến hạn hôm nay ({due_on})",
        "footer": "Tắt bản tin hoặc chọn loại e-mail muốn nhận tại {link}",
    },
    "en": {
        "subject": "Digest for {day}: {overdue} overdue, {due} due soon",
        "greeting": "Dear {name},",
        "intro": "The dossiers you hold or follow, as of {day} (in working days):",
        "overdue_heading": "Overdue",
        "due_heading": "Due soon",
        "overdue": "{n} working days overdue (due {due_on})",
        "due": "{n} working days left (due {due_on})",
        "due_today": "due today ({due_on})",
        "footer": "Turn the digest off or choose which e-mails you receive at {link}",
    },
}


def digest_text(user: User, items: list[DigestItem], today: date, language: str, base_url: str) -> tuple[str, str]:
    """The subject and plain-text body, in the user's language."""
    text = TEXTS[language]
    base = base_url.rstrip("/")
    overdue = [item for item in items if item.overdue]
    due = [item for item in items if not item.overdue]
    day = f"{today:%d/%m/%Y}"
    lines = [text["greeting"].format(name=user.full_name), "", text["intro"].format(day=day)]
    for heading, group in ((text["overdue_heading"], overdue), (text["due_heading"], due)):
        if not group:
            continue
        lines += ["", f"{heading}:"]
        for item in group:
            due_on = f"{item.due_on:%d/%m/%Y}"
            if item.overdue:
                when = text["overdue"].format(n=item.working_days, due_on=due_on)
            elif item.working_days == 0:
                when = text["due_today"].format(due_on=due_on)
            else:
                when = text["due"].format(n=item.working_days, due_on=due_on)
            lines.append(f"  - {item.code} – {item.title} ({item.unit_name}): {when}")
            lines.append(f"    {base}/dossiers/{item.dossier_id}")
    lines += ["", text["footer"].format(link=f"{base}/account/notifications"), ""]
    subject = text["subject"].format(day=day, overdue=len(overdue), due=len(due))
    return subject, "\n".join(lines)
