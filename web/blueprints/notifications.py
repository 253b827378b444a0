"""The bell: a user's in-app notifications, written by the outbox dispatcher."""

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from models import Notification, db
from models.base import utcnow
from web.access import permission_required
from workflow.notify import messages
from workflow.permissions import can_view_home

bp = Blueprint("notifications", __name__)


def _own_or_404(notification_id: int) -> Notification:
    """Someone else's notification is reported missing, not forbidden: its id tells nothing."""
    return db.first_or_404(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == current_user.id)
    )


@bp.get("/notifications")
@permission_required(can_view_home)
def index():
    return render_template("notifications/index.html", notifications=messages.inbox(db.session, current_user))


@bp.post("/notifications/<int(max=2147483647):notification_id>/read")
@permission_required(can_view_home)
def read(notification_id: int):
    notification = _own_or_404(notification_id)
    messages.mark_read(notification, utcnow())
    db.session.commit()
    # "Open" marks read and follows the link; the dispatcher writes only site-relative links, and anything
    # else (say "//host") is refused so the button can never redirect off the site.
    if request.form.get("open") and notification.link.startswith("/") and notification.link[1:2] not in ("/", "\\"):
        return redirect(notification.link)
    return redirect(url_for(".index"))


@bp.post("/notifications/read-all")
@permission_required(can_view_home)
def read_all():
    messages.mark_all_read(db.session, current_user, utcnow())
    db.session.commit()
    return redirect(url_for(".index"))


def unread_count_for(user) -> int:
    return messages.unread_count(db.session, user) if user.is_authenticated else 0


def register_context(app: Flask) -> None:
    """Templates get `unread_count_for(user)`, which `_bell.html` calls (one COUNT query per page)."""
    app.context_processor(lambda: {"unread_count_for": unread_count_for})
