"""Demo dossiers for the three demo units of Ngọc Hồi district, one in every state the unit-to-office path
reaches, made through the services so their timelines, audit entries and notifications are real. Idempotent: a
dossier is looked up by its unit and title and only made when missing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Dossier, Nomination, Unit, User
from workflow.core.today import told_on
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps

UNITS = {
    "TT-PLEIKAN": ("canbo.pleikan", "truong.pleikan", ["Nguyễn Văn Hùng", "Trần Thị Mai", "Y Blai"]),
    "XA-DAKXU": ("canbo.dakxu", "truong.dakxu", ["A Thương", "Lê Thị Hoa", "Phạm Văn Tú"]),
    "P-GDDT": ("canbo.pgddt", "truong.pgddt", ["Đỗ Thị Lan", "Hoàng Văn Nam", "Y Nhung"]),
}
# (target state, title): each unit gets one dossier per state, told apart by its title.
STORIES = [
    ("draft", "Đề nghị công nhận Lao động tiên tiến năm 2025 (đang soạn)"),
    ("awaiting_head", "Đề nghị công nhận Lao động tiên tiến năm 2025 (chờ ký)"),
    ("submitted", "Đề nghị công nhận Lao động tiên tiến năm 2024"),
    ("returned", "Đề nghị công nhận Lao động tiên tiến năm 2024 (bổ sung)"),
    ("accepted", "Đề nghị công nhận Lao động tiên tiến năm 2023"),
    ("withdrawn", "Đề nghị công nhận Lao động tiên tiến năm 2023 (rút)"),
    ("rejected", "Đề nghị công nhận Lao động tiên tiến năm 2022"),
]
OFFICE = "noivu"
# The district's stories happen on a day of its life, whatever day the seed runs: after 30 June 2025 it would
# receive nothing, and its history must still be there.
STORY_DAY = date(2025, 6, 16)


def _pdf(label: str) -> bytes:
    """A small valid PDF whose bytes differ per document, so each upload is a file of its own."""
    return f"%PDF-1.4\n% {label}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode()


def seed_demo_dossiers(session: Session, upload_dir: Path) -> int:
    """Make the missing demo dossiers; return how many were made. Flushes, never commits."""
    made = 0
    for unit_code in UNITS:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        existing = set(session.scalars(select(Dossier.title).where(Dossier.unit_id == unit.id)))
        for state, title in STORIES:
            if title not in existing:
                make_demo_dossier(session, unit_code, state, upload_dir)
                made += 1
    return made


def make_demo_dossier(session: Session, unit_code: str, state: str, upload_dir: Path) -> Dossier:
    """One demo unit's dossier brought to `state` (one of STORIES) through the services, as its people would."""
    officer_name, head_name, people = UNITS[unit_code]
    users = {
        u.username: u for u in session.scalars(select(User).where(User.username.in_((officer_name, head_name, OFFICE))))
    }
    index, title = next((i, title) for i, (story, title) in enumerate(STORIES) if story == state)
    with told_on(STORY_DAY):
        return _tell(
            session, state, title, users[officer_name], users[head_name], users[OFFICE], people, index, upload_dir
        )


def _tell(session, state, title, officer, head, office, people, index, upload_dir) -> Dossier:
    year = int(title.split("năm ")[1][:4])
    dossier = service.create_dossier(session, actor=officer, procedure="regular", year=year, title=title)
    for n, name in enumerate(people[: 2 if index % 2 else 3]):
        service.add_nomination(
            session,
            dossier,
            actor=officer,
            data=service.NomineeInput(
                kind="person",
                full_name=name,
                title_code="LDTT",
                date_of_birth=date(1978 + 3 * n + index, 1 + n, 5 + index),
                position="Công chức" if n else "Viên chức",
                annual_rating="good" if n else "excellent",
                # One nominee short of the months of service, so appraisal shows a block (E2) with its source.
                months_of_service=5 if state == "submitted" and n == 2 else 12,
                achievement=f"Hoàn thành tốt nhiệm vụ năm {year}; tích cực tham gia phong trào thi đua.",
            ),
        )
    if state == "accepted":
        # A CSTĐCS beside three LĐTT goes over the 15 % quota: a warning the office must answer in writing (E5).
        service.add_nomination(
            session,
            dossier,
            actor=officer,
            data=service.NomineeInput(
                kind="person",
                full_name=people[0],
                title_code="CSTDCS",
                date_of_birth=date(1978 + index, 1, 5 + index),
                position="Viên chức",
                annual_rating="excellent",
                months_of_service=12,
                relies_on_initiative=True,
                achievement=f"Hoàn thành xuất sắc nhiệm vụ năm {year}; có sáng kiến được công nhận.",
            ),
        )
    if state == "draft":
        return dossier
    upload_everything(session, dossier, officer, upload_dir)
    if state == "withdrawn":
        steps.withdraw(session, dossier, actor=head, comment="Đơn vị rút để gộp vào đợt xét cuối năm.")
        return dossier
    steps.submit_to_head(session, dossier, actor=officer, comment="Kính trình Thủ trưởng xem xét, ký tờ trình.")
    if state == "awaiting_head":
        return dossier
    steps.approve_submission(session, dossier, actor=head, sign_off=True, comment="Đồng ý, đề nghị xét.")
    if state == "returned":
        steps.return_for_supplement(
            session,
            dossier,
            actor=office,
            missing_items=["Biên bản họp xét thi đua có đủ chữ ký", "Bản nhận xét của chi bộ cho cá nhân"],
            comment="Đề nghị bổ sung một lần các nội dung trên.",
        )
    elif state == "accepted":
        steps.accept(session, dossier, actor=office, comment="Hồ sơ đầy đủ, tiếp nhận.")
    elif state == "rejected":
        steps.reject(
            session,
            dossier,
            actor=office,
            reason="criteria_not_met",
            comment="Cá nhân được đề nghị chưa đủ thời gian công tác trong năm.",
        )
    return dossier


def upload_everything(session: Session, dossier: Dossier, officer: User, upload_dir: Path) -> None:
    for item in service.checklist(session, dossier).missing:
        nomination = session.get(Nomination, item.nomination_id) if item.nomination_id else None
        service.add_document(
            session,
            dossier,
            actor=officer,
            kind=item.kind,
            stream=io.BytesIO(_pdf(f"{dossier.title} / {item.label}")),
            filename=f"{item.kind}.pdf",
            upload_dir=upload_dir,
            nomination=nomination,
        )
