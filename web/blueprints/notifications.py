"""The notification centre (the bell's page, with filters and pages) and the user's notification preferences."""

from datetime import date

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField

from models import db
from models.base import utcnow
from web.access import permission_required
from web.messages import translate
from web.pagination import paginate
from web.params import text_arg
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.notify import centre, preferences
from workflow.permissions import can_change_own_settings, can_view_home

bp = Blueprint("notifications", __name__)


def _date_arg(name: str) -> date | None:
    raw = text_arg(name, 10)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput({name: [msg("Ngày không hợp lệ; chọn ngày trong lịch.")]}) from None


@bp.get("/notifications")
@permission_required(can_view_home)
def index():
    wanted = centre.InboxFilter(
        unread_only=request.args.get("unread") == "1",
        group=text_arg("group", 20),
        since=_date_arg("from"),
        until=_date_arg("to"),
    )
    page = paginate(db.session, centre.inbox_query(db.session, current_user, wanted))
    return render_template(
        "notifications/index.html", page=page, wanted=wanted, groups=preferences.GROUPS, group_of=preferences.group_of
    )


@bp.post("/notifications/<int(max=2147483647):notification_id>/read")
@permission_required(can_view_home)
def read(notification_id: int):
    # Someone else's notification is reported missing, not forbidden: its id tells nothing.
    notification = centre.own_notification(db.session, current_user, notification_id) or abort(404)
    centre.mark_read(notification, utcnow())
    db.session.commit()
    # "Open" marks read and follows the link; the dispatcher writes only site-relative links, and anything
    # else (say "//host") is refused so the button can never redirect off the site.
    if request.form.get("open") and notification.link.startswith("/") and notification.link[1:2] not in ("/", "\\"):
        return redirect(notification.link)
    return redirect(url_for(".index"))


@bp.post("/notifications/read-all")
@permission_required(can_view_home)
def read_all():
    count = centre.mark_all_read(db.session, current_user, utcnow())
    db.session.commit()
    flash(_("Đã đánh dấu %(count)s thông báo là đã đọc.", count=count), "success")
    return redirect(url_for(".index"))


class PreferencesForm(FlaskForm):
    email_on = SelectMultipleField(_l("Gửi e-mail khi có"), validate_choice=False)
    daily_digest = BooleanField(_l("Nhận bản tin hằng ngày"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@permission_required(can_change_own_settings)
def settings():
    chosen = preferences.preferences_of(db.session, current_user)
    form = PreferencesForm(
        email_on=[group for group in preferences.GROUPS if group not in chosen.email_off],
        daily_digest=chosen.daily_digest,
    )
    form.email_on.choices = [(key, translate(name)) for key, name in preferences.GROUPS.items()]
    if form.validate_on_submit():
        preferences.save_preferences(
            db.session, current_user, email_on=form.email_on.data, daily_digest=form.daily_digest.data
        )
        db.session.commit()
        flash(_("Đã lưu cách nhận thông báo."), "success")
        return redirect(url_for(".settings"))
    return render_template("account/notifications.html", form=form), 422 if form.errors else 200


def unread_count_for(user) -> int:
    return centre.unread_count(db.session, user) if user.is_authenticated else 0


def register_context(app: Flask) -> None:
    """Templates get `unread_count_for(user)`, which `_bell.html` calls (one COUNT query per page)."""
    app.context_processor(lambda: {"unread_count_for": unread_count_for})
