"""Editing a dossier while it is with its unit: create it, add, change and remove nominations, upload documents;
the procedure's titles and checklist. Services flush, never commit; each takes the actor as an argument."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AwardTitle, Document, Dossier, Nomination, NominationRevision, Nominee, NomineeYear, User
from models.dossier import NominationState
from workflow.core import audit
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import NOMINATION
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.dossiers import attachments
from workflow.dossiers.checklist import Checklist, dossier_checklist
from workflow.dossiers.past_years import year_fact_errors
from workflow.dossiers.succession import out_of_office
from workflow.movements.dossier_link import link_problem
from workflow.permissions import can_create_dossier, can_edit_dossier
from workflow.registry import identity
from workflow.rules.applicable import rule_set_for
from workflow.rules.eligibility.rules import DISCIPLINE_LEVELS

UNIT_PROCEDURES = ("regular", "giay_khen_periodic", "giay_khen_thematic", "simplified")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


# --- creating and editing ---------------------------------------------------------------------------------------


def create_dossier(
    session: Session, *, actor: User, procedure: str, year: int, title: str, movement_id: int | None = None
) -> Dossier:
    """Open a draft dossier for the actor's unit, addressed to the unit's authority, which must exist today (an
    ended one names its successor). Raises PermissionDenied, InvalidInput."""
    _require(can_create_dossier(actor))
    errors: dict[str, list[str]] = {}
    today = local_today()
    refusal = out_of_office(actor.unit.authority, today)
    if refusal is not None:
        errors["authority"] = [refusal]
    if procedure not in UNIT_PROCEDURES:
        errors["procedure"] = [msg("Thủ tục không hợp lệ.")]
    if not (2000 <= year <= today.year + 1):
        errors["year"] = [msg("Năm thành tích phải từ 2000 đến %(last)s.", last=today.year + 1)]
    if not title.strip():
        errors["title"] = [msg("Vui lòng nhập trích yếu hồ sơ.")]
    if movement_id is not None and "year" not in errors:
        problem = link_problem(session, movement_id, authority_id=actor.unit.authority_id, year=year)
        if problem is not None:
            errors["movement_id"] = [problem]
    if errors:
        raise InvalidInput(errors)
    dossier = Dossier(
        unit_id=actor.unit_id,
        authority_id=actor.unit.authority_id,
        movement_id=movement_id,
        procedure=procedure,
        year=year,
        title=title.strip(),
        created_by_id=actor.id,
    )
    session.add(dossier)
    session.flush()
    audit.append(
        session,
        entity_type="dossier",
        entity_id=dossier.id,
        dossier_id=dossier.id,
        action="create",
        actor_id=actor.id,
        to_state=dossier.state,
        data={"procedure": procedure, "year": year, "title": dossier.title}
        | ({"movement_id": movement_id} if movement_id is not None else {}),
    )
    return dossier


@dataclass
class NomineeInput:
    """What the unit states about one nominee for one title and year (docs/DOMAIN.md §4 reads these facts)."""

    kind: str
    full_name: str
    title_code: str
    date_of_birth: date | None = None
    national_id: str | None = None
    gender: str | None = None
    position: str = ""
    annual_rating: str | None = None
    months_of_service: int | None = None
    discipline_status: str = "none"
    achievement: str = ""
    relies_on_initiative: bool = False
    # Collectives only (E8, E9): the members in the year and how many of them did what; discipline_status is then
    # the most severe level among the members disciplined.
    member_count: int | None = None
    members_ldtt: int | None = None
    members_cstdcs: int | None = None
    members_completed: int | None = None
    members_disciplined: int | None = None


# The collective's member counts, each at most member_count.
MEMBER_PARTS = ("members_ldtt", "members_cstdcs", "members_completed", "members_disciplined")
MEMBER_COUNTS = ("member_count", *MEMBER_PARTS)
MAX_MEMBERS = 2_147_483_647  # what the integer columns hold


def titles_for(session: Session, dossier: Dossier) -> list[AwardTitle]:
    rule_set = rule_set_for(session, dossier, local_today())
    if rule_set is None:
        return []
    return list(
        session.scalars(select(AwardTitle).where(AwardTitle.rule_set_id == rule_set.id).order_by(AwardTitle.id))
    )


def nominee_problems(
    session: Session, dossier: Dossier, data: NomineeInput, titles: Sequence[AwardTitle] | None = None
) -> dict[str, list[str]]:
    """Everything wrong with a nominee for this dossier, by field, without writing anything: the services refuse
    on it, and the page runs it also when its own form is invalid, so the clerk sees every problem in one round.
    `titles`: the dossier's `titles_for`, when the caller read them once for many rows (an import)."""
    errors: dict[str, list[str]] = {}
    title = {t.code: t for t in (titles_for(session, dossier) if titles is None else titles)}.get(data.title_code)
    if title is None:
        errors["title_code"] = [msg("Danh hiệu/hình thức khen thưởng không có trong bộ quy định đang áp dụng.")]
    elif title.subject_kind != data.kind:
        errors["title_code"] = [msg("Danh hiệu này không dành cho loại đối tượng đã chọn.")]
    if not data.full_name.strip():
        errors["full_name"] = [msg("Vui lòng nhập họ tên hoặc tên tập thể.")]
    if data.kind == "person" and data.date_of_birth is None:
        errors["date_of_birth"] = [msg("Vui lòng nhập ngày sinh.")]
    if data.kind != "person" and data.date_of_birth is not None:
        errors["date_of_birth"] = [msg("Chỉ cá nhân mới có ngày sinh.")]
    elif data.date_of_birth is not None:
        errors |= _birth_date_errors(data.date_of_birth, dossier.year, local_today())
    if data.national_id and not identity.is_national_id(data.national_id):
        errors["national_id"] = [msg("Số định danh cá nhân gồm 12 chữ số.")]
    errors.update(year_fact_errors(data.annual_rating, data.months_of_service, data.discipline_status))
    if data.kind == "collective":
        errors |= _member_count_errors(data)
    return errors


