"""Council sessions: scheduling one with its agenda, adding accepted dossiers to it, the attendance, and opening and
closing it through the engine; and the dossier's way past the council under the simplified procedure. Services
flush, never commit; each fired transition leaves its own audit entry and outbox event in the caller's
transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, object_session, selectinload

from models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilMembership,
    CouncilSession,
    Dossier,
    Nomination,
    Nominee,
    Poll,
    User,
)
from models.catalogue import AwardTitle, ProcedureRule
from models.council import ATTENDANCE_STATUSES, PollState, SessionState
from models.dossier import DossierState
from workflow.core import audit
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import COUNCIL_SESSION, DOSSIER
from workflow.core.messages import DataLabel, data_label, msg
from workflow.core.today import local_day, local_today, story_now
from workflow.core.vietnamese import person_order
from workflow.council.quorum import Quorum, quorum_of
from workflow.council.rules import council_rules, voting_members
from workflow.decisions import public
from workflow.dossiers.appraisal import schedulable
from workflow.permissions import can_manage_council_sessions, can_preside_council_session
from workflow.rules.eligibility.basis import rule_book_on

TITLE_MAX = LOCATION_MAX = NOTE_MAX = 200
# Attendance is kept until the session closes: a late arrival is marked present while it is open.
ATTENDANCE_STATES = (SessionState.SCHEDULED, SessionState.OPEN)


# --- scheduling and the agenda ---------------------------------------------------------------------------------------


def schedule_session(
    session: Session,
    council: Council,
    *,
    actor: User,
    scheduled_at: datetime,
    location: str,
    title: str,
    dossiers: Sequence[Dossier] = (),
) -> CouncilSession:
    """A new session of the council, its agenda built from the dossiers' eligible nominations, each dossier moved
    to in_council. Raises PermissionDenied, InvalidInput (every bad field and dossier at once), and whatever `fire`
    raises; the caller rolls back, so nothing is half-written."""
    if not can_manage_council_sessions(actor, council):
        raise PermissionDenied()
    title, location = (title or "").strip(), (location or "").strip()
    errors: dict[str, list[str]] = {}
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [msg("Vui lòng nhập tên phiên họp (tối đa %(max)s ký tự).", max=TITLE_MAX)]
    if len(location) > LOCATION_MAX:
        errors["location"] = [msg("Địa điểm tối đa %(max)s ký tự.", max=LOCATION_MAX)]
    day = local_day(scheduled_at)
    if day < local_today():
        errors["scheduled_at"] = [msg("Ngày họp không được trước hôm nay.")]
    elif day < council.term_start or (council.term_end is not None and day > council.term_end):
        errors["scheduled_at"] = [msg("Ngày họp nằm ngoài nhiệm kỳ của Hội đồng.")]
    errors.update(_agenda_errors(council, dossiers))
    if errors:
        raise InvalidInput(errors)
    council_session = CouncilSession(
        council=council, title=title, location=location, scheduled_at=scheduled_at, state=SessionState.SCHEDULED
    )
    session.add(council_session)
    session.flush()
    audit.append(
        session,
        entity_type=COUNCIL_SESSION.name,
        entity_id=council_session.id,
        action="schedule_session",
        actor_id=actor.id,
        to_state=SessionState.SCHEDULED,
        data={"title": title, "location": location, "scheduled_at": scheduled_at.isoformat()},
    )
    _add_to_agenda(session, council_session, dossiers, actor=actor)
    return council_session


def schedule_by_ids(
    session: Session,
    *,
    actor: User,
    council_id: int | None,
    dossier_ids: Sequence[int],
    scheduled_at: datetime,
    location: str,
    title: str,
) -> CouncilSession:
    """`schedule_session` for a caller who names the council and the dossiers by id: the council one of those the
    actor keeps (the newest term when none is named), the dossiers among its accepted ones. A dossier's problem is
    reported under `dossier_ids`, the field the caller wrote."""
    council = next((c for c in councils_kept_by(session, actor) if council_id in (None, c.id)), None)
    if council is None:
        raise InvalidInput({"council_id": [msg("Không có Hội đồng này trong các Hội đồng bạn quản lý.")]})
    accepted = {d.id: d for d in accepted_dossiers(session, council)}
    unknown = [str(i) for i in dossier_ids if i not in accepted]
    if unknown:
        raise InvalidInput(
            {"dossier_ids": [msg("Không phải hồ sơ đã tiếp nhận của cơ quan này: %(ids)s.", ids=", ".join(unknown))]}
        )
    chosen = [accepted[i] for i in dict.fromkeys(dossier_ids)]
    try:
        return schedule_session(
            session, council, actor=actor, scheduled_at=scheduled_at, location=location, title=title, dossiers=chosen
        )
    except InvalidInput as error:
        errors = dict(error.errors)
        if "dossiers" in errors:
            errors["dossier_ids"] = errors.pop("dossiers")
        raise InvalidInput(errors) from None


def schedule(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    council_session_id: int | None = None,
    version: int | None = None,
):
    """The dossier page's "Đưa ra Hội đồng": onto the agenda of a session already scheduled, chosen in the dialog."""
    council_session = session.get(CouncilSession, council_session_id) if council_session_id else None
    if (
        council_session is None
        or council_session.state != SessionState.SCHEDULED
        or council_session.council.authority_id != dossier.authority_id
    ):
        raise InvalidInput({"council_session_id": [msg("Vui lòng chọn một phiên họp sắp tới của Hội đồng cấp này.")]})
    errors = _agenda_errors(council_session.council, [dossier])
    if errors:
        raise InvalidInput(errors)
    return _add_to_agenda(session, council_session, [dossier], actor=actor, version=version)[0]


