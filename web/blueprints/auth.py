"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models import db
from web.access import permission_required, public
from web.forms import LoginForm
from web.messages import translate
from workflow.accounts.users import LoginThrottled, authenticate, end_sessions
from workflow.permissions import can_view_home

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session, form.username.data, form.password.data, address=request.remote_addr or ""
            )
        except LoginThrottled as throttled:
            flash(translate(throttled.message), "danger")
            headers = {"Retry-After": str(throttled.retry_after_seconds)}
            return render_template("auth/login.html", form=form), 429, headers
        db.session.commit()  # a refusal is counted by the throttle even though the login failed
        if user is None:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng"), "danger")
            return render_template("auth/login.html", form=form), 401
        # A fresh session (and with it a fresh CSRF token): nothing from before the login carries over.
        session.clear()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@permission_required(can_view_home)
def logout():
    end_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất khỏi mọi phiên làm việc; các mã truy cập API của bạn đã bị thu hồi."), "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site, so a crafted link cannot bounce a fresh login elsewhere. Browsers drop tabs and
    line breaks and read a backslash as a slash, so "/\\t/evil.example" would leave the site: any control
    character, backslash or second leading slash refuses the target."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
