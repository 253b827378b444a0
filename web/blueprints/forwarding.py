"""Forwarding upward: the office's list of approved cases the district may not decide, the package and the
proposal letter to download, the button that sends them up, and per forwarded nominee the province's answer. Each
view calls one service of workflow/decisions/forwarding.py."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from models import Nomination, db
from models.dossier import REASON_CATEGORIES
from web.access import permission_required
from web.params import MAX_ID, is_whole_number
from workflow.core.errors import InvalidInput
from workflow.core.today import local_today
from workflow.decisions import forwarding
from workflow.permissions import can_forward
from workflow.registry.entries import title_names

bp = Blueprint("forwarding", __name__, url_prefix="/forwarding")
ID = f"int(max={MAX_ID})"


def load_nomination(nomination_id: int, **_) -> Nomination:
    return db.get_or_404(Nomination, nomination_id)


def _chosen() -> list[Nomination]:
    """The nominations ticked on the list (`n`), among those the user's authority may send up."""
    wanted = {int(v) for v in request.values.getlist("n") if is_whole_number(v) and 0 < int(v) <= MAX_ID}
    return [n for n in _waiting() if n.id in wanted]


def _waiting() -> list[Nomination]:
    return forwarding.awaiting_forwarding(db.session, current_user.unit.authority)


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _refused(error: InvalidInput):
    db.session.rollback()
    for messages in error.errors.values():
        for message in messages:
            flash(message, "danger")
    return redirect(url_for(".index"))


def _attachment(content: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@permission_required(can_forward)
def index():
    waiting = _waiting()
    authority = current_user.unit.authority
    return render_template(
        "forwarding/index.html",
        waiting=waiting,
        why={n.id: forwarding.why_forward(db.session, authority, n) for n in waiting},
        sent=forwarding.forwarded(db.session, current_user.unit.authority),
        form=FlaskForm(),
        reasons=REASON_CATEGORIES,
        titles=title_names(db.session),
        today=local_today(),
    )


@bp.get("/package.zip")
@permission_required(can_forward)
def package():
    try:
        built = forwarding.preview_package(
            db.session, current_user.unit.authority, _chosen(), actor=current_user, upload_dir=_upload_dir()
        )
    except InvalidInput as error:
        return _refused(error)
    return _attachment(built.content, "application/zip", built.filename)


@bp.get("/letter.pdf")
@permission_required(can_forward)
def letter():
    try:
        pdf = forwarding.preview_letter(db.session, current_user.unit.authority, _chosen(), actor=current_user)
    except InvalidInput as error:
        return _refused(error)
    return _attachment(pdf, "application/pdf", "to-trinh-cap-tren.pdf")


@bp.post("/send")
@permission_required(can_forward)
def send():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        sent = forwarding.forward_to_province(db.session, _chosen(), actor=current_user, upload_dir=_upload_dir())
    except InvalidInput as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã trình cấp trên; mã kiểm tra (SHA-256) của bộ hồ sơ: %(sha)s.", sha=sent.sha256), "success")
    return redirect(url_for(".index"))


@bp.get(f"/nominations/<{ID}:nomination_id>/package.zip")
@permission_required(can_forward, load=load_nomination)
def sent_package(nomination_id: int):
    kept = forwarding.sent_package(db.session, load_nomination(nomination_id), upload_dir=_upload_dir())
    if kept is None:
        abort(404)
    return _attachment(kept.content, "application/zip", kept.filename)


@bp.post(f"/nominations/<{ID}:nomination_id>/answer")
@permission_required(can_forward, load=load_nomination)
def answer(nomination_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    form = request.form
    try:
        day = date.fromisoformat(form.get("decision_date", "")) if form.get("decision_date") else None
    except ValueError:
        day = None
    try:
        forwarding.record_province_answer(
            db.session, load_nomination(nomination_id), actor=current_user, outcome=form.get("outcome", ""),
            decision_number=form.get("decision_number", ""), decision_date=day,
            deciding_authority=form.get("deciding_authority", ""), reason=form.get("reason") or None,
            comment=form.get("comment", ""),
        )  # fmt: skip
    except InvalidInput as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã ghi nhận kết quả của cấp trên."), "success")
    return redirect(url_for(".index"))