def _agenda_errors(council: Council, dossiers: Sequence[Dossier]) -> dict[str, list[str]]:
    """Every dossier that cannot go before this council, each named."""
    problems = []
    for dossier in dossiers:
        if dossier.authority_id != council.authority_id:
            problems.append(msg("Hồ sơ %(code)s không thuộc thẩm quyền của Hội đồng này.", code=dossier.code))
        elif dossier.state != DossierState.ACCEPTED:
            problems.append(msg("Hồ sơ %(code)s chưa ở trạng thái đã tiếp nhận.", code=dossier.code))
        elif not any(schedulable(n) for n in dossier.nominations):
            problems.append(
                msg(
                    "Hồ sơ %(code)s chưa có đề nghị nào được thẩm định đủ điều kiện để đưa ra Hội đồng.",
                    code=dossier.code,
                )
            )
        else:
            eligible = [n for n in dossier.nominations if schedulable(n)]
            problems += public.schedule_problems(object_session(dossier), eligible, local_today())
    return {"dossiers": problems} if problems else {}


def _add_to_agenda(
    session: Session,
    council_session: CouncilSession,
    dossiers: Sequence[Dossier],
    *,
    actor: User,
    version: int | None = None,
) -> list:
    """Put the dossiers' eligible nominations on the agenda, renumbered by title then nominee, and fire `schedule`
    on each dossier."""
    entries = []
    last = session.scalar(
        select(func.coalesce(func.max(AgendaItem.position), 0)).where(AgendaItem.session_id == council_session.id)
    )
    for dossier in dossiers:
        eligible = [n for n in dossier.nominations if schedulable(n)]
        for nomination in eligible:
            last += 1
            session.add(AgendaItem(session_id=council_session.id, nomination_id=nomination.id, position=last))
        entries.append(
            fire(
                DOSSIER,
                dossier,
                "schedule",
                actor=actor,
                data={"council_session_id": council_session.id, "nominations": [n.id for n in eligible]},
                context={"eligible_nominations": len(eligible)},
                expected_version=version,
            )
        )
    _renumber(session, council_session)
    return entries


def _renumber(session: Session, council_session: CouncilSession) -> None:
    """Positions 1..n by title, then nominee in Vietnamese name order. Turned negative first: (session, position) is
    unique at every row."""
    rows = session.execute(
        select(AgendaItem.id, Nomination.title_code, Nominee.full_name, Nomination.id.label("nomination_id"))
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .join(Nominee, Nominee.id == Nomination.nominee_id)
        .where(AgendaItem.session_id == council_session.id)
    ).all()
    rows.sort(key=lambda r: (r.title_code, person_order(r.full_name), r.nomination_id))
    ordered = [r.id for r in rows]
    mine = AgendaItem.session_id == council_session.id
    session.execute(update(AgendaItem).where(mine).values(position=-AgendaItem.position))
    for position, item_id in enumerate(ordered, start=1):
        session.execute(update(AgendaItem).where(AgendaItem.id == item_id).values(position=position))
    session.expire(council_session, ["agenda_items"])


