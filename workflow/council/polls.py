"""The council's votes: one poll per agenda item, started under quorum with who may vote frozen, cast
electronically (or counted from paper), finished with the result computed, and published to the nomination.

Secret ballots (docs/DESIGN.md §3.4). A vote is two plain UPDATEs in one transaction: `voted` on the member's
participation, guarded by `voted = false` (its row lock and rowcount refuse a second vote, also from a racing
request), and `+ 1` on one counter of the poll. No ballot row exists, and no vote writes an audit entry, log line or
outbox message: an entry naming the voter would carry a time and a position in the chain that line up with a
counter's change, and an open poll already keeps its choices by name on the participations. The poll's `finish`
entry records how many voted and the totals instead. Pages show who has voted (by name, in name order), never a
running total before the poll finishes.

Who may vote: the council's voting members on the session day, less those recused (a member of the proposing unit,
when the rules recuse them, or a declared conflict); of those, the members present, and the absent members who sent
a written opinion when the rules let them vote in writing (attendance "written"). The approval base is frozen at
start: on the "total" basis every entitled member, on the "present" basis the entitled members who may vote."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from models import AgendaItem, Attendance, CouncilSession, Dossier, Nomination, Poll, PollParticipation, User
from models.council import BALLOT_CHOICES, POLL_MODES, PollState, SessionState
from models.dossier import DossierState, NominationState
from workflow.core import audit
from workflow.core.engine import Firing, fire, fire_many
from workflow.core.errors import InvalidInput, PermissionDenied, StaleObject
from workflow.core.machines import DOSSIER, NOMINATION, POLL
from workflow.core.messages import DataLabel, msg
from workflow.core.today import LOCAL_TZ, story_now
from workflow.core.vietnamese import person_order
from workflow.council.quorum import quorum_of
from workflow.council.rules import CouncilRules, council_rules, reaches, voting_members
from workflow.permissions import can_manage_polls, can_vote
from workflow.registry.entries import title_names

COUNTERS = {"yes": "yes_count", "no": "no_count", "abstain": "abstain_count"}
COUNTER_COLUMNS = {**COUNTERS, "invalid": "invalid_count"}
OWN_UNIT_NOTE = "Thành viên của đơn vị đề nghị"
NOTE_MAX = 500
# A nomination the council has not yet voted on: what close_review waits for.
AWAITING_RESULT = NominationState.ELIGIBLE


def session_day(council_session: CouncilSession) -> date:
    return council_session.scheduled_at.astimezone(LOCAL_TZ).date()


def nomination_of(session: Session, poll: Poll) -> Nomination:
    return session.get(Nomination, poll.agenda_item.nomination_id)


def rules_for(session: Session, poll: Poll) -> CouncilRules:
    item = poll.agenda_item
    title = nomination_of(session, poll).title_code
    return council_rules(session, item.session.council, title_code=title, day=session_day(item.session))


def may_vote(status: str | None, rules: CouncilRules) -> bool:
    """Present, or absent with a written opinion where the rules count it as a vote."""
    return status == "present" or (status == "written" and rules.absent_vote_in_writing)


def _attendance(session: Session, council_session: CouncilSession) -> dict[int, str]:
    rows = session.execute(
        select(Attendance.user_id, Attendance.status).where(Attendance.session_id == council_session.id)
    )
    return {user_id: status for user_id, status in rows}


def create_polls(session: Session, council_session: CouncilSession, *, actor: User, mode: str = "electronic"):
    """One poll per agenda item that has none yet, secret or open as the rules for the item's title say.
    Raises PermissionDenied, InvalidInput."""
    if not can_manage_polls(actor, council_session):
        raise PermissionDenied()
    if mode not in POLL_MODES:
        raise InvalidInput({"mode": [msg("Hình thức biểu quyết không hợp lệ.")]})
    if council_session.state == SessionState.CLOSED:
        raise InvalidInput({"session": [msg("Phiên họp đã kết thúc.")]})
    day = session_day(council_session)
    created = []
    for item in council_session.agenda_items:
        if item.poll is not None:
            continue
        title = session.get(Nomination, item.nomination_id).title_code
        rules = council_rules(session, council_session.council, title_code=title, day=day)
        poll = Poll(agenda_item_id=item.id, secret=rules.secret, mode=mode)
        session.add(poll)
        created.append(poll)
    session.flush()
    session.expire(council_session, ["agenda_items"])
    audit.append(
        session,
        entity_type="council_session",
        entity_id=council_session.id,
        action="create_polls",
        actor_id=actor.id,
        data={"polls": [p.id for p in created], "mode": mode},
    )
    return created


def declare_conflict(session: Session, poll: Poll, *, actor: User, member: User, note: str) -> PollParticipation:
    """Before the poll starts, a voting member (or the secretary or chair for them) declares a conflict of
    interest: the member is recused from this item. Raises PermissionDenied, InvalidInput."""
    if not (can_manage_polls(actor, poll) or (actor.id == member.id and can_vote(actor))):
        raise PermissionDenied()
    note = (note or "").strip()
    errors = []
    if poll.state != PollState.CREATED:
        errors.append(msg("Chỉ khai báo trước khi bắt đầu biểu quyết."))
    if not note or len(note) > NOTE_MAX:
        errors.append(msg("Cần ghi lý do (tối đa %(limit)s ký tự).", limit=NOTE_MAX))
    council_session = poll.agenda_item.session
    members = {m.user_id for m in voting_members(session, council_session.council, session_day(council_session))}
    if member.id not in members:
        errors.append(msg("%(name)s không phải thành viên biểu quyết của Hội đồng.", name=member.full_name))
    if errors:
        raise InvalidInput({"conflict": errors})
    row = session.get(PollParticipation, (poll.id, member.id))
    if row is None:
        row = PollParticipation(poll_id=poll.id, user_id=member.id)
        session.add(row)
    row.recused, row.note = True, note
    session.flush()
    audit.append(
        session,
        entity_type="poll",
        entity_id=poll.id,
        action="declare_conflict",
        actor_id=actor.id,
        data={"member_id": member.id, "note": note},
    )
    return row


def conflicts_open(
    session: Session, council_session: CouncilSession, member: User
) -> dict[int, PollParticipation | None]:
    """Poll id → the member's declared conflict (None before one), for each poll of the session not yet started in
    which the member votes: where the member may still declare one."""
    members = {m.user_id for m in voting_members(session, council_session.council, session_day(council_session))}
    if member.id not in members:
        return {}
    return {
        item.poll.id: session.get(PollParticipation, (item.poll.id, member.id))
        for item in council_session.agenda_items
        if item.poll is not None and item.poll.state == PollState.CREATED
    }


def start_poll(session: Session, poll: Poll, *, actor: User, version: int | None = None):
    """Freeze who may vote, the base and the threshold, and open the vote. Refused without quorum (GuardFailed
    naming the numbers). Raises PermissionDenied, StaleObject, TransitionNotAllowed, InvalidInput."""
    council_session = poll.agenda_item.session
    if council_session.state != SessionState.OPEN:
        raise InvalidInput({"session": [msg("Phiên họp chưa khai mạc hoặc đã kết thúc.")]})
    rules = rules_for(session, poll)
    members = voting_members(session, council_session.council, session_day(council_session))
    attendance = _attendance(session, council_session)
    declared = {
        p.user_id: p for p in session.scalars(select(PollParticipation).where(PollParticipation.poll_id == poll.id))
    }
    proposing_unit = nomination_of(session, poll).dossier.unit_id
    new_rows, entitled, voters = [], 0, 0
    for membership in members:
        if membership.user_id in declared:
            recused = declared[membership.user_id].recused
        else:
            recused = rules.recuse_own_unit and membership.user.unit_id == proposing_unit
            new_rows.append(
                PollParticipation(
                    poll_id=poll.id, user_id=membership.user_id, recused=recused, note=OWN_UNIT_NOTE if recused else ""
                )
            )
        if not recused:
            entitled += 1
            voters += may_vote(attendance.get(membership.user_id), rules)
    base_count = entitled if rules.base == "total" else voters
    quorum = quorum_of(session, council_session, rules.quorum_ratio)
    entry = fire(
        POLL,
        poll,
        "start",
        actor=actor,
        data={
            "entitled": entitled,
            "recused": len(members) - entitled,
            "may_vote": voters,
            "base": rules.base,
            "base_count": base_count,
            "pass_ratio": str(rules.pass_ratio),
            "present": f"{quorum.present}/{quorum.members}",
        },
        context={"quorum": quorum},
        changes={
            "entitled_count": entitled,
            "base": rules.base,
            "base_count": base_count,
            "pass_ratio": rules.pass_ratio,
            "yes_count": 0,
            "no_count": 0,
            "abstain_count": 0,
            "invalid_count": 0,
            "started_at": story_now(),
        },
        expected_version=version,
    )
    session.add_all(new_rows)
    session.flush()
    return entry


def cast_vote(session: Session, poll: Poll, *, member: User, choice: str) -> None:
    """One electronic vote (see the module's docstring for what it writes and what it never writes). Raises
    PermissionDenied (not entitled, recused), InvalidInput (not open, absent, already voted, unknown choice),
    StaleObject (SQLite's lock lost to a simultaneous vote: try again)."""
    if choice not in BALLOT_CHOICES:
        raise InvalidInput({"choice": [msg("Lựa chọn biểu quyết không hợp lệ.")]})
    if poll.state != PollState.STARTED or poll.mode != "electronic":
        raise InvalidInput({"poll": [msg("Nội dung này không mở để biểu quyết điện tử.")]})
    participation = session.get(PollParticipation, (poll.id, member.id))
    if not can_vote(member) or participation is None or participation.recused:
        raise PermissionDenied()
    status = session.get(Attendance, (poll.agenda_item.session_id, member.id))
    if not may_vote(status.status if status else None, rules_for(session, poll)):
        raise InvalidInput({"poll": [msg("Chỉ thành viên có mặt tại phiên họp mới được biểu quyết.")]})
    counter = COUNTERS[choice]
    try:
        marked = session.execute(
            update(PollParticipation)
            .where(
                PollParticipation.poll_id == poll.id,
                PollParticipation.user_id == member.id,
                PollParticipation.voted.is_(False),
                PollParticipation.recused.is_(False),
            )
            .values(voted=True, choice=None if poll.secret else choice)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:
            raise InvalidInput({"poll": [msg("Bạn đã biểu quyết nội dung này.")]})
        counted = session.execute(
            update(Poll)
            .where(Poll.id == poll.id, Poll.state == PollState.STARTED)
            .values({counter: getattr(Poll, counter) + 1})
            .execution_options(synchronize_session=False)
        )
    except OperationalError as error:
        if "locked" in str(error.orig).lower():
            raise StaleObject() from None
        raise
    if counted.rowcount != 1:
        raise InvalidInput({"poll": [msg("Nội dung này không mở để biểu quyết điện tử.")]})
    session.expire(participation)
    session.expire(poll, [counter])


def vote_on_ballot(session: Session, polls: list[Poll], *, member: User, choices: dict[int, str]) -> None:
    """A member's ballot for one title: a choice for every poll listed, all cast in one transaction (the caller
    commits once, or rolls back all of them). Raises what cast_vote raises, and InvalidInput for a poll left
    without a choice or a choice for a poll not on the ballot."""
    ids = {p.id for p in polls}
    missing = [p for p in polls if choices.get(p.id) not in BALLOT_CHOICES]
    if missing or set(choices) - ids:
        names = ", ".join(nomination_of(session, p).nominee.full_name for p in missing)
        raise InvalidInput({"choices": [msg("Cần chọn ý kiến cho từng trường hợp: %(names)s", names=names)]})
    for poll in polls:
        cast_vote(session, poll, member=member, choice=choices[poll.id])


def ballot_polls(session: Session, member: User) -> list[Poll]:
    """The started electronic polls the member may vote in now and has not voted in, by title then agenda order."""
    rows = session.scalars(
        select(Poll)
        .join(PollParticipation, PollParticipation.poll_id == Poll.id)
        .join(AgendaItem, AgendaItem.id == Poll.agenda_item_id)
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .join(Attendance, (Attendance.session_id == AgendaItem.session_id) & (Attendance.user_id == member.id))
        .where(
            Poll.state == PollState.STARTED,
            Poll.mode == "electronic",
            PollParticipation.user_id == member.id,
            PollParticipation.recused.is_(False),
            PollParticipation.voted.is_(False),
            Attendance.status.in_(("present", "written")),
        )
        .order_by(Nomination.title_code, AgendaItem.session_id, AgendaItem.position)
    )
    polls = list(rows)
    status = {p.id: session.get(Attendance, (p.agenda_item.session_id, member.id)).status for p in polls}
    return [p for p in polls if may_vote(status[p.id], rules_for(session, p))]


@dataclass(frozen=True)
class Ballot:
    """One title's ballot: the member's open polls of that title, in agenda order."""

    title_code: str
    title_name: DataLabel | str
    polls: list[Poll]


def ballots(session: Session, member: User) -> list[Ballot]:
    """The member's open ballots, one per title (ballot_polls come sorted by title)."""
    names = title_names(session)
    by_title = groupby(ballot_polls(session, member), key=lambda poll: nomination_of(session, poll).title_code)
    return [Ballot(code, names.get(code, code), list(polls)) for code, polls in by_title]


def vote_on_ballots(session: Session, member: User, choices: dict[int, str]) -> None:
    """Choices by poll id, for whole ballots: every open poll of each title they touch needs one (vote_on_ballot);
    all are cast or none. A poll not on the member's open ballot is refused by number, saying whether they have
    already voted in it."""
    open_ballots = [b for b in ballots(session, member) if any(p.id in choices for p in b.polls)]
    on_ballot = {p.id for b in open_ballots for p in b.polls}
    stray = [poll_id for poll_id in choices if poll_id not in on_ballot]
    if stray:
        voted = set(
            session.scalars(
                select(PollParticipation.poll_id).where(
                    PollParticipation.user_id == member.id,
                    PollParticipation.poll_id.in_(stray),
                    PollParticipation.voted.is_(True),
                )
            )
        )
        problems = [
            msg("Bạn đã biểu quyết nội dung số %(id)s; không biểu quyết lại được.", id=poll_id)
            if poll_id in voted
            else msg("Nội dung số %(id)s không mở để bạn biểu quyết.", id=poll_id)
            for poll_id in stray
        ]
        raise InvalidInput({"choices": problems})
    polls = [p for b in open_ballots for p in b.polls]
    vote_on_ballot(session, polls, member=member, choices=choices)


def voters_limit(session: Session, poll: Poll) -> int:
    """How many ballots the poll can hold: the entitled members who may vote (present, or in writing)."""
    rules = rules_for(session, poll)
    attendance = _attendance(session, poll.agenda_item.session)
    entitled = session.scalars(
        select(PollParticipation.user_id).where(
            PollParticipation.poll_id == poll.id, PollParticipation.recused.is_(False)
        )
    )
    return sum(may_vote(attendance.get(uid), rules) for uid in entitled)


def enter_paper_totals(
    session: Session,
    poll: Poll,
    *,
    actor: User,
    yes: int,
    no: int,
    abstain: int,
    invalid: int,
    version: int | None = None,
):
    """The counting committee's totals from the paper ballots, entered by the secretary or the chair (again, to
    correct them, until the poll finishes). Refused when they exceed the members who may vote. Raises
    PermissionDenied, InvalidInput, StaleObject."""
    if not can_manage_polls(actor, poll):
        raise PermissionDenied()
    if poll.state != PollState.STARTED or poll.mode != "paper":
        raise InvalidInput({"poll": [msg("Chỉ nhập kết quả kiểm phiếu giấy khi đang biểu quyết bằng phiếu giấy.")]})
    if version is not None and version != poll.version:
        raise StaleObject()
    counts = {"yes_count": yes, "no_count": no, "abstain_count": abstain, "invalid_count": invalid}
    if any(not isinstance(n, int) or n < 0 for n in counts.values()):
        raise InvalidInput({"totals": [msg("Số phiếu phải là số nguyên không âm.")]})
    limit, total = voters_limit(session, poll), sum(counts.values())
    if total > limit:
        raise InvalidInput(
            {
                "totals": [
                    msg(
                        "Tổng số phiếu (%(total)s) vượt quá số thành viên được biểu quyết có mặt (%(limit)s).",
                        total=total,
                        limit=limit,
                    )
                ]
            }
        )
    for column, value in counts.items():
        setattr(poll, column, value)
    try:
        session.flush()
    except StaleDataError:
        raise StaleObject() from None
    return audit.append(
        session,
        entity_type="poll",
        entity_id=poll.id,
        action="enter_paper_totals",
        actor_id=actor.id,
        data={"yes": yes, "no": no, "abstain": abstain, "invalid": invalid},
    )


def finish_poll(session: Session, poll: Poll, *, actor: User, version: int | None = None):
    """Close one vote (`finish_polls` for one poll)."""
    return finish_polls(session, [poll], actor=actor, versions={poll.id: version})[0]


def finish_polls(
    session: Session, polls: list[Poll], *, actor: User, versions: dict[int, int | None] | None = None
) -> list[dict]:
    """Close the votes and compute the results: passed when the agreeing votes reach the frozen ratio of the frozen
    base. Each audit entry records the totals and how many members voted, never who voted how. The counters are
    read afresh and must still hold when the state changes, so a vote that commits meanwhile makes it StaleObject
    (try again) and a result always matches its counters. `versions`: the version each poll's page showed."""
    ids = [poll.id for poll in polls]
    # Fresh counters, and in the same query what the permission check reads (the item's session and council).
    reread = (
        select(Poll)
        .where(Poll.id.in_(ids))
        .options(joinedload(Poll.agenda_item).joinedload(AgendaItem.session).joinedload(CouncilSession.council))
        .execution_options(populate_existing=True)
    )
    fresh = {poll.id: poll for poll in session.scalars(reread)}
    voted = dict(
        session.execute(
            select(PollParticipation.poll_id, func.count())
            .where(PollParticipation.poll_id.in_(ids), PollParticipation.voted.is_(True))
            .group_by(PollParticipation.poll_id)
        ).all()
    )
    now = story_now()
    firings = []
    for poll in (fresh[i] for i in ids):
        counts = _counts(poll)
        passed = reaches(poll.yes_count, poll.pass_ratio, poll.base_count)
        data = {
            **counts,
            "voted": voted.get(poll.id, 0),
            "entitled": poll.entitled_count,
            "base_count": poll.base_count,
            "passed": passed,
        }
        firings.append(
            Firing(
                poll,
                "finish",
                data=data,
                changes={"passed": passed, "finished_at": now},
                unchanged={COUNTER_COLUMNS[name]: value for name, value in counts.items()},
                expected_version=(versions or {}).get(poll.id),
            )
        )
    return fire_many(POLL, firings, actor=actor)


def _counts(poll: Poll) -> dict[str, int]:
    return {"yes": poll.yes_count, "no": poll.no_count, "abstain": poll.abstain_count, "invalid": poll.invalid_count}


def publish_poll(session: Session, poll: Poll, *, actor: User, version: int | None = None):
    """Announce one result (`publish_polls` for one poll)."""
    return publish_polls(session, [poll], actor=actor, versions={poll.id: version})[0]


def publish_polls(
    session: Session, polls: list[Poll], *, actor: User, versions: dict[int, int | None] | None = None
) -> list[dict]:
    """Announce the results and apply them through the engine: each nomination is approved, or not approved for
    not reaching the council's threshold; a dossier none of whose nominations awaits a result any more leaves the
    council (close_review). Every step is a transition with its audit entry, all in the caller's transaction.
    Returns the polls' `publish` entries."""
    published = fire_many(
        POLL, [Firing(poll, "publish", expected_version=(versions or {}).get(poll.id)) for poll in polls], actor=actor
    )
    by_id = {
        n.id: n
        for n in session.scalars(
            select(Nomination)
            .where(Nomination.id.in_([poll.agenda_item.nomination_id for poll in polls]))
            .options(selectinload(Nomination.dossier).selectinload(Dossier.nominations))
        )
    }
    results = []
    for poll in polls:
        nomination = by_id[poll.agenda_item.nomination_id]
        facts = {"poll_id": poll.id, **_counts(poll), "base_count": poll.base_count, "pass_ratio": str(poll.pass_ratio)}
        if poll.passed:
            results.append(Firing(nomination, "approve", data=facts))
        else:
            results.append(
                Firing(
                    nomination,
                    "not_approve",
                    data={**facts, "reason": "criteria_not_met", "comment": "Không đạt tỷ lệ đồng ý của Hội đồng"},
                    changes={"outcome_reason": "criteria_not_met"},
                )
            )
    fire_many(NOMINATION, results, actor=actor)
    dossiers = {n.dossier.id: n.dossier for n in by_id.values()}.values()
    # A state test first, not _without_result: its names would load every waiting nominee of every dossier.
    done = [
        d
        for d in dossiers
        if d.state == DossierState.IN_COUNCIL and all(n.state != AWAITING_RESULT for n in d.nominations)
    ]
    fire_many(
        DOSSIER,
        [
            Firing(d, "close_review", data={"comment": ""}, context={"nominations_without_result": _without_result(d)})
            for d in done
        ],
        actor=actor,
    )
    return published


# What the secretary may do to every poll of a session at once (the session page's "… tất cả" buttons).
ALL_AT_ONCE = ("start", "finish", "publish")


def ready_for(council_session: CouncilSession, trigger: str) -> list[Poll]:
    """The session's polls, in agenda order, that `trigger` applies to now: created ones to start, started ones to
    finish (a paper poll only once the counting committee's totals are in), finished ones to publish."""
    polls = [item.poll for item in council_session.agenda_items if item.poll is not None]
    source = {"start": PollState.CREATED, "finish": PollState.STARTED, "publish": PollState.FINISHED}[trigger]
    return [
        p for p in polls if p.state == source and (trigger != "finish" or p.mode != "paper" or sum(_counts(p).values()))
    ]


def act_on_all(session: Session, council_session: CouncilSession, trigger: str, *, actor: User) -> int:
    """Start, finish or publish every poll of the session ready for it, in one transaction: all or none (a refusal
    of one, e.g. no quorum, refuses them all). Returns how many polls moved."""
    if trigger not in ALL_AT_ONCE:
        raise InvalidInput({"trigger": [msg("Thao tác này không áp dụng cho nhiều nội dung cùng lúc.")]})
    polls = ready_for(council_session, trigger)
    if trigger == "start":
        for poll in polls:
            start_poll(session, poll, actor=actor)
    elif polls:
        (finish_polls if trigger == "finish" else publish_polls)(session, polls, actor=actor)
    return len(polls)


def _awaiting(dossier: Dossier) -> bool:
    return any(n.state == AWAITING_RESULT for n in dossier.nominations)


def _without_result(dossier: Dossier) -> list[str]:
    return [n.nominee.full_name for n in dossier.nominations if n.state == AWAITING_RESULT]


def close_review(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    """in_council → awaiting_decision, once every nomination the council took up has its result. Raises
    GuardFailed naming those still waiting, PermissionDenied, StaleObject, TransitionNotAllowed."""
    return fire(
        DOSSIER,
        dossier,
        "close_review",
        actor=actor,
        data={"comment": (comment or "").strip()},
        context={"nominations_without_result": _without_result(dossier)},
        expected_version=version,
    )


@dataclass(frozen=True)
class Tally:
    """One poll's result as the minutes print it: the votes, agreeing votes as a percentage of the base, and
    whether they reached the threshold."""

    poll_id: int
    nomination_id: int
    agree: int
    disagree: int
    abstain: int
    invalid: int
    base_count: int
    percent: Decimal
    passed: bool


def tally(polls: Iterable[Poll]) -> list[Tally]:
    """Pure: reads only the polls' frozen base, threshold and counters (started polls; created ones are
    skipped). `percent` is rounded to two places; `passed` compares the exact count, not the rounded percent."""
    results = []
    for poll in polls:
        if poll.base_count is None:
            continue
        yes = poll.yes_count or 0
        percent = (
            (Decimal(yes * 100) / poll.base_count).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if poll.base_count
            else Decimal(0)
        )
        results.append(
            Tally(
                poll_id=poll.id,
                nomination_id=poll.agenda_item.nomination_id,
                agree=yes,
                disagree=poll.no_count or 0,
                abstain=poll.abstain_count or 0,
                invalid=poll.invalid_count or 0,
                base_count=poll.base_count,
                percent=percent,
                passed=reaches(yes, poll.pass_ratio, poll.base_count),
            )
        )
    return results


@dataclass(frozen=True)
class Result:
    """A published poll's tally with the nomination it decided."""

    tally: Tally
    nomination: Nomination
    base: str  # total, present
    pass_ratio: Decimal


def published_results(session: Session, council_session: CouncilSession) -> list[Result]:
    """The session's published polls, in agenda order."""
    polls = [i.poll for i in council_session.agenda_items if i.poll is not None and i.poll.state == PollState.PUBLISHED]
    return [
        Result(counted, nomination_of(session, poll), poll.base, poll.pass_ratio)
        for counted, poll in zip(tally(polls), polls, strict=True)
    ]


@dataclass(frozen=True)
class Progress:
    """What the chair and secretary watch: who has voted and who may vote but has not yet (names in name order,
    never in vote order, never with a choice), the entitled members who cannot vote for being away, who is recused
    and why."""

    voted: list[str]
    waiting: list[str]
    recused: list[tuple[str, str]]
    away: list[str]


def progress(session: Session, poll: Poll) -> Progress:
    rows = session.execute(
        select(User.id, User.full_name, PollParticipation.voted, PollParticipation.recused, PollParticipation.note)
        .join(User, User.id == PollParticipation.user_id)
        .where(PollParticipation.poll_id == poll.id)
    ).all()
    # Name order (never the order of voting): Vietnamese alphabetical by given name.
    rows.sort(key=lambda r: person_order(r.full_name))
    rules, attendance = rules_for(session, poll), _attendance(session, poll.agenda_item.session)
    pending = [r for r in rows if not r.voted and not r.recused]
    return Progress(
        voted=[r.full_name for r in rows if r.voted],
        waiting=[r.full_name for r in pending if may_vote(attendance.get(r.id), rules)],
        recused=[(r.full_name, r.note) for r in rows if r.recused],
        away=[r.full_name for r in pending if not may_vote(attendance.get(r.id), rules)],
    )
