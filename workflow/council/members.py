"""The council's membership: who sits on it, in which role and position, and for which term. A membership is never
deleted, only ended (term_to), so the quorum of a past session still counts the members of its day. Every change
is audited in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Council, CouncilMembership, Role, Unit, User
from models.council import COUNCIL_ROLES
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.core.vietnamese import person_order
from workflow.permissions import can_manage_council_members

POSITION_MAX = 200
# A council has one chair and one secretary at a time.
SINGLE_ROLES = ("chair", "secretary")


def councils_for(session: Session, actor: User) -> list[Council]:
    """The councils whose membership the actor keeps: every one for the administrator, the office's authority's."""
    if not can_manage_council_members(actor):
        return []
    query = select(Council).options(selectinload(Council.memberships).selectinload(CouncilMembership.user))
    if not actor.has_role(Role.ADMIN):
        query = query.where(Council.authority_id == actor.unit.authority_id)
    return list(session.scalars(query.order_by(Council.term_start.desc(), Council.id)))


def roster(council: Council) -> list[CouncilMembership]:
    """The memberships in the order of the council's roles (chair first, secretary last), then by term."""
    return sorted(
        council.memberships,
        key=lambda m: (COUNCIL_ROLES.index(m.role_in_council), m.term_from, person_order(m.user.full_name)),
    )


def candidates(session: Session, council: Council) -> list[User]:
    """The active users of the council's authority, who may be added to it."""
    return list(
        session.scalars(
            select(User)
            .join(Unit, Unit.id == User.unit_id)
            .where(Unit.authority_id == council.authority_id, User.active)
            .order_by(User.full_name, User.id)
        )
    )


def add_member(
    session: Session,
    council: Council,
    *,
    actor: User,
    user_id: int | None,
    role: str,
    position_title: str,
    term_from: date | None,
    term_to: date | None = None,
) -> CouncilMembership:
    """Raises PermissionDenied, InvalidInput (every bad field at once)."""
    if not can_manage_council_members(actor, council):
        raise PermissionDenied()
    position_title = (position_title or "").strip()
    errors: dict[str, list[str]] = {}
    member = session.get(User, user_id) if user_id else None
    if member is None or member not in candidates(session, council):
        errors["user_id"] = [msg("Vui lòng chọn một người thuộc cơ quan của Hội đồng.")]
    if role not in COUNCIL_ROLES:
        errors["role"] = [msg("Vui lòng chọn vai trò trong Hội đồng.")]
    if len(position_title) > POSITION_MAX:
        errors["position_title"] = [msg("Chức danh tối đa %(max)s ký tự.", max=POSITION_MAX)]
    errors.update(_term_errors(council, term_from, term_to))
    if not errors:
        errors.update(_overlap_errors(council, member, role, term_from, term_to))
    if errors:
        raise InvalidInput(errors)
    membership = CouncilMembership(
        council=council,
        user=member,
        role_in_council=role,
        position_title=position_title,
        term_from=term_from,
        term_to=term_to,
    )
    session.add(membership)
    session.flush()
    _audit(session, membership, "add_member", actor)
    return membership


def end_membership(session: Session, membership: CouncilMembership, *, actor: User, term_to: date | None):
    """The member's last day on the council. Raises PermissionDenied, InvalidInput."""
    if not can_manage_council_members(actor, membership.council):
        raise PermissionDenied()
    if term_to is None:
        raise InvalidInput({"term_to": [msg("Vui lòng nhập ngày kết thúc.")]})
    if term_to < membership.term_from:
        raise InvalidInput({"term_to": [msg("Ngày kết thúc không được trước ngày bắt đầu.")]})
    if membership.term_to is not None and term_to > membership.term_to:
        raise InvalidInput({"term_to": [msg("Nhiệm kỳ của thành viên đã kết thúc trước ngày này.")]})
    membership.term_to = term_to
    session.flush()
    _audit(session, membership, "end_membership", actor)


def _term_errors(council: Council, term_from: date | None, term_to: date | None) -> dict[str, list[str]]:
    if term_from is None:
        return {"term_from": [msg("Vui lòng nhập ngày bắt đầu.")]}
    if term_from < council.term_start or (council.term_end is not None and term_from > council.term_end):
        return {"term_from": [msg("Ngày bắt đầu nằm ngoài nhiệm kỳ của Hội đồng.")]}
    if term_to is not None and term_to < term_from:
        return {"term_to": [msg("Ngày kết thúc không được trước ngày bắt đầu.")]}
    if term_to is not None and council.term_end is not None and term_to > council.term_end:
        return {"term_to": [msg("Ngày kết thúc nằm ngoài nhiệm kỳ của Hội đồng.")]}
    return {}


def _overlap_errors(
    council: Council, member: User, role: str, term_from: date, term_to: date | None
) -> dict[str, list[str]]:
    """The person sits once at a time; the chair and the secretary are one person at a time."""

    def overlaps(m: CouncilMembership) -> bool:
        return (m.term_to is None or m.term_to >= term_from) and (term_to is None or m.term_from <= term_to)

    current = [m for m in council.memberships if overlaps(m)]
    if any(m.user_id == member.id for m in current):
        return {"user_id": [msg("Người này đã là thành viên Hội đồng trong thời gian đó.")]}
    if role in SINGLE_ROLES and any(m.role_in_council == role for m in current):
        return {"role": [msg("Hội đồng đã có người giữ vai trò này trong thời gian đó; hãy kết thúc người cũ trước.")]}
    return {}


def _audit(session: Session, membership: CouncilMembership, action: str, actor: User) -> None:
    audit.append(
        session,
        entity_type="council_membership",
        entity_id=membership.id,
        action=action,
        actor_id=actor.id,
        data={
            "council_id": membership.council_id,
            "user_id": membership.user_id,
            "role": membership.role_in_council,
            "position_title": membership.position_title,
            "term_from": membership.term_from.isoformat(),
            "term_to": membership.term_to.isoformat() if membership.term_to else None,
        },
    )
