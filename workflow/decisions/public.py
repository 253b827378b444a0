"""What the public sees without logging in (docs/DOMAIN.md §5): state-level nominations open for comment, the
comments people send in, and the authority's signed decisions.

Public comment (Decree 98/2023 Art. 46): a nomination for a state-level title (the catalogue's `national` level) is
listed for `public_comment_working_days` working days of the rule set, counted like the legal clock from the day
after the dossier's acceptance; the council may take it up only from the working day after the last one. Senders
are rate-limited per address, counted in the database as the login throttle is, so the limit holds across
restarts and workers.

Signed decisions are shown as printed: number, date, summary, and per awardee the name, unit and title. Nothing
that is not on the decision (a national ID, a date of birth, a contact) ever leaves this module. The decision's text
is offered as the PDF the application renders from the same row (workflow/decisions/documents.py), not the scan of
the signed paper the office may attach: the scan may be an image rather than a PDF, it carries the signature's and
the seal's images, which a public copy need not spread, and whatever else was scanned with it cannot be checked here,
whereas the rendered PDF holds nothing but what the decision states."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AwardTitle, Decision, Dossier, Nomination, PublicComment
from models.base import utcnow
from models.decision import DecisionState
from models.dossier import DossierState, NominationState
from workflow.core.calendar import add_working_days
from workflow.core.errors import DomainError, InvalidInput
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.decisions.documents import File, decision_file
from workflow.registry.entries import title_names
from workflow.rules.applicable import DEFAULT_BASIS
from workflow.rules.eligibility.basis import parameters, rule_book_for

STATE_LEVEL = "national"
DAYS_KEY = "public_comment_working_days"
# While a dossier is with the authority before the council: the only time a comment can still change anything.
OPEN_DOSSIER_STATES = (DossierState.ACCEPTED,)
OPEN_NOMINATION_STATES = (NominationState.PROPOSED, NominationState.ELIGIBLE)
MAX_COMMENTS_PER_ADDRESS = 3
COMMENT_WINDOW = timedelta(hours=1)
NAME_MAX, CONTACT_MAX, TEXT_MAX = 200, 200, 4000
PUBLIC_DECISION_STATES = (DecisionState.SIGNED, DecisionState.PUBLISHED)


class CommentThrottled(DomainError):
    """Too many comments from one address lately; says how long to wait."""

    def __init__(self, retry_after: timedelta):
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        minutes = max(1, math.ceil(self.retry_after_seconds / 60))
        super().__init__(
            msg("Bạn đã gửi nhiều ý kiến trong thời gian ngắn. Vui lòng gửi lại sau %(minutes)s phút.", minutes=minutes)
        )


@dataclass(frozen=True)
class CommentPeriod:
    opens: date  # the acceptance day; the period's first working day is the next one
    closes: date  # its last working day; the council may take the nomination up the working day after

    def running_on(self, day: date) -> bool:
        return self.opens <= day <= self.closes


def state_level_titles(session: Session) -> set[str]:
    return set(session.scalars(select(AwardTitle.code).where(AwardTitle.level == STATE_LEVEL)))


def comment_period(session: Session, nomination: Nomination) -> CommentPeriod | None:
    """None for a title below state level, a dossier not yet accepted, or a rule set that sets no period."""
    accepted_on = nomination.dossier.accepted_on
    if accepted_on is None or nomination.title_code not in state_level_titles(session):
        return None
    book = rule_book_for(session, nomination, today=accepted_on, basis=DEFAULT_BASIS)
    days = parameters(session, book).get(DAYS_KEY)
    if days is None or not days.value:
        return None
    return CommentPeriod(accepted_on, add_working_days(session, accepted_on, int(days.value)))


def schedule_problems(session: Session, nominations: list[Nomination], day: date) -> list[str]:
    """Why these nominations may not go before the council on `day`: each one still open for public comment."""
    problems = []
    for nomination in nominations:
        period = comment_period(session, nomination)
        if period is not None and period.running_on(day):
            problems.append(
                msg(
                    "%(name)s (%(title)s) đang trong thời gian lấy ý kiến công khai đến hết ngày %(closes)s; "
                    "chỉ được đưa ra Hội đồng từ ngày làm việc tiếp theo.",
                    name=nomination.nominee.full_name,
                    title=nomination.title_code,
                    closes=f"{period.closes:%d/%m/%Y}",
                )
            )
    return problems


@dataclass(frozen=True)
class OpenNomination:
    """A nomination as the public page shows it: who, from which unit, for what, and until when."""

    nomination_id: int
    name: str
    unit: str
    title: str
    year: int
    achievement: str
    closes: date


def open_for_comment(session: Session, day: date | None = None) -> list[OpenNomination]:
    day = day or local_today()
    titles = title_names(session)
    rows = session.scalars(
        select(Nomination)
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(
            Dossier.state.in_(OPEN_DOSSIER_STATES),
            Nomination.state.in_(OPEN_NOMINATION_STATES),
            Nomination.title_code.in_(state_level_titles(session)),
        )
        .order_by(Dossier.accepted_on, Nomination.id)
    )
    found = []
    for nomination in rows:
        period = comment_period(session, nomination)
        if period is not None and period.running_on(day):
            found.append(
                OpenNomination(
                    nomination_id=nomination.id,
                    name=nomination.nominee.full_name,
                    unit=nomination.dossier.unit.name,
                    title=titles.get(nomination.title_code, nomination.title_code),
                    year=nomination.year,
                    achievement=nomination.achievement.strip(),
                    closes=period.closes,
                )
            )
    return found


def open_nomination(session: Session, nomination_id: int, day: date | None = None) -> OpenNomination | None:
    return next((n for n in open_for_comment(session, day) if n.nomination_id == nomination_id), None)


def _throttle_wait(session: Session, address: str, now: datetime) -> timedelta | None:
    recent = select(PublicComment.received_at).where(
        PublicComment.address == address, PublicComment.received_at > now - COMMENT_WINDOW
    )
    if session.scalar(select(func.count()).select_from(recent.subquery())) < MAX_COMMENTS_PER_ADDRESS:
        return None
    oldest_counted = session.scalar(
        recent.order_by(PublicComment.received_at.desc()).offset(MAX_COMMENTS_PER_ADDRESS - 1).limit(1)
    )
    return oldest_counted + COMMENT_WINDOW - now


def add_comment(
    session: Session,
    nomination_id: int,
    *,
    name: str,
    contact: str,
    text: str,
    address: str,
    now: datetime | None = None,
) -> PublicComment:
    """Record one comment on a nomination open for comment. Raises CommentThrottled, InvalidInput."""
    now = now or utcnow()
    wait = _throttle_wait(session, address[:64], now)
    if wait is not None:
        raise CommentThrottled(wait)
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    if open_nomination(session, nomination_id) is None:
        errors["nomination_id"] = [msg("Đề nghị này không còn trong thời gian lấy ý kiến công khai.")]
    if not name or len(name) > NAME_MAX:
        errors["name"] = [msg("Vui lòng nhập họ tên (tối đa %(max)s ký tự).", max=NAME_MAX)]
    if not contact or len(contact) > CONTACT_MAX:
        errors["contact"] = [
            msg("Vui lòng nhập số điện thoại hoặc địa chỉ liên hệ (tối đa %(max)s ký tự).", max=CONTACT_MAX)
        ]
    if not text or len(text) > TEXT_MAX:
        errors["text"] = [msg("Vui lòng nhập nội dung ý kiến (tối đa %(max)s ký tự).", max=TEXT_MAX)]
    if errors:
        raise InvalidInput(errors)
    comment = PublicComment(
        nomination_id=nomination_id, name=name, contact=contact, text=text, address=address[:64], received_at=now
    )
    session.add(comment)
    session.flush()
    return comment


def comments(session: Session, authority_id: int) -> list[PublicComment]:
    """Every comment on the authority's nominations, newest first, for its standing office."""
    return list(
        session.scalars(
            select(PublicComment)
            .join(Nomination, PublicComment.nomination_id == Nomination.id)
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .where(Dossier.authority_id == authority_id)
            .order_by(PublicComment.received_at.desc(), PublicComment.id.desc())
        )
    )


