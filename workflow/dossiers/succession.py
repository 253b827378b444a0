"""Authorities that ended (the district level on 30 June 2025): who took over, what they no longer receive, and
re-addressing a unit's dossier to the successor.

An authority past its `valid_to` receives no new dossier and no submission; the refusal names the authority that
replaced it (`Authority.successor`). A dossier it accepted on or before its last day continues under the
transitional rules and is never refused or moved. Services flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Authority, Dossier, User
from models.dossier import DossierState
from workflow.core import audit
from workflow.core.errors import DomainError, PermissionDenied, StaleObject
from workflow.core.messages import Message, msg
from workflow.core.today import local_today
from workflow.permissions import can_edit_dossier


def successor_on(authority: Authority, day: date) -> Authority | None:
    """The authority acting for `authority` on `day`, following successors (a merged body may merge again)."""
    seen = {authority.id}
    current = authority.successor
    while current is not None and current.id not in seen:
        if current.valid_on(day):
            return current
        seen.add(current.id)
        current = current.successor
    return None


def _first_day_gone(authority: Authority) -> str:
    return f"{authority.valid_to + timedelta(days=1):%d/%m/%Y}"


def out_of_office(authority: Authority, day: date) -> Message | None:
    """Why `authority` receives no dossier on `day`, naming who took over; None while it does."""
    if authority.valid_on(day):
        return None
    if day < authority.valid_from:
        return msg(
            "%(authority)s chỉ nhận hồ sơ từ ngày %(since)s.",
            authority=authority.short_name,
            since=f"{authority.valid_from:%d/%m/%Y}",
        )
    successor = successor_on(authority, day)
    if successor is None:
        return msg(
            "%(authority)s đã chấm dứt hoạt động từ %(since)s và chưa có cơ quan kế nhiệm được ghi nhận; "
            "vui lòng liên hệ quản trị hệ thống.",
            authority=authority.short_name,
            since=_first_day_gone(authority),
        )
    return msg(
        "%(authority)s đã chấm dứt hoạt động từ %(since)s; hồ sơ mới gửi %(successor)s (cơ quan kế nhiệm).",
        authority=authority.short_name,
        since=_first_day_gone(authority),
        successor=successor.short_name,
    )


def continues_transitionally(dossier: Dossier) -> bool:
    """Accepted on or before its authority's last day: the dossier goes on under the transitional rules."""
    end = dossier.authority.valid_to
    return dossier.accepted_on is not None and end is not None and dossier.accepted_on <= end


def transitional_notice(dossier: Dossier, day: date) -> Message | None:
    """The banner of a dossier its authority accepted before it ended, once it has ended."""
    authority = dossier.authority
    if not continues_transitionally(dossier) or authority.valid_on(day):
        return None
    return msg(
        "Hồ sơ tiếp nhận ngày %(accepted)s, trước khi %(authority)s chấm dứt hoạt động (%(since)s): tiếp tục xử lý "
        "theo quy định chuyển tiếp.",
        accepted=f"{dossier.accepted_on:%d/%m/%Y}",
        authority=authority.short_name,
        since=_first_day_gone(authority),
    )


def readdress_refusal(dossier: Dossier, day: date) -> Message | None:
    """Why the dossier cannot move to its authority's successor on `day`; None when it can. Only a dossier the
    authority never accepted moves, and only for a unit that still exists."""
    authority = dossier.authority
    if out_of_office(authority, day) is None:
        return msg("%(authority)s vẫn đang hoạt động; hồ sơ không cần chuyển.", authority=authority.short_name)
    if dossier.accepted_on is not None:
        return msg(
            "Hồ sơ đã được tiếp nhận ngày %(accepted)s: tiếp tục xử lý theo quy định chuyển tiếp, không chuyển "
            "sang cơ quan khác.",
            accepted=f"{dossier.accepted_on:%d/%m/%Y}",
        )
    successor = successor_on(authority, day)
    if successor is None:
        return out_of_office(authority, day)
    unit = dossier.unit
    if not unit.valid_on(day):
        return msg(
            "%(unit)s đã chấm dứt hoạt động; hồ sơ của đơn vị không chuyển sang %(successor)s được.",
            unit=unit.name,
            successor=successor.short_name,
        )
    return None


def readdress_dossier(session: Session, dossier: Dossier, *, actor: User, version: int | None = None) -> Dossier:
    """Address a dossier still with its unit (a draft, or one returned before acceptance) to the successor of its
    ended authority; the unit itself stays as it is. Not a change of state, so not a transition: the dossier
    keeps its state and gets an audit entry in the same transaction. A returned dossier has not reached the new
    authority yet, so its rule set is chosen again when it is resubmitted. Raises PermissionDenied, StaleObject,
    DomainError (naming why it cannot move)."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied()
    if version is not None and version != dossier.version:
        raise StaleObject()
    today = local_today()
    refusal = readdress_refusal(dossier, today)
    if refusal is not None:
        raise DomainError(refusal)
    before, after = dossier.authority, successor_on(dossier.authority, today)
    dossier.authority = after
    if dossier.state == DossierState.RETURNED:
        dossier.rule_set = None
    try:
        session.flush()
    except StaleDataError:
        raise StaleObject() from None
    audit.append(
        session,
        entity_type="dossier",
        entity_id=dossier.id,
        dossier_id=dossier.id,
        action="readdress",
        actor_id=actor.id,
        data={"from_authority": before.name, "to_authority": after.name, "to_authority_id": after.id},
    )
    return dossier
