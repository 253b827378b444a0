"""The council's minutes (biên bản họp Hội đồng) and ballot count (biên bản kiểm phiếu) as PDF: what they show is
read once from the tables into `MinutesData`, so the two documents never disagree and can be tested without a
database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Attendance, CouncilMembership, CouncilSession, Nomination, PollParticipation, User
from models.council import PollState
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ
from workflow.council.quorum import Quorum, quorum_of
from workflow.council.rules import council_rules, voting_members
from workflow.registry.entries import title_names
from workflow.rendering.pdf import Letterhead, Signer, render_pdf

SYMBOL = "BB-HĐTĐKT"
# Who presides when the chair is away: the first of these present.
PRESIDING_ROLES = ("chair", "vice_chair", "standing_member")
RESULT_STATES = (PollState.FINISHED, PollState.PUBLISHED)
ATTENDANCE_LABELS = {"present": "Có mặt", "absent": "Vắng mặt", "written": "Vắng mặt, có ý kiến bằng văn bản"}


@dataclass(frozen=True)
class Member:
    name: str
    position: str  # "Trưởng phòng Nội vụ – Ủy viên thường trực Hội đồng"
    attendance: str  # present, absent, written (absent, with a written opinion)
    note: str = ""

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE_LABELS[self.attendance]


@dataclass(frozen=True)
class Recusal:
    name: str
    reason: str


@dataclass(frozen=True)
class NomineeResult:
    """One poll's outcome. The approval share counts on the poll's frozen base: the whole membership or the
    members present."""

    name: str
    unit: str
    entitled: int
    yes: int
    no: int
    abstain: int
    invalid: int
    base: str  # total, present
    base_count: int
    pass_ratio: Decimal
    passed: bool
    recusals: tuple[Recusal, ...] = ()

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain + self.invalid

    @property
    def share(self) -> Decimal:
        """A poll only starts with a quorum, so its base is never empty."""
        return Decimal(self.yes) / self.base_count


@dataclass(frozen=True)
class TitleResult:
    title: str
    secret: bool
    mode: str  # electronic, paper
    nominees: tuple[NomineeResult, ...]

    @property
    def thresholds(self) -> list[tuple[str, int, Decimal, bool]]:
        """The distinct (base, largest base count, pass ratio, whether a recusal made some base smaller) of its
        polls: one, unless the rules changed between them. A recused member leaves that nominee's base one short,
        which the table's "6/7" shows; the note states the council's base once."""
        found: dict[tuple[str, Decimal], list[int]] = {}
        for n in self.nominees:
            found.setdefault((n.base, n.pass_ratio), []).append(n.base_count)
        return sorted((base, max(counts), ratio, min(counts) < max(counts)) for (base, ratio), counts in found.items())


@dataclass(frozen=True)
class MinutesData:
    authority: str  # the council's authority, "UBND huyện Ngọc Hồi"
    council: str
    title: str
    place: str  # the place name of the date line, "Ngọc Hồi"
    location: str  # the meeting room
    started_at: datetime  # local time
    ended_at: datetime | None
    chair: Member | None
    secretary: Member | None
    members: tuple[Member, ...]  # the voting members, with their attendance
    quorum: Quorum
    results: tuple[TitleResult, ...]

    @property
    def polled(self) -> list[NomineeResult]:
        return [n for group in self.results for n in group.nominees]


def minutes_from_db(session: Session, council_session: CouncilSession) -> MinutesData:
    """Only finished or published polls are results; the others are left out."""
    council = council_session.council
    started = (council_session.opened_at or council_session.scheduled_at).astimezone(LOCAL_TZ)
    day = started.date()
    attendance = {
        row.user_id: row
        for row in session.scalars(select(Attendance).where(Attendance.session_id == council_session.id))
    }

    def member(membership: CouncilMembership) -> Member:
        """Nobody recorded present counts as absent, as in the quorum."""
        row = attendance.get(membership.user_id)
        return Member(
            membership.user.full_name,
            membership.position_title,
            row.status if row else "absent",
            row.note if row else "",
        )

    voting = voting_members(session, council, day)
    present = {m.user_id for m in voting if (row := attendance.get(m.user_id)) and row.status == "present"}
    presiding = next(
        (m for role in PRESIDING_ROLES for m in voting if m.role_in_council == role and m.user_id in present),
        next((m for m in voting if m.role_in_council == "chair"), None),
    )
    secretary = session.scalar(
        select(CouncilMembership)
        .where(
            CouncilMembership.council_id == council.id,
            CouncilMembership.role_in_council == "secretary",
            CouncilMembership.term_from <= day,
            CouncilMembership.term_to.is_(None) | (CouncilMembership.term_to >= day),
        )
        .order_by(CouncilMembership.id)
    )
    # The quorum ratio is the same for every title.
    ratio = council_rules(session, council, title_code="", day=day).quorum_ratio
    ended = council_session.closed_at.astimezone(LOCAL_TZ) if council_session.closed_at else None
    return MinutesData(
        authority=council.authority.short_name,
        council=council.name,
        title=council_session.title,
        place=council.authority.place_name,
        location=council_session.location,
        started_at=started,
        ended_at=ended,
        chair=member(presiding) if presiding else None,
        secretary=member(secretary) if secretary else None,
        members=tuple(member(m) for m in voting),
        quorum=quorum_of(session, council_session, ratio),
        results=_results(session, council_session),
    )


def _results(session: Session, council_session: CouncilSession) -> tuple[TitleResult, ...]:
    """The finished polls in agenda order, grouped by title and ballot type in the order titles first appear."""
    names = title_names(session)
    groups: dict[tuple[str, bool, str], list[NomineeResult]] = {}
    for item in council_session.agenda_items:
        poll = item.poll
        if poll is None or poll.state not in RESULT_STATES:
            continue
        nomination = session.get(Nomination, item.nomination_id)
        nominee = nomination.nominee
        recusals = session.execute(
            select(User.full_name, PollParticipation.note)
            .join(User, User.id == PollParticipation.user_id)
            .where(PollParticipation.poll_id == poll.id, PollParticipation.recused)
            .order_by(User.full_name, User.id)
        ).all()
        result = NomineeResult(
            name=nominee.full_name,
            unit=(nominee.unit or nomination.dossier.unit).name,
            entitled=poll.entitled_count or 0,
            yes=poll.yes_count or 0,
            no=poll.no_count or 0,
            abstain=poll.abstain_count or 0,
            invalid=poll.invalid_count or 0,
            base=poll.base,
            base_count=poll.base_count,
            pass_ratio=poll.pass_ratio,
            passed=bool(poll.passed),
            recusals=tuple(Recusal(name, note) for name, note in recusals),
        )
        key = (names.get(nomination.title_code, nomination.title_code), poll.secret, poll.mode)
        groups.setdefault(key, []).append(result)
    return tuple(TitleResult(title, secret, mode, tuple(rows)) for (title, secret, mode), rows in groups.items())


def _letterhead(data: MinutesData) -> Letterhead:
    return Letterhead(data.authority, data.council, SYMBOL, data.place, data.started_at.date())


def _signers(data: MinutesData) -> list[Signer]:
    """Decree 30/2020's minutes are signed by whoever kept them and whoever presided."""
    return [
        Signer(("Thư ký",), data.secretary.name if data.secretary else ""),
        Signer(("Chủ tọa",), data.chair.name if data.chair else ""),
    ]


