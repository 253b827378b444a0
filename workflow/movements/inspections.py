"""Inspections (kiểm tra, đôn đốc) of a unit's part in a movement: council members of the movement's authority
record the findings and the follow-ups with their due dates; the unit answers once. Each step is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from models import Inspection, Movement, Role, Unit, User, UserRole
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.core.today import local_today, story_now
from workflow.permissions import can_answer_inspection, can_record_inspection, can_view_inspections

TEXT_MAX = 10_000
FOLLOW_UPS_MAX = 30


@dataclass(frozen=True)
class FollowUp:
    item: str
    due_on: date | None


def council_members(session: Session, movement: Movement) -> list[User]:
    """Who may be named an inspector: the active council members of the movement's authority."""
    return list(
        session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .join(Unit, Unit.id == User.unit_id)
            .where(UserRole.role == Role.COUNCIL_MEMBER, Unit.authority_id == movement.authority_id, User.active)
            .order_by(User.full_name, User.id)
        )
    )


def units_of(session: Session, movement: Movement, on: date | None = None) -> list[Unit]:
    """The units of the launching authority that exist on the day (today by default): an ended unit is not
    inspected."""
    day = on or local_today()
    return list(
        session.scalars(
            select(Unit)
            .where(
                Unit.authority_id == movement.authority_id,
                Unit.valid_from <= day,
                or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
            )
            .order_by(Unit.name)
        )
    )


def inspections(session: Session, movement: Movement, actor: User) -> list[Inspection]:
    """The movement's inspections the actor may see: a unit's officer or head only its own, newest first."""
    if not can_view_inspections(actor, movement):
        raise PermissionDenied()
    query = (
        select(Inspection)
        .where(Inspection.movement_id == movement.id)
        .options(selectinload(Inspection.inspectors), selectinload(Inspection.unit))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    if not actor.has_role(Role.ADMIN, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN, Role.COUNCIL_MEMBER):
        query = query.where(Inspection.unit_id == actor.unit_id)
    return list(session.scalars(query))


def record_inspection(
    session: Session,
    movement: Movement,
    *,
    actor: User,
    unit_id: int | None,
    inspected_on: date | None,
    inspector_ids: list[int],
    findings: str,
    follow_ups: list[FollowUp],
) -> Inspection:
    """Record an inspection; the recording member is always one of the inspectors. Raises PermissionDenied,
    InvalidInput (every bad field at once)."""
    if not can_record_inspection(actor, movement):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    units = {unit.id: unit for unit in units_of(session, movement, inspected_on)}
    if unit_id not in units:
        errors["unit_id"] = [msg("Vui lòng chọn một đơn vị thuộc cơ quan phát động phong trào.")]
    today = local_today()
    if inspected_on is None:
        errors["inspected_on"] = [msg("Vui lòng nhập ngày kiểm tra.")]
    elif not (movement.period_start <= inspected_on <= today):
        errors["inspected_on"] = [
            msg("Ngày kiểm tra phải từ ngày bắt đầu phong trào (%(start)s) đến hôm nay.",
                start=movement.period_start.strftime("%d/%m/%Y"))
        ]
    members = {user.id: user for user in council_members(session, movement)}
    unknown = [i for i in inspector_ids if i not in members]
    if unknown:
        errors["inspector_ids"] = [msg("Thành viên kiểm tra phải là ủy viên Hội đồng của cơ quan.")]
    if not findings.strip():
        errors["findings"] = [msg("Vui lòng ghi kết quả kiểm tra.")]
    elif len(findings) > TEXT_MAX:
        errors["findings"] = [msg("Nội dung dài quá %(max)s ký tự.", max=TEXT_MAX)]
    items = [f for f in follow_ups if f.item.strip()]
    if len(items) > FOLLOW_UPS_MAX:
        errors["follow_ups"] = [msg("Tối đa %(max)s việc cần khắc phục.", max=FOLLOW_UPS_MAX)]
    elif any(f.due_on is None or (inspected_on is not None and f.due_on < inspected_on) for f in items):
        errors["follow_ups"] = [msg("Mỗi việc cần khắc phục cần một hạn không sớm hơn ngày kiểm tra.")]
    if errors:
        raise InvalidInput(errors)
    inspectors = [members[i] for i in dict.fromkeys([actor.id, *inspector_ids])]
    inspection = Inspection(
        movement_id=movement.id,
        unit_id=unit_id,
        inspected_on=inspected_on,
        findings=findings.strip(),
        follow_ups=[{"item": f.item.strip(), "due_on": f.due_on.isoformat()} for f in items],
        recorded_by_id=actor.id,
        inspectors=inspectors,
    )
    session.add(inspection)
    session.flush()
    audit.append(
        session, entity_type="inspection", entity_id=inspection.id, action="record", actor_id=actor.id,
        data={"movement_id": movement.id, "unit_id": unit_id, "inspected_on": inspected_on.isoformat()},
    )
    return inspection


def answer_inspection(session: Session, inspection: Inspection, *, actor: User, answer: str) -> Inspection:
    """The inspected unit's answer to the findings and follow-ups. Raises PermissionDenied, InvalidInput."""
    if not can_answer_inspection(actor, inspection):
        raise PermissionDenied()
    if not answer.strip():
        raise InvalidInput({"answer": [msg("Vui lòng nhập nội dung trả lời.")]})
    if len(answer) > TEXT_MAX:
        raise InvalidInput({"answer": [msg("Nội dung dài quá %(max)s ký tự.", max=TEXT_MAX)]})
    inspection.answer = answer.strip()
    inspection.answered_at = story_now()
    inspection.answered_by_id = actor.id
    session.flush()
    audit.append(
        session, entity_type="inspection", entity_id=inspection.id, action="answer", actor_id=actor.id,
        data={"movement_id": inspection.movement_id, "unit_id": inspection.unit_id},
    )
    return inspection
