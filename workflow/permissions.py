"""Permission predicates `can_<verb>(user, obj=None)`: pure, deny by default.

Views, templates and the API all ask these; nothing else decides who may do what."""

from __future__ import annotations

from models import Dossier, Role, User
from models.dossier import DossierState


def _active(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_home(user: User | None, obj: object = None) -> bool:
    return _active(user)


def can_change_own_settings(user: User | None, obj: object = None) -> bool:
    return _active(user)


def can_view_unit_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_view_office_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.OFFICE)


def can_view_council_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.COUNCIL_MEMBER)


def can_view_chairman_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.CHAIRMAN)


def can_administer(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.ADMIN)


def can_view_secretary_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.SECRETARY, Role.OFFICE)


# --- dossiers -------------------------------------------------------------------------------------------------------


def _dossier_of(obj) -> Dossier | None:
    return obj if isinstance(obj, Dossier) else getattr(obj, "dossier", None)


def _unit_member(user: User | None, obj, *roles: str) -> bool:
    dossier = _dossier_of(obj)
    return _active(user) and dossier is not None and user.unit_id == dossier.unit_id and user.has_role(*roles)


def _authority_member(user: User | None, obj, *roles: str) -> bool:
    dossier = _dossier_of(obj)
    return (
        _active(user)
        and dossier is not None
        and user.unit is not None
        and user.unit.authority_id == dossier.authority_id
        and user.has_role(*roles)
    )


def can_list_dossiers(user: User | None, obj: object = None) -> bool:
    return _active(user) and (
        (user.unit_id is not None and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD))
        or user.has_role(Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)
    )


def can_create_dossier(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(Role.UNIT_OFFICER)


def can_view_dossier(user: User | None, obj) -> bool:
    """Unit isolation: a unit sees its own; the standing office, secretary and chairman see their authority's."""
    return _unit_member(user, obj, Role.UNIT_OFFICER, Role.UNIT_HEAD) or _authority_member(
        user, obj, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN
    )


def can_edit_dossier(user: User | None, obj) -> bool:
    """Nominations and documents change only while the dossier is with its unit's officer."""
    dossier = _dossier_of(obj)
    return _unit_member(user, obj, Role.UNIT_OFFICER) and dossier.state in (DossierState.DRAFT, DossierState.RETURNED)


def can_submit_to_head(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_OFFICER)


def can_sign_off(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_HEAD)


def can_resubmit(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_withdraw(user: User | None, obj) -> bool:
    """The head may withdraw at any stage before acceptance ends; the officer only a draft of their own unit."""
    dossier = _dossier_of(obj)
    if _unit_member(user, obj, Role.UNIT_HEAD):
        return True
    return _unit_member(user, obj, Role.UNIT_OFFICER) and dossier.state == DossierState.DRAFT


def can_review_dossier(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_appraise(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_manage_council_review(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_decide(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.CHAIRMAN)


def can_view_rulesets(user: User | None, obj: object = None) -> bool:
    """The people who maintain or apply the rules read them; only the administrator changes anything."""
    return _active(user) and user.has_role(Role.ADMIN, Role.OFFICE, Role.SECRETARY)
