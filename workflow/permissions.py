"""Permission predicates `can_<verb>(user, obj=None)`: pure, deny by default.

Views, templates and the API all ask these; nothing else decides who may do what."""

from __future__ import annotations

from models import Role, User


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
