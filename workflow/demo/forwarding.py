"""One CSTĐ tỉnh sent up to the province in the Ngọc Hồi demo, told through the services, so a newcomer finds the
forwarding page with a case waiting for the province's answer and the very package that went up.

A CSTĐ tỉnh for 2024 needs three consecutive years as CSTĐCS ending in 2024 and an initiative recognised at
province level (E6, docs/DOMAIN.md §4); the nominee's 2022–2024 awards and initiative are entered as the office
enters records from before the system (source "import"). Plei Kần files the dossier on 2 June 2025 (the first
round's filing day), the office accepts and appraises it, the council votes on it at a short session of its own
on 12 June (the first round's session was held on 10 June with its agenda fixed) and the office sends it up on
13 June, before the district ended on 30 June 2025.

Idempotent: when Plei Kần already has the dossier, nothing is made again."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, Council, Dossier, PollParticipation, Unit, User
from workflow.core.today import LOCAL_TZ, local_today, told_on
from workflow.council import polls, sessions
from workflow.council.rules import voting_members
from workflow.decisions import forwarding
from workflow.demo.council import COUNCIL_NAME, LOCATION
from workflow.demo.dossiers import UNITS, upload_everything
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps
from workflow.dossiers.appraisal import appraise
from workflow.registry import initiatives
from workflow.registry.entries import record_entry
from workflow.rules.applicable import DEFAULT_BASIS

OFFICE, SECRETARY, CHAIR = "noivu", "thuky", "chutich"
UNIT_CODE = "TT-PLEIKAN"
DISTRICT_CODE = "UBND-NGOCHOI"
DOSSIER_TITLE = "Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2024"
NOMINEE = "Hồ Thị Kim Liên"
ACHIEVEMENT = (
    "Ba năm liền đạt Chiến sĩ thi đua cơ sở (2022–2024); sáng kiến “Số hóa hồ sơ một cửa tại thị trấn Plei Kần” "
    "được công nhận phạm vi ảnh hưởng cấp tỉnh."
)
# The CSTĐCS the district gave her, by year: (decision number, decision date).
PAST_CSTDCS = {
    2022: ("2785/QĐ-UBND", date(2022, 12, 28)),
    2023: ("2910/QĐ-UBND", date(2023, 12, 27)),
    2024: ("3012/QĐ-UBND", date(2024, 12, 26)),
}
INITIATIVE = "Số hóa hồ sơ một cửa tại thị trấn Plei Kần"
RECOGNITION = initiatives.Recognition(
    "1187/QĐ-HĐSK", date(2024, 11, 20), "Hội đồng Sáng kiến tỉnh Kon Tum", "province"
)  # fmt: skip
FILED, SESSION_DAY, FORWARD_DAY = date(2025, 6, 2), date(2025, 6, 12), date(2025, 6, 13)
SESSION_TITLE = "Phiên họp xét đề nghị Chiến sĩ thi đua cấp tỉnh năm 2024"


def seed_demo_forwarding(session: Session, upload_dir: Path) -> Counter[str]:
    """Make the forwarded CSTĐ tỉnh when it is missing; return what was made (dossiers, council sessions), for
    the seed report. Flushes, never commits."""
    unit = session.scalar(select(Unit).where(Unit.code == UNIT_CODE))
    if session.scalar(select(Dossier.id).where(Dossier.unit_id == unit.id, Dossier.title == DOSSIER_TITLE)):
        return Counter()
    cast = {u.username: u for u in session.scalars(select(User))}
    with told_on(FILED):
        dossier = _filed_dossier(session, cast, unit, upload_dir)
    with told_on(SESSION_DAY, time(8)):
        _hold_session(session, cast, dossier)
    with told_on(FORWARD_DAY, time(10)):
        forwarding.forward_to_province(session, dossier.nominations, actor=cast[OFFICE], upload_dir=upload_dir)
    return Counter({"dossiers": 1, "council_sessions": 1})


def _filed_dossier(session: Session, cast: dict[str, User], unit: Unit, upload_dir: Path) -> Dossier:
    """Her dossier from the unit's draft to the office's appraisal, her past awards and initiative in the books."""
    officer, head = (cast[name] for name in UNITS[UNIT_CODE][:2])
    office = cast[OFFICE]
    dossier = service.create_dossier(session, actor=officer, procedure="regular", year=2024, title=DOSSIER_TITLE)
    nomination = service.add_nomination(
        session,
        dossier,
        actor=officer,
        data=service.NomineeInput(
            kind="person",
            full_name=NOMINEE,
            title_code="CSTD_TINH",
            date_of_birth=date(1984, 9, 15),
            gender="female",
            position="Công chức Văn phòng – Thống kê",
            annual_rating="excellent",
            months_of_service=12,
            achievement=ACHIEVEMENT,
            relies_on_initiative=True,
        ),
    )
    district = session.scalar(select(Authority).where(Authority.code == DISTRICT_CODE))
    for year, (number, day) in PAST_CSTDCS.items():
        record_entry(
            session, nominee=nomination.nominee, title_code="CSTDCS", year=year, decision_number=number,
            decision_date=day, deciding_authority=district.name, authority_id=district.id, source="import",
            actor=office,
        )  # fmt: skip
    work = initiatives.record_recognised(
        session, actor=office, unit=unit, title=INITIATIVE, year=2024, kind="initiative",
        field="Cải cách hành chính", authors=[initiatives.Author(nomination.nominee_id, 100)], recognition=RECOGNITION,
    )  # fmt: skip
    initiatives.link_nomination(session, nomination, [work.id], actor=officer)
    upload_everything(session, dossier, officer, upload_dir)
    steps.submit_to_head(session, dossier, actor=officer, comment="Kính trình Thủ trưởng ký tờ trình.")
    steps.approve_submission(session, dossier, actor=head, sign_off=True, comment="Đồng ý, đề nghị xét.")
    steps.accept(session, dossier, actor=office, comment="Hồ sơ đầy đủ, tiếp nhận.")
    appraise(session, nomination, actor=office, today=local_today(), basis=DEFAULT_BASIS)
    return dossier


def _hold_session(session: Session, cast: dict[str, User], dossier: Dossier) -> None:
    """A short session on her case alone: everyone present, all agree, results published, closed."""
    council = session.scalar(select(Council).where(Council.name == COUNCIL_NAME))
    held = sessions.schedule_session(
        session, council, actor=cast[SECRETARY], scheduled_at=datetime.combine(SESSION_DAY, time(8), LOCAL_TZ),
        location=LOCATION, title=SESSION_TITLE, dossiers=[dossier],
    )  # fmt: skip
    members = voting_members(session, council, SESSION_DAY)
    sessions.record_attendance(
        session, held, actor=cast[SECRETARY], statuses={m.user_id: "present" for m in members}
    )  # fmt: skip
    sessions.open_session(session, held, actor=cast[CHAIR])
    for poll in polls.create_polls(session, held, actor=cast[SECRETARY]):
        polls.start_poll(session, poll, actor=cast[CHAIR])
        for member in session.scalars(
            select(User)
            .join(PollParticipation, PollParticipation.user_id == User.id)
            .where(PollParticipation.poll_id == poll.id, PollParticipation.recused.is_(False))
            .order_by(User.username)
        ):
            polls.cast_vote(session, poll, member=member, choice="yes")
        polls.finish_poll(session, poll, actor=cast[SECRETARY])
        polls.publish_poll(session, poll, actor=cast[CHAIR])
    sessions.close_session(session, held, actor=cast[CHAIR])
