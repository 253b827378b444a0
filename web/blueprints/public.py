"""Pages anyone may open without logging in (docs/DOMAIN.md §5): the state-level nominations open for public comment
with a form to comment on each, and the authority's signed decisions with each one's text as a PDF. The standing
office reads the comments on a page of its own."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from models import db
from web.access import permission_required, public
from web.forms import attach_errors
from web.messages import translate
from web.pagination import paginate
from web.params import MAX_ID
from workflow.core.errors import InvalidInput
from workflow.decisions import public as service
from workflow.permissions import can_read_public_comments
from workflow.registry.entries import title_names

bp = Blueprint("public", __name__)
ID = f"int(max={MAX_ID})"


class CommentForm(FlaskForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ tên.")), Length(max=200)])
    contact = StringField(
        _l("Số điện thoại hoặc địa chỉ liên hệ"),
        validators=[DataRequired(_l("Vui lòng nhập số điện thoại hoặc địa chỉ liên hệ.")), Length(max=200)],
    )
    text = TextAreaField(
        _l("Nội dung ý kiến"), validators=[DataRequired(_l("Vui lòng nhập nội dung ý kiến.")), Length(max=4000)]
    )


@bp.get("/cong-khai")
@public
def comment_index():
    return render_template("public/comment_index.html", nominations=service.open_for_comment(db.session))


@bp.route(f"/cong-khai/<{ID}:nomination_id>", methods=["GET", "POST"])
@public
def comment(nomination_id: int):
    nomination = service.open_nomination(db.session, nomination_id)
    if nomination is None:
        abort(404)
    form = CommentForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.add_comment(
                db.session,
                nomination_id,
                name=form.name.data,
                contact=form.contact.data,
                text=form.text.data,
                address=request.remote_addr or "",
            )
        except service.CommentThrottled as throttled:
            db.session.rollback()
            flash(translate(throttled.message), "danger")
            status = 429
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors):
                flash(message, "danger")
            status = 422
        else:
            db.session.commit()
            flash(_l("Đã nhận ý kiến của bạn. Cảm ơn bạn đã góp ý."), "success")
            return redirect(url_for(".comment", nomination_id=nomination_id))
    elif form.is_submitted():
        status = 422
    return render_template("public/comment.html", nomination=nomination, form=form), status


@bp.get("/cong-khai/y-kien")
@permission_required(can_read_public_comments)
def comments_received():
    unit = current_user.unit
    return render_template(
        "public/comments_received.html",
        comments=service.comments(db.session, unit.authority_id),
        titles=title_names(db.session),
    )


@bp.get("/quyet-dinh")
@public
def decisions_index():
    page = paginate(db.session, service.public_decisions_query(), per_page=20)
    return render_template(
        "public/decisions.html", page=page, decisions=[service.as_public(db.session, d) for d in page.items]
    )


@bp.get(f"/quyet-dinh/<{ID}:decision_id>")
@public
def decision(decision_id: int):
    found = service.public_decision(db.session, decision_id)
    if found is None:
        abort(404)
    return render_template("public/decision.html", decision=found)


@bp.get(f"/quyet-dinh/<{ID}:decision_id>/van-ban.pdf")
@public
def decision_pdf(decision_id: int):
    """Shown in the browser (inline) rather than downloaded: the page links to it to be read. Revalidated on each
    visit, so a decision revoked since is not served from a cache as if still in force."""
    file = service.public_decision_pdf(db.session, decision_id)
    if file is None:
        abort(404)
    response = send_file(io.BytesIO(file.content), mimetype=file.mimetype, download_name=file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response
