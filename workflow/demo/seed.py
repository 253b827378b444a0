"""The Ngọc Hồi demo (docs/DOMAIN.md §9): Kon Tum, the district, its communes and bodies, one login per role,
the district council and the 2020–2025 movement, plus the rule sets of the three legal periods. The district
ended on 30 June 2025; its successor from 1 July 2025, a commune under the merged Quảng Ngãi province, has its
own units, council and logins, so a new dossier made today goes to an authority that exists.

Idempotent: every row is looked up by its unique code or username and only missing rows are created;
existing rows are never changed, so `flask seed-demo` can run on every start without undoing what users
did since (passwords included)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Authority,
    Council,
    CouncilMembership,
    Role,
    Unit,
    User,
)
from workflow.accounts.users import create_user
from workflow.core.calendar import seed_holidays
from workflow.demo.council import seed_demo_council
from workflow.demo.decisions import seed_demo_decisions
from workflow.demo.dossiers import seed_demo_dossiers
from workflow.demo.forwarding import seed_demo_forwarding
from workflow.demo.movement_story import seed_demo_movement_story
from workflow.demo.movements import seed_demo_movement
from workflow.rules.rulesets import LoadReport, load_rulesets

DEMO_PASSWORD = "demo"
# The working-day calendar the demo's deadlines are counted on: the movement's years and a few ahead.
HOLIDAY_YEARS = (2018, 2030)
FOUNDED = date(1991, 8, 12)
TERM_START = date(2020, 1, 1)
# The district level ended on 30 June 2025 (Law 72/2025/QH15); Kon Tum merged into Quảng Ngãi the same day.
DISTRICT_END = date(2025, 6, 30)
DISTRICT_CODE = "UBND-NGOCHOI"
MERGER = date(2025, 7, 1)
# Kon Tum's successor: the merged Quảng Ngãi province (Resolution 202/2025/QH15).
MERGED_PROVINCE_CODE = "UBND-QUANGNGAI"
# The district's successor. Plei Kần, the district seat, became part of a new commune of Quảng Ngãi in the 2025
# reorganisation; the demo does not claim that commune's real name, so the name says it is illustrative.
SUCCESSOR_CODE = "UBND-XA-PLEIKAN"
SUCCESSOR_NAME = "Ủy ban nhân dân xã Plei Kần (minh hoạ)"
SUCCESSOR_SHORT_NAME = "UBND xã Plei Kần (minh hoạ)"

# The township and the seven communes of Ngọc Hồi: (code suffix, kind of commune-level unit, place name).
COMMUNES = [
    ("PLEIKAN", "thị trấn", "Plei Kần"),
    ("DAKXU", "xã", "Đắk Xú"),
    ("BOY", "xã", "Bờ Y"),
    ("DAKNONG", "xã", "Đắk Nông"),
    ("DAKKAN", "xã", "Đắk Kan"),
    ("SALOONG", "xã", "Sa Loong"),
    ("DAKANG", "xã", "Đắk Ang"),
    ("DAKDUC", "xã", "Đắk Dục"),
]

# (code, name, kind, parent unit code, valid_to). Bodies of the district end with it; communes, schools and
# the health centre live on under the new two-tier government.
UNITS = [
    ("TT-PLEIKAN", "Thị trấn Plei Kần", "township", None, None),
    *[(f"XA-{key}", f"Xã {place}", "commune", None, None) for key, kind, place in COMMUNES if kind == "xã"],
    ("VP-HDND-UBND", "Văn phòng HĐND và UBND huyện", "department", None, DISTRICT_END),
    ("P-NOIVU", "Phòng Nội vụ", "department", None, DISTRICT_END),
    ("P-TCKH", "Phòng Tài chính – Kế hoạch", "department", None, DISTRICT_END),
    ("P-GDDT", "Phòng Giáo dục và Đào tạo", "department", None, DISTRICT_END),
    ("P-VHTT", "Phòng Văn hóa và Thông tin", "department", None, DISTRICT_END),
    ("P-LDTBXH", "Phòng Lao động – Thương binh và Xã hội", "department", None, DISTRICT_END),
    ("P-TNMT", "Phòng Tài nguyên và Môi trường", "department", None, DISTRICT_END),
    ("P-NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn", "department", None, DISTRICT_END),
    ("P-TUPHAP", "Phòng Tư pháp", "department", None, DISTRICT_END),
    ("THANHTRA", "Thanh tra huyện", "department", None, DISTRICT_END),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Ngọc Hồi", "mass_organisation", None, DISTRICT_END),
    ("LDLD", "Liên đoàn Lao động huyện Ngọc Hồi", "mass_organisation", None, DISTRICT_END),
    ("THCS-PLEIKAN", "Trường THCS Thị trấn Plei Kần", "school", "P-GDDT", None),
    ("TH-DAKXU", "Trường Tiểu học Đắk Xú", "school", "P-GDDT", None),
    ("MN-HOAHONG", "Trường Mầm non Hoa Hồng", "school", "P-GDDT", None),
    ("TTYT", "Trung tâm Y tế huyện Ngọc Hồi", "public_service", None, None),
]

# The successor commune's own bodies, from 1 July 2025: (code, name, kind). The office keeps the council's records.
SUCCESSOR_UNITS = [
    ("XA-VP", "Văn phòng HĐND và UBND xã Plei Kần (minh hoạ)", "department"),
    ("XA-VHXH", "Phòng Văn hóa – Xã hội xã Plei Kần (minh hoạ)", "department"),
    ("XA-KINHTE", "Phòng Kinh tế xã Plei Kần (minh hoạ)", "department"),
]

# (username, full name, roles, unit code). Everyone's password is DEMO_PASSWORD.
USERS = [
    ("admin", "Trần Minh Đức", (Role.ADMIN,), "VP-HDND-UBND"),
    ("noivu", "Lê Thị Thu Hà", (Role.OFFICE,), "P-NOIVU"),
    # The head of the standing office: overdue escalations and the audit checkpoints reach her.
    ("truong.noivu", "Nguyễn Thị Bích Liên", (Role.UNIT_HEAD,), "P-NOIVU"),
    ("thuky", "Phạm Thị Ngọc Ánh", (Role.SECRETARY,), "P-NOIVU"),
    ("chutich", "Nguyễn Văn Hùng", (Role.CHAIRMAN, Role.COUNCIL_MEMBER), "VP-HDND-UBND"),
    ("uyvien1", "Đinh Văn Long", (Role.COUNCIL_MEMBER,), "P-NOIVU"),
    ("uyvien2", "Y Hoa", (Role.COUNCIL_MEMBER,), "MTTQ"),
    ("uyvien3", "Hoàng Văn Thắng", (Role.COUNCIL_MEMBER,), "LDLD"),
    ("uyvien4", "Võ Thị Mai", (Role.COUNCIL_MEMBER,), "P-TCKH"),
    ("uyvien5", "A Khoa", (Role.COUNCIL_MEMBER,), "P-LDTBXH"),
    ("uyvien6", "Đặng Quốc Bảo", (Role.COUNCIL_MEMBER,), "P-VHTT"),
    ("uyvien7", "Bùi Thị Lan", (Role.COUNCIL_MEMBER,), "VP-HDND-UBND"),
    ("canbo.pleikan", "Nguyễn Thị Hồng Nhung", (Role.UNIT_OFFICER,), "TT-PLEIKAN"),
    ("truong.pleikan", "Trần Văn Tâm", (Role.UNIT_HEAD,), "TT-PLEIKAN"),
    ("canbo.dakxu", "Y Thương", (Role.UNIT_OFFICER,), "XA-DAKXU"),
    ("truong.dakxu", "A Phong", (Role.UNIT_HEAD,), "XA-DAKXU"),
    ("canbo.pgddt", "Lương Thị Thảo", (Role.UNIT_OFFICER,), "P-GDDT"),
    ("truong.pgddt", "Hồ Văn Nam", (Role.UNIT_HEAD,), "P-GDDT"),
    # The successor commune.
    ("vanphong.xa", "Võ Thị Thanh Hương", (Role.OFFICE,), "XA-VP"),
    ("thuky.xa", "Nguyễn Thị Hoàng Yến", (Role.SECRETARY,), "XA-VP"),
    ("chutich.xa", "Trần Quốc Việt", (Role.CHAIRMAN, Role.COUNCIL_MEMBER), "XA-VP"),
    ("uyvien.xa1", "Lê Văn Bình", (Role.COUNCIL_MEMBER,), "XA-VP"),
    ("uyvien.xa2", "Y Ngọc", (Role.COUNCIL_MEMBER,), "XA-VHXH"),
    ("canbo.vhxh", "Đinh Thị Hà", (Role.UNIT_OFFICER,), "XA-VHXH"),
    ("truong.vhxh", "A Duy", (Role.UNIT_HEAD,), "XA-VHXH"),
]

COUNCIL_NAME = "Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi"
# (username, role in council, position). The secretary keeps the records and is listed apart from the members.
COUNCIL_MEMBERS = [
    ("chutich", "chair", "Chủ tịch UBND huyện – Chủ tịch Hội đồng"),
    ("uyvien1", "standing_member", "Trưởng phòng Nội vụ – Ủy viên thường trực Hội đồng"),
    ("uyvien2", "member", "Chủ tịch Ủy ban MTTQ Việt Nam huyện – Ủy viên Hội đồng"),
    ("uyvien3", "member", "Chủ tịch Liên đoàn Lao động huyện – Ủy viên Hội đồng"),
    ("uyvien4", "member", "Trưởng phòng Tài chính – Kế hoạch – Ủy viên Hội đồng"),
    ("uyvien5", "member", "Trưởng phòng Lao động – Thương binh và Xã hội – Ủy viên Hội đồng"),
    ("uyvien6", "member", "Trưởng phòng Văn hóa và Thông tin – Ủy viên Hội đồng"),
    ("uyvien7", "member", "Chánh Văn phòng HĐND và UBND huyện – Ủy viên Hội đồng"),
    ("thuky", "secretary", "Chuyên viên Phòng Nội vụ – Thư ký Hội đồng"),
]
SUCCESSOR_COUNCIL_NAME = "Hội đồng Thi đua – Khen thưởng xã Plei Kần (minh hoạ)"
SUCCESSOR_COUNCIL_MEMBERS = [
    ("chutich.xa", "chair", "Chủ tịch UBND xã – Chủ tịch Hội đồng"),
    ("uyvien.xa1", "standing_member", "Chánh Văn phòng HĐND và UBND xã – Ủy viên thường trực Hội đồng"),
    ("uyvien.xa2", "member", "Trưởng phòng Văn hóa – Xã hội – Ủy viên Hội đồng"),
    ("thuky.xa", "secretary", "Công chức Văn phòng HĐND và UBND xã – Thư ký Hội đồng"),
]

KIND_LABELS = {
    "authorities": "cơ quan UBND",
    "units": "đơn vị",
    "users": "tài khoản",
    "councils": "hội đồng",
    "council_memberships": "thành viên hội đồng",
    "movements": "phong trào",
    "unit_reports": "báo cáo phong trào",
    "rule_sets": "bộ quy định",
    "base_salaries": "mức lương cơ sở",
    "holidays": "ngày nghỉ, ngày làm bù",
    "dossiers": "hồ sơ mẫu",
    "council_sessions": "phiên họp Hội đồng",
    "decisions": "quyết định khen thưởng",
}


@dataclass
class SeedReport:
    """How many rows of each kind this run created (zero everywhere on a second run)."""

    created: Counter[str] = field(default_factory=Counter)
    rule_sets: LoadReport | None = None

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())

    def summary(self) -> str:
        if not self.created_anything:
            return "Dữ liệu mẫu đã có đủ, không tạo thêm gì."
        parts = [f"{count} {KIND_LABELS[kind]}" for kind, count in self.created.items() if count]
        return "Đã tạo dữ liệu mẫu: " + ", ".join(parts) + "."


def _ensure(session: Session, report: SeedReport, kind: str, model: type, lookup: dict[str, Any], /, **values: Any):
    """The row matching `lookup`, created with `values` when missing; an existing row is left as it is.

    Positional-only, so a column may be called `kind` too (Unit.kind)."""
    row = session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        session.add(row)
        report.created[kind] += 1
    return row


def _authorities(session: Session, report: SeedReport) -> tuple[Authority, Authority]:
    """Kon Tum and Ngọc Hồi until 30 June 2025, and who took over from 1 July: the district and its successor.
    The successors come first, so every row refers only to rows made before it."""
    merged = _ensure(
        session, report, "authorities", Authority, {"code": MERGED_PROVINCE_CODE},
        name="Ủy ban nhân dân tỉnh Quảng Ngãi", short_name="UBND tỉnh Quảng Ngãi", level="province",
        place_name="Quảng Ngãi", valid_from=MERGER, valid_to=None,
    )
    successor = _ensure(
        session, report, "authorities", Authority, {"code": SUCCESSOR_CODE},
        name=SUCCESSOR_NAME, short_name=SUCCESSOR_SHORT_NAME, level="commune",
        place_name="Plei Kần", parent=merged, valid_from=MERGER, valid_to=None,
    )
    province = _ensure(
        session, report, "authorities", Authority, {"code": "UBND-KONTUM"},
        name="Ủy ban nhân dân tỉnh Kon Tum", short_name="UBND tỉnh Kon Tum", level="province",
        place_name="Kon Tum", valid_from=FOUNDED, valid_to=DISTRICT_END, successor=merged,
    )
    district = _ensure(
        session, report, "authorities", Authority, {"code": DISTRICT_CODE},
        name="Ủy ban nhân dân huyện Ngọc Hồi", short_name="UBND huyện Ngọc Hồi", level="district",
        place_name="Ngọc Hồi", parent=province, valid_from=FOUNDED, valid_to=DISTRICT_END, successor=successor,
    )
    # The one value the seed fills in on an existing row: a database seeded before successors were recorded.
    for ended, taker in ((province, merged), (district, successor)):
        if ended.successor is None:
            ended.successor = taker
    for key, kind, place in COMMUNES:
        _ensure(
            session, report, "authorities", Authority, {"code": f"UBND-{key}"},
            name=f"Ủy ban nhân dân {kind} {place}", short_name=f"UBND {kind} {place}", level="commune",
            place_name=place, parent=district, valid_from=FOUNDED, valid_to=None,
        )
    session.flush()
    return district, successor


def _units(session: Session, report: SeedReport, district: Authority, successor: Authority) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, name, kind, parent_code, valid_to in UNITS:
        units[code] = _ensure(
            session, report, "units", Unit, {"code": code},
            name=name, kind=kind, authority=district, parent_unit=units.get(parent_code),
            valid_from=TERM_START, valid_to=valid_to,
        )
    for code, name, kind in SUCCESSOR_UNITS:
        units[code] = _ensure(
            session, report, "units", Unit, {"code": code},
            name=name, kind=kind, authority=successor, valid_from=MERGER, valid_to=None,
        )
    session.flush()
    return units


def _users(session: Session, report: SeedReport, units: dict[str, Unit]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, full_name, roles, unit_code in USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(
                session, username=username, full_name=full_name, password=DEMO_PASSWORD, roles=roles,
                unit_id=units[unit_code].id, email=f"{username}@ngochoi.example",
            )
            report.created["users"] += 1
        users[username] = user
    session.flush()
    return users


@dataclass(frozen=True)
class CouncilPlan:
    authority: Authority
    name: str
    office_code: str
    term: tuple[date, date | None]
    members: list[tuple[str, str, str]]


def _council(session: Session, report: SeedReport, plan: CouncilPlan, units: dict[str, Unit],
             users: dict[str, User]) -> None:
    term_start, term_end = plan.term
    council = _ensure(
        session, report, "councils", Council, {"authority_id": plan.authority.id, "name": plan.name},
        standing_office=units[plan.office_code], term_start=term_start, term_end=term_end,
        # Thresholds and the ballot type stay null: the rule set in force supplies them.
        quorum_ratio=None, pass_ratio=None, secret_ballot=None,
    )
    session.flush()
    for username, role_in_council, position_title in plan.members:
        _ensure(
            session, report, "council_memberships", CouncilMembership,
            {"council_id": council.id, "user_id": users[username].id, "term_from": term_start},
            role_in_council=role_in_council, position_title=position_title, term_to=term_end,
        )


def seed_demo(session: Session, upload_dir: Path | None = None) -> SeedReport:
    """Create whatever part of the demo is missing; flushes, never commits. Raises RuleSetError on bad rule files.
    With an upload folder, also the demo dossiers (made through the services, documents included) and the district
    council's sessions (one held on 10 June 2025, one scheduled on the story day)."""
    report = SeedReport()
    district, successor = _authorities(session, report)
    # After the authorities, so the Kon Tum override layer finds its province.
    report.rule_sets = load_rulesets(session)
    report.created["rule_sets"] += len(report.rule_sets.created)
    report.created["base_salaries"] += len(report.rule_sets.base_salaries_created)
    units = _units(session, report, district, successor)
    users = _users(session, report, units)
    for plan in (
        CouncilPlan(district, COUNCIL_NAME, "P-NOIVU", (TERM_START, DISTRICT_END), COUNCIL_MEMBERS),
        CouncilPlan(successor, SUCCESSOR_COUNCIL_NAME, "XA-VP", (MERGER, None), SUCCESSOR_COUNCIL_MEMBERS),
    ):
        _council(session, report, plan, units, users)
    report.created["movements"] += seed_demo_movement(session, district)
    report.created["holidays"] += seed_holidays(session, *HOLIDAY_YEARS)
    session.flush()
    if upload_dir is not None:
        report.created["dossiers"] += seed_demo_dossiers(session, upload_dir)
        dossiers, council_sessions = seed_demo_council(session, upload_dir)
        report.created["dossiers"] += dossiers
        report.created["council_sessions"] += council_sessions
        report.created.update(seed_demo_forwarding(session, upload_dir))
        report.created["decisions"] += seed_demo_decisions(session)
        report.created["unit_reports"] += seed_demo_movement_story(session, upload_dir)
    return report
