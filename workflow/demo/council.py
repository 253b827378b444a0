"""The district council's sessions in the Ngọc Hồi demo, held through the services (appraisal, scheduling,
attendance, polls, votes, results), so their audit entries and the minutes are real:

- a session held on 10 June 2025, closed, its results published (one nominee short of the threshold, one member
  recused), its dossiers awaiting the chairman's decision, still within their legal time;
- a session on the story day (16 June 2025, in the afternoon), scheduled with two of the accepted demo dossiers
  on its agenda, so a newcomer can open it and hold the vote at once. Phòng Giáo dục's accepted dossier stays out:
  the office still appraises it (its E5 warning) and can add it to a session from its page.

Idempotent: a session is looked up by its council and title; when it exists nothing of it is made again."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Council, CouncilSession, Dossier, Movement, Poll, PollParticipation, Unit, User
from models.dossier import DossierState
from workflow.core.today import LOCAL_TZ, local_today, told_on
from workflow.council import polls, sessions
from workflow.council.rules import voting_members
from workflow.demo.dossiers import STORIES, UNITS, upload_everything
from workflow.demo.movements import NAME as MOVEMENT_NAME
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps
from workflow.dossiers.appraisal import appraise, override_warning
from workflow.rules.applicable import DEFAULT_BASIS

OFFICE, SECRETARY, CHAIR = "noivu", "thuky", "chutich"
COUNCIL_NAME = "Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi"
LOCATION = "Phòng họp số 1, UBND huyện Ngọc Hồi"

# Early in June, so the dossiers it approved still wait for the decision within their time on the story day.
PAST_TITLE = "Phiên họp xét khen thưởng đợt 1 tháng 6 năm 2025"
PAST_FILED, PAST_SCHEDULED, PAST_DAY = date(2025, 6, 2), date(2025, 6, 4), date(2025, 6, 10)
PAST_DOSSIER_TITLE = "Đề nghị công nhận Lao động tiên tiến năm 2024 (đợt 1)"
# Nominees of the first round's dossiers: people of their own, so no one is proposed twice for the same year.
PAST_PEOPLE = {
    "TT-PLEIKAN": ("Lê Văn Quang", "Rơ Mah Hiền"),
    "XA-DAKXU": ("Y Mai", "Nguyễn Văn Sơn"),
    "P-GDDT": ("Trần Thị Thu", "A Tuấn"),
}
# Present: everyone but Đặng Quốc Bảo (uyvien6), away on duty.
PAST_ABSENT = {"uyvien6": "Đi công tác theo phân công"}
# Võ Thị Mai declares a conflict on one nominee, so the minutes show a recusal.
PAST_CONFLICT = ("uyvien4", "Y Mai", "Có quan hệ gia đình với người được đề nghị")
# Votes of the present members on each nominee: (yes, no, abstain); A Tuấn falls short of 2/3 of the eight members.
PAST_VOTES = {"A Tuấn": (4, 2, 1)}

STORY_TITLE = "Phiên họp xét khen thưởng đợt 2 tháng 6 năm 2025"
STORY_DAY = date(2025, 6, 16)
STORY_AT = time(14)
STORY_UNITS = ("TT-PLEIKAN", "XA-DAKXU")
E5_REASON = "Cá nhân có sáng kiến được công nhận cấp huyện; tỷ lệ vượt do đơn vị có ít Lao động tiên tiến."


def seed_demo_council(session: Session, upload_dir: Path) -> tuple[int, int]:
    """Hold the missing demo sessions; return (dossiers made, sessions made). Flushes, never commits."""
    council = session.scalar(select(Council).where(Council.name == COUNCIL_NAME))
    cast = {u.username: u for u in session.scalars(select(User))}
    dossiers = made = 0
    if _session(session, council, PAST_TITLE) is None:
        dossiers += _hold_past_session(session, council, cast, upload_dir)
        made += 1
    if _session(session, council, STORY_TITLE) is None and _story_session(session, council, cast):
        made += 1
    return dossiers, made


def _session(session: Session, council: Council, title: str) -> CouncilSession | None:
    return session.scalar(
        select(CouncilSession).where(CouncilSession.council_id == council.id, CouncilSession.title == title)
    )


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, LOCAL_TZ)


def _appraise(session: Session, dossier: Dossier, office: User) -> None:
    """Every nomination appraised; an E5 (quota) warning accepted in writing, as the office would."""
    for nomination in dossier.nominations:
        verdict = appraise(session, nomination, actor=office, today=local_today(), basis=DEFAULT_BASIS)
        if verdict.outcome == "pending" and [f.rule for f in verdict.open_warnings] == ["E5"]:
            override_warning(
                session, nomination, rule="E5", reason=E5_REASON, actor=office, today=local_today(),
                basis=DEFAULT_BASIS,
            )  # fmt: skip


def _past_dossier(session: Session, cast: dict[str, User], unit_code: str, upload_dir: Path) -> Dossier:
    officer, head = (cast[name] for name in UNITS[unit_code][:2])
    # The first round's dossiers grew out of the district's movement, so its review counts them and their awards.
    movement_id = session.scalar(select(Movement.id).where(Movement.name == MOVEMENT_NAME))
    dossier = service.create_dossier(
        session, actor=officer, procedure="regular", year=2024, title=PAST_DOSSIER_TITLE, movement_id=movement_id
    )
    for n, name in enumerate(PAST_PEOPLE[unit_code]):
        service.add_nomination(
            session,
            dossier,
            actor=officer,
            data=service.NomineeInput(
                kind="person",
                full_name=name,
                title_code="LDTT",
                date_of_birth=date(1980 + 4 * n, 3 + n, 12),
                position="Viên chức" if n else "Công chức",
                annual_rating="good",
                months_of_service=12,
                achievement="Hoàn thành tốt nhiệm vụ năm 2024; tích cực tham gia phong trào thi đua.",
            ),
        )
    upload_everything(session, dossier, officer, upload_dir)
    steps.submit_to_head(session, dossier, actor=officer, comment="Kính trình Thủ trưởng ký tờ trình.")
    steps.approve_submission(session, dossier, actor=head, sign_off=True, comment="Đồng ý, đề nghị xét.")
    steps.accept(session, dossier, actor=cast[OFFICE], comment="Hồ sơ đầy đủ, tiếp nhận.")
    _appraise(session, dossier, cast[OFFICE])
    return dossier


def _hold_past_session(session: Session, council: Council, cast: dict[str, User], upload_dir: Path) -> int:
    """The first round's session, from the dossiers' filing to its close; returns how many dossiers it made."""
    with told_on(PAST_FILED):
        dossiers = [_past_dossier(session, cast, code, upload_dir) for code in PAST_PEOPLE]
    with told_on(PAST_SCHEDULED):
        held = sessions.schedule_session(
            session, council, actor=cast[SECRETARY], scheduled_at=_local(PAST_DAY, time(14)),
            location=LOCATION, title=PAST_TITLE, dossiers=dossiers,
        )  # fmt: skip
    with told_on(PAST_DAY, time(14)):
        members = voting_members(session, council, PAST_DAY)
        absent = {cast[name].id: note for name, note in PAST_ABSENT.items()}
        sessions.record_attendance(
            session, held, actor=cast[SECRETARY],
            statuses={m.user_id: "absent" if m.user_id in absent else "present" for m in members}, notes=absent,
        )  # fmt: skip
        sessions.open_session(session, held, actor=cast[CHAIR])
        created = polls.create_polls(session, held, actor=cast[SECRETARY])
        username, nominee, note = PAST_CONFLICT
        for poll in created:
            if polls.nomination_of(session, poll).nominee.full_name == nominee:
                polls.declare_conflict(session, poll, actor=cast[username], member=cast[username], note=note)
    with told_on(PAST_DAY, time(14, 20)):
        for poll in created:
            polls.start_poll(session, poll, actor=cast[CHAIR])
        for poll in created:
            _vote(session, poll, absent=set(absent))
    with told_on(PAST_DAY, time(15, 10)):
        for poll in created:
            polls.finish_poll(session, poll, actor=cast[SECRETARY])
            polls.publish_poll(session, poll, actor=cast[CHAIR])
    with told_on(PAST_DAY, time(16, 30)):
        sessions.close_session(session, held, actor=cast[CHAIR])
    return len(dossiers)


def _vote(session: Session, poll: Poll, *, absent: set[int]) -> None:
    """The present, entitled members' votes: all agree unless PAST_VOTES says otherwise for the nominee."""
    entitled = session.scalars(
        select(User)
        .join(PollParticipation, PollParticipation.user_id == User.id)
        .where(PollParticipation.poll_id == poll.id, PollParticipation.recused.is_(False))
        .order_by(User.username)
    )
    voters = [user for user in entitled if user.id not in absent]
    yes, no, abstain = PAST_VOTES.get(polls.nomination_of(session, poll).nominee.full_name, (len(voters), 0, 0))
    choices = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    for member, choice in zip(voters, choices, strict=True):
        polls.cast_vote(session, poll, member=member, choice=choice)


def _story_session(session: Session, council: Council, cast: dict[str, User]) -> bool:
    """The story day's session, its agenda the accepted dossiers of STORY_UNITS (appraised first); False when
    none of them is still accepted (a user took them elsewhere)."""
    title = next(title for state, title in STORIES if state == DossierState.ACCEPTED)
    with told_on(STORY_DAY, time(10)):
        dossiers = list(
            session.scalars(
                select(Dossier)
                .join(Unit)
                .where(Unit.code.in_(STORY_UNITS), Dossier.title == title, Dossier.state == DossierState.ACCEPTED)
                .order_by(Dossier.id)
            )
        )
        if not dossiers:
            return False
        for dossier in dossiers:
            _appraise(session, dossier, cast[OFFICE])
        sessions.schedule_session(
            session, council, actor=cast[SECRETARY], scheduled_at=_local(STORY_DAY, STORY_AT),
            location=LOCATION, title=STORY_TITLE, dossiers=dossiers,
        )  # fmt: skip
    return True