def minutes_pdf(data: MinutesData) -> bytes:
    return render_pdf(
        "council_minutes.html",
        data=data,
        letterhead=_letterhead(data),
        signers=_signers(data),
        recipients=["Thành viên Hội đồng;", "Lưu: VT, hồ sơ khen thưởng."],
    )


def ballot_count_pdf(data: MinutesData) -> bytes:
    """The count of every poll, kept with the minutes in a dossier forwarded upward."""
    return render_pdf(
        "ballot_count.html", data=data, letterhead=_letterhead(data), signers=_signers(data), recipients=[]
    )


def session_minutes_pdf(session: Session, council_session: CouncilSession) -> bytes:
    return minutes_pdf(minutes_from_db(session, council_session))


# The session's documents by the name they are downloaded under.
DOCUMENTS = {"bien-ban-hop": minutes_pdf, "bien-ban-kiem-phieu": ballot_count_pdf}


def has_results(council_session: CouncilSession) -> bool:
    """Whether a poll of the session has finished: the documents have something to record."""
    return any(item.poll is not None and item.poll.state in RESULT_STATES for item in council_session.agenda_items)


def session_document_pdf(session: Session, council_session: CouncilSession, document: str) -> bytes:
    """One of DOCUMENTS for the session. Raises InvalidInput before any of its polls has finished."""
    if not has_results(council_session):
        raise InvalidInput({"session": [msg("Chưa có cuộc biểu quyết nào kết thúc, nên chưa lập được biên bản.")]})
    return DOCUMENTS[document](minutes_from_db(session, council_session))
