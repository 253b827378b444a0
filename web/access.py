"""The one decorator every protected view wears: login, then a `can_<verb>` predicate, else 403.

The predicate is kept on the view (`view.permission`) so a test can prove no route goes unchecked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from web.extensions import login_manager

Predicate = Callable[..., bool]


def permission_required(predicate: Predicate, load: Callable[..., object] | None = None):
    """Require login and `predicate(current_user, obj)`; `load(**view_args)` fetches obj (404 when missing)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            obj = load(**kwargs) if load else None
            if not predicate(current_user, obj):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = predicate
        guarded.load = load
        return guarded

    return decorate


def public(view):
    """Mark a view as open to anonymous users, on purpose."""
    view.permission = "public"
    return view
