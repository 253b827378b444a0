"""Login and logout."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models import db
from web.access import permission_required, public
from web.forms import LoginForm
from workflow.accounts import authenticate
from workflow.permissions import can_view_home

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.username.data, form.password.data)
        if user is None:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng"), "danger")
            return render_template("auth/login.html", form=form), 401
        db.session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@permission_required(can_view_home)
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot bounce a fresh login to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