# The minimum working age of the Labour Code 2019 (Art. 3(1)): a person nominated for a year's achievement is at
# least this old by the end of that year.
MIN_AGE_IN_ACHIEVEMENT_YEAR = 15


def _birth_date_errors(born: date, year: int, today: date) -> dict[str, list[str]]:
    """A birth date that cannot be right: after today, or too late for someone working in the achievement year."""
    if born > today:
        return {"date_of_birth": [msg("Ngày sinh không được sau ngày hôm nay (%(today)s).", today=f"{today:%d/%m/%Y}")]}
    latest = date(year - MIN_AGE_IN_ACHIEVEMENT_YEAR, 12, 31)
    if born > latest:
        return {
            "date_of_birth": [
                msg(
                    "Người được đề nghị phải đủ %(age)s tuổi trong năm thành tích %(year)s: ngày sinh chậm nhất là "
                    "%(latest)s.",
                    age=MIN_AGE_IN_ACHIEVEMENT_YEAR,
                    year=year,
                    latest=f"{latest:%d/%m/%Y}",
                )
            ]
        }
    return {}


def _member_count_errors(data: NomineeInput) -> dict[str, list[str]]:
    """Every count a whole number from 0 to the total, so the rules' percentages mean something and the table's
    CHECK never refuses what passed here."""
    errors: dict[str, list[str]] = {}
    for name in MEMBER_COUNTS:
        value = getattr(data, name)
        if value is not None and value < 0:
            errors[name] = [msg("Số người không được âm.")]
        elif value is not None and value > MAX_MEMBERS:
            errors[name] = [msg("Số quá lớn.")]
    total = data.member_count
    parts = [name for name in MEMBER_PARTS if getattr(data, name) is not None and name not in errors]
    if total is None and parts:
        errors["member_count"] = [msg("Vui lòng nhập tổng số thành viên để tính các tỷ lệ.")]
    elif total is not None and "member_count" not in errors:
        for name in parts:
            if getattr(data, name) > total:
                errors[name] = [msg("Không được lớn hơn tổng số thành viên (%(total)s).", total=total)]
    if data.members_disciplined == 0 and data.discipline_status in DISCIPLINE_LEVELS:
        errors["members_disciplined"] = [msg("Đã chọn mức kỷ luật nhưng số thành viên bị kỷ luật là 0.")]
    return errors


def _find_or_create_nominee(session: Session, dossier: Dossier, data: NomineeInput, actor: User) -> Nominee:
    """The same person or collective keeps one identity across years and units (workflow/registry/identity.py); a unit
    never reaches someone else's person through a national ID."""
    return identity.nominee_for(
        session,
        actor=actor,
        dossier=dossier,
        kind=data.kind,
        full_name=data.full_name,
        date_of_birth=data.date_of_birth,
        national_id=data.national_id,
        gender=data.gender,
        unit_id=dossier.unit_id,
    )


def _record_year(session: Session, nominee: Nominee, year: int, unit_id: int, data: NomineeInput) -> None:
    record = session.scalar(select(NomineeYear).where(NomineeYear.nominee_id == nominee.id, NomineeYear.year == year))
    if record is None:
        record = NomineeYear(nominee_id=nominee.id, year=year)
        session.add(record)
    record.unit_id = unit_id
    record.position = data.position
    record.annual_rating = data.annual_rating
    record.months_of_service = data.months_of_service
    record.discipline_status = data.discipline_status
    for name in MEMBER_COUNTS:
        setattr(record, name, getattr(data, name) if nominee.kind == "collective" else None)


