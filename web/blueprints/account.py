"""A user's own settings: the interface language and their API tokens."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from models import db
from web.access import permission_required
from web.forms import LanguageForm
from workflow.accounts.tokens import MAX_LIVE_TOKENS, live_tokens
from workflow.accounts.users import revoke_all_tokens
from workflow.permissions import can_change_own_settings

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/language", methods=["GET", "POST"])
@permission_required(can_change_own_settings)
def language():
    form = LanguageForm(language=current_user.language)
    if form.validate_on_submit():
        current_user.language = form.language.data
        db.session.commit()
        with force_locale(current_user.language):
            flash(_("Đã lưu ngôn ngữ giao diện."), "success")
        return redirect(url_for("home.index"))
    return render_template("account/language.html", form=form), 422 if form.errors else 200


@bp.route("/tokens", methods=["GET", "POST"])
@permission_required(can_change_own_settings)
def tokens():
    form = FlaskForm()
    if form.validate_on_submit():
        count = revoke_all_tokens(db.session, current_user)
        db.session.commit()
        flash(_("Đã thu hồi %(count)s mã truy cập.", count=count), "success")
        return redirect(url_for(".tokens"))
    rows = live_tokens(db.session, current_user)
    return render_template("account/tokens.html", form=form, tokens=rows, limit=MAX_LIVE_TOKENS)