def skip_council(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    """Straight to the decision, for a procedure whose rules make the council's review optional (the simplified
    procedure)."""
    optional = session.scalar(
        select(ProcedureRule.council_review_optional).where(
            ProcedureRule.rule_set_id == dossier.rule_set_id, ProcedureRule.procedure == dossier.procedure
        )
    )
    return fire(
        DOSSIER,
        dossier,
        "skip_council",
        actor=actor,
        data={"comment": (comment or "").strip()},
        context={"council_review_optional": bool(optional)},
        expected_version=version,
    )


# --- attendance, opening and closing ---------------------------------------------------------------------------------


def record_attendance(
    session: Session,
    council_session: CouncilSession,
    *,
    actor: User,
    statuses: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
) -> None:
    """Each voting member's attendance (present, absent, or absent with a written opinion), while the session is
    scheduled or open; one audit entry for the whole sheet. Raises PermissionDenied, InvalidInput."""
    if not can_manage_council_sessions(actor, council_session):
        raise PermissionDenied()
    if council_session.state not in ATTENDANCE_STATES:
        raise InvalidInput({"attendance": [msg("Phiên họp đã bế mạc; không sửa được danh sách có mặt.")]})
    notes = notes or {}
    members = {m.user_id for m in voting_members(session, council_session.council, session_day(council_session))}
    problems = []
    if set(statuses) - members or set(notes) - members:
        problems.append(msg("Chỉ ghi nhận sự có mặt của thành viên Hội đồng có quyền biểu quyết."))
    if any(status not in ATTENDANCE_STATUSES for status in statuses.values()):
        problems.append(msg("Tình trạng có mặt không hợp lệ."))
    if any(len(note or "") > NOTE_MAX for note in notes.values()):
        problems.append(msg("Ghi chú tối đa %(max)s ký tự.", max=NOTE_MAX))
    if problems:
        raise InvalidInput({"attendance": problems})
    kept = {a.user_id: a for a in attendance_of(session, council_session)}
    for user_id, status in statuses.items():
        row = kept.get(user_id) or Attendance(session_id=council_session.id, user_id=user_id)
        row.status, row.note = status, (notes.get(user_id) or "").strip()
        session.add(row)
    session.flush()
    audit.append(
        session,
        entity_type=COUNCIL_SESSION.name,
        entity_id=council_session.id,
        action="record_attendance",
        actor_id=actor.id,
        data={"statuses": {str(uid): status for uid, status in sorted(statuses.items())}},
    )


def open_session(
    session: Session, council_session: CouncilSession, *, actor: User, version: int | None = None
) -> Quorum:
    """Opens the session and returns its quorum, which is recorded in the audit entry; opening does not need it
    (the chair may wait for late members), but no poll starts without it."""
    quorum = session_quorum(session, council_session)
    fire(
        COUNCIL_SESSION,
        council_session,
        "open",
        actor=actor,
        data={"present": quorum.present, "members": quorum.members, "quorum_reached": quorum.reached},
        changes={"opened_at": story_now()},
        expected_version=version,
    )
    return quorum


def close_session(session: Session, council_session: CouncilSession, *, actor: User, version: int | None = None):
    """Refused while a poll of its agenda is still started (a vote under way)."""
    running = session.scalar(
        select(func.count())
        .select_from(Poll)
        .join(AgendaItem, AgendaItem.id == Poll.agenda_item_id)
        .where(AgendaItem.session_id == council_session.id, Poll.state == PollState.STARTED)
    )
    return fire(
        COUNCIL_SESSION,
        council_session,
        "close",
        actor=actor,
        context={"polls_running": running},
        changes={"closed_at": story_now()},
        expected_version=version,
    )


# --- reading ---------------------------------------------------------------------------------------------------------


def session_day(council_session: CouncilSession):
    return local_day(council_session.scheduled_at)


def session_quorum(session: Session, council_session: CouncilSession) -> Quorum:
    """The quorum with the ratio in force on the session day (the rule set, or the council's own). Raises
    InvalidInput when no rule set covers the day."""
    rules = council_rules(session, council_session.council, title_code="", day=session_day(council_session))
    return quorum_of(session, council_session, rules.quorum_ratio)


def attendance_of(session: Session, council_session: CouncilSession) -> list[Attendance]:
    return list(session.scalars(select(Attendance).where(Attendance.session_id == council_session.id)))


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    nomination: Nomination
    nominee: Nominee
    dossier: Dossier


@dataclass(frozen=True)
class AgendaGroup:
    title_code: str
    title_name: DataLabel | str
    entries: list[AgendaEntry]


def agenda_groups(session: Session, council_session: CouncilSession) -> list[AgendaGroup]:
    """The agenda in its order, one group per title."""
    rows = session.execute(
        select(AgendaItem, Nomination, Nominee, Dossier)
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .join(Nominee, Nominee.id == Nomination.nominee_id)
        .join(Dossier, Dossier.id == Nomination.dossier_id)
        .where(AgendaItem.session_id == council_session.id)
        .order_by(AgendaItem.position)
        # The page shows each item's poll and each dossier's unit: loaded with the agenda, not one query per row.
        .options(selectinload(AgendaItem.poll), selectinload(Dossier.unit))
    ).all()
    book = rule_book_on(session, council_session.council.authority, session_day(council_session))
    # Every title's name in one query (the first rule set of the book's precedence that defines it, as award_title).
    codes = {row.Nomination.title_code for row in rows}
    defined = {}
    if book is not None and codes:
        for title in session.scalars(
            select(AwardTitle).where(AwardTitle.rule_set_id.in_(book.precedence), AwardTitle.code.in_(codes))
        ):
            defined[title.code, title.rule_set_id] = title
    names: dict[str, DataLabel | str] = {}
    for code in codes:
        title = next((defined[code, i] for i in (book.precedence if book else ()) if (code, i) in defined), None)
        names[code] = data_label(title) if title else code
    groups: list[AgendaGroup] = []
    for row in rows:
        entry = AgendaEntry(*row)
        code = entry.nomination.title_code
        if not groups or groups[-1].title_code != code:
            groups.append(AgendaGroup(code, names[code], []))
        groups[-1].entries.append(entry)
    return groups


def sessions_of(session: Session, actor: User):
    """The sessions the actor may see, newest first: their authority's for those who keep or chair the council, the
    councils they sit on for members."""
    query = select(CouncilSession).join(Council).order_by(CouncilSession.scheduled_at.desc(), CouncilSession.id)
    if can_preside_council_session(actor):
        return query.where(Council.authority_id == actor.unit.authority_id)
    return query.where(
        Council.id.in_(select(CouncilMembership.council_id).where(CouncilMembership.user_id == actor.id))
    )


def councils_kept_by(session: Session, actor: User) -> list[Council]:
    """The councils whose sessions the actor schedules: their authority's, the newest term first."""
    if not can_manage_council_sessions(actor):
        return []
    return list(
        session.scalars(
            select(Council)
            .where(Council.authority_id == actor.unit.authority_id)
            .order_by(Council.term_start.desc(), Council.id)
        )
    )


def upcoming_sessions(session: Session, authority_id: int) -> list[CouncilSession]:
    """The scheduled sessions a dossier of this authority can still be added to, soonest first."""
    return list(
        session.scalars(
            select(CouncilSession)
            .join(Council)
            .where(Council.authority_id == authority_id, CouncilSession.state == SessionState.SCHEDULED)
            .order_by(CouncilSession.scheduled_at, CouncilSession.id)
        )
    )


def accepted_dossiers(session: Session, council: Council) -> list[Dossier]:
    """The accepted dossiers of the council's authority, for ticking onto a new session's agenda."""
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.authority_id == council.authority_id, Dossier.state == DossierState.ACCEPTED)
            .options(selectinload(Dossier.unit), selectinload(Dossier.nominations))
            .order_by(Dossier.id)
        )
    )