# --- signed decisions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Awardee:
    name: str
    unit: str
    title: str


@dataclass(frozen=True)
class PublicDecision:
    id: int
    number: str
    signed_on: date
    authority: str
    summary: str
    awardees: tuple[Awardee, ...]


def public_decisions_query():
    """Signed and published decisions, newest first (for paging)."""
    return (
        select(Decision)
        .where(Decision.state.in_(PUBLIC_DECISION_STATES))
        .order_by(Decision.signed_on.desc(), Decision.year.desc(), Decision.number.desc())
    )


def as_public(session: Session, decision: Decision) -> PublicDecision:
    titles = title_names(session)
    return PublicDecision(
        id=decision.id,
        number=decision.number_text,
        signed_on=decision.signed_on,
        authority=decision.authority.name,
        summary=decision.summary,
        awardees=tuple(
            Awardee(
                name=item.nomination.nominee.full_name,
                unit=item.nomination.dossier.unit.name,
                title=titles.get(item.nomination.title_code, item.nomination.title_code),
            )
            for item in decision.items
        ),
    )


def _public_row(session: Session, decision_id: int) -> Decision | None:
    """The decision when the public list shows it: signed or published (a draft, one awaiting signature or a
    revoked one is not)."""
    decision = session.get(Decision, decision_id)
    if decision is None or decision.state not in PUBLIC_DECISION_STATES:
        return None
    return decision


def public_decision(session: Session, decision_id: int) -> PublicDecision | None:
    decision = _public_row(session, decision_id)
    return None if decision is None else as_public(session, decision)


def public_decision_pdf(session: Session, decision_id: int) -> File | None:
    """The rendered PDF of a decision of the public list (see the module docstring for why not the signed scan),
    or None for any other decision, so that the PDF is exactly as open as the page."""
    decision = _public_row(session, decision_id)
    return None if decision is None else decision_file(session, decision, "pdf")