def add_nomination(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    data: NomineeInput,
    titles: Sequence[AwardTitle] | None = None,
) -> Nomination:
    """Propose one nominee for one title in the dossier (`titles` as in nominee_problems). Raises PermissionDenied,
    InvalidInput."""
    _require(can_edit_dossier(actor, dossier))
    errors = nominee_problems(session, dossier, data, titles)
    if errors:
        raise InvalidInput(errors)
    nominee = _find_or_create_nominee(session, dossier, data, actor)
    duplicate = any(
        n.nominee_id == nominee.id and n.title_code == data.title_code and n.state != NominationState.WITHDRAWN
        for n in dossier.nominations
    )
    if duplicate:
        raise InvalidInput({"full_name": [msg("Người/tập thể này đã được đề nghị danh hiệu này trong hồ sơ.")]})
    _record_year(session, nominee, dossier.year, dossier.unit_id, data)
    nomination = Nomination(
        dossier=dossier,
        nominee=nominee,
        title_code=data.title_code,
        year=dossier.year,
        achievement=data.achievement.strip(),
        relies_on_initiative=data.relies_on_initiative,
    )
    session.add(nomination)
    session.flush()
    _audit_nomination(session, nomination, actor, "nomination_added")
    return nomination


def update_nomination(session: Session, nomination: Nomination, *, actor: User, data: NomineeInput) -> Nomination:
    """Change a nomination; once the dossier has been submitted the earlier revision is kept, never overwritten.
    Raises PermissionDenied, InvalidInput."""
    dossier = nomination.dossier
    _require(can_edit_dossier(actor, dossier) and nomination.state == NominationState.PROPOSED)
    errors = nominee_problems(session, dossier, data)
    if errors:
        raise InvalidInput(errors)
    if dossier.submitted_at is not None:
        session.add(
            NominationRevision(
                nomination_id=nomination.id,
                revision=nomination.revision,
                snapshot=nomination_snapshot(session, nomination),
                replaced_by_id=actor.id,
            )
        )
        nomination.revision += 1
    nominee = _find_or_create_nominee(session, dossier, data, actor)
    _record_year(session, nominee, dossier.year, dossier.unit_id, data)
    nomination.nominee = nominee
    nomination.title_code = data.title_code
    nomination.achievement = data.achievement.strip()
    nomination.relies_on_initiative = data.relies_on_initiative
    session.flush()
    _audit_nomination(session, nomination, actor, "nomination_changed")
    return nomination


def remove_nomination(session: Session, nomination: Nomination, *, actor: User) -> None:
    """Take a nominee out: deleted while the dossier was never submitted, otherwise withdrawn (kept on record)."""
    dossier = nomination.dossier
    _require(can_edit_dossier(actor, dossier))
    if dossier.submitted_at is None and not any(d.nomination_id == nomination.id for d in dossier.documents):
        _audit_nomination(session, nomination, actor, "nomination_removed")
        dossier.nominations.remove(nomination)
        session.delete(nomination)
        session.flush()
        return
    fire(NOMINATION, nomination, "withdraw", actor=actor)


def nomination_snapshot(session: Session, nomination: Nomination) -> dict[str, Any]:
    record = session.scalar(
        select(NomineeYear).where(NomineeYear.nominee_id == nomination.nominee_id, NomineeYear.year == nomination.year)
    )
    return {
        "nominee_id": nomination.nominee_id,
        "full_name": nomination.nominee.full_name,
        "kind": nomination.nominee.kind,
        "date_of_birth": nomination.nominee.date_of_birth.isoformat() if nomination.nominee.date_of_birth else None,
        "title_code": nomination.title_code,
        "year": nomination.year,
        "achievement": nomination.achievement,
        "relies_on_initiative": nomination.relies_on_initiative,
        "position": record.position if record else "",
        "annual_rating": record.annual_rating if record else None,
        "months_of_service": record.months_of_service if record else None,
        "discipline_status": record.discipline_status if record else "none",
        **{name: getattr(record, name) if record else None for name in MEMBER_COUNTS},
    }


def _audit_nomination(session: Session, nomination: Nomination, actor: User, action: str) -> None:
    audit.append(
        session,
        entity_type="nomination",
        entity_id=nomination.id,
        dossier_id=nomination.dossier_id,
        action=action,
        actor_id=actor.id,
        data={
            "nominee": nomination.nominee.full_name,
            "title_code": nomination.title_code,
            "revision": nomination.revision,
        },
    )


def add_document(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    kind: str,
    stream: BinaryIO,
    filename: str | None,
    upload_dir: Path,
    nomination: Nomination | None = None,
) -> Document:
    """Upload one document of a kind the procedure knows (or 'khac', other), with its nominee when the kind is per
    nominee. Raises PermissionDenied, InvalidInput."""
    upload = attachments.Upload(
        "file", kind, nomination.id if nomination else None, stream, filename, "kind", "nomination_id"
    )
    return attachments.add_documents(session, dossier, actor=actor, uploads=[upload], upload_dir=upload_dir)[0]


def checklist(session: Session, dossier: Dossier) -> Checklist:
    return dossier_checklist(session, dossier, local_today())
