"""The standing office's appraisal page (thẩm định) of one nomination: findings E1–E14 with their legal sources,
the rule set that judged them and why, the route (decide here or forward), the nominee's registry history and
the money estimate; the appraise button and one override dialog per open warning. The administrator reads the
page too, with the rule data's own doubts that the office does not see."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from models import Nomination, db
from web.access import permission_required
from web.blueprints.initiatives import labels as initiative_labels
from web.forms import WholeNumberField, attach_errors
from web.loaders import load_nomination
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.core.today import local_today
from workflow.dossiers import appraisal as service
from workflow.permissions import can_administer, can_appraise, can_view_appraisal
from workflow.registry import initiatives
from workflow.registry.entries import person_history
from workflow.rules.applicable import DEFAULT_BASIS
from workflow.rules.eligibility.basis import BASIS_LABELS
from workflow.rules.eligibility.rules import RULE_NAMES
from workflow.rules.money import nomination_amount, vnd

bp = Blueprint("appraisal", __name__)
ID = "int(max=2147483647)"

OUTCOMES = {
    "eligible": (_l("Đã thẩm định: đủ điều kiện."), "success"),
    "ineligible": (_l("Đã thẩm định: không đủ điều kiện; đơn vị được thông báo lý do."), "warning"),
    "pending": (_l("Đã lưu kết quả thẩm định; còn cảnh báo chờ ý kiến của Phòng Nội vụ."), "info"),
}


class AppraiseForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    comment = TextAreaField(_l("Lý do thẩm định lại"), validators=[Length(max=2000)])


class OverrideForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    rule = HiddenField()
    reason = TextAreaField(_l("Lý do chấp nhận cảnh báo"), validators=[Length(max=2000)])


def _basis() -> str:
    return current_app.config.get("RULE_SET_BASIS", DEFAULT_BASIS)


@bp.get(f"/nominations/<{ID}:nomination_id>/appraisal")
@permission_required(can_view_appraisal, load=load_nomination)
def show(nomination_id: int):
    return _page(load_nomination(nomination_id))


@bp.post(f"/nominations/<{ID}:nomination_id>/appraisal")
@permission_required(can_appraise, load=load_nomination)
def appraise(nomination_id: int):
    nomination = load_nomination(nomination_id)
    form = AppraiseForm()
    if not form.validate_on_submit():
        return _page(nomination, status=422, appraise_form=form)
    try:
        verdict = service.appraise(
            db.session,
            nomination,
            actor=current_user,
            today=local_today(),
            basis=_basis(),
            comment=form.comment.data or "",
            version=form.version.data,
        )
    except GuardFailed as error:
        attach_errors(form, {"comment": error.failures})
        return _page(nomination, status=422, appraise_form=form)
    db.session.commit()
    message, category = OUTCOMES[verdict.outcome]
    flash(message, category)
    return redirect(url_for(".show", nomination_id=nomination.id))


@bp.post(f"/nominations/<{ID}:nomination_id>/overrides")
@permission_required(can_appraise, load=load_nomination)
def override(nomination_id: int):
    nomination = load_nomination(nomination_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _page(nomination, status=422, override_form=form)
    try:
        verdict = service.override_warning(
            db.session,
            nomination,
            rule=form.rule.data or "",
            reason=form.reason.data or "",
            actor=current_user,
            today=local_today(),
            basis=_basis(),
            version=form.version.data,
        )
    except InvalidInput as error:
        attach_errors(form, error.errors, fallback="rule")
        return _page(nomination, status=422, override_form=form)
    except GuardFailed as error:
        attach_errors(form, {"rule": error.failures})
        return _page(nomination, status=422, override_form=form)
    db.session.commit()
    message, category = OUTCOMES[verdict.outcome]
    flash(message, category)
    return redirect(url_for(".show", nomination_id=nomination.id))


def _page(nomination: Nomination, status: int = 200, **forms):
    """The page as it stands now: a fresh evaluation (nothing written), beside the last stored appraisal."""
    db.session.rollback()
    today = local_today()
    verdict = service.evaluate(db.session, nomination, today=today, basis=_basis())
    money = nomination_amount(db.session, nomination, on=today)
    stored = nomination.findings
    context = {
        "nomination": nomination,
        "verdict": verdict,
        "basis_label": BASIS_LABELS[verdict.rule_set["basis"]],
        "decision_sentence": service.decision_sentence(nomination, verdict),
        "rule_names": RULE_NAMES,
        "sources": {f.rule: service.plain_source(f.source) for f in verdict.findings},
        "show_doubts": can_administer(current_user),
        "stored": stored,
        "stored_at": datetime.fromisoformat(stored["evaluated_at"]) if stored else None,
        "history": person_history(db.session, nomination.nominee_id),
        "initiatives": initiatives.for_nomination(db.session, nomination),
        "initiative_labels": initiative_labels(),
        "titles": service.title_labels(db.session),
        "money": money,
        "money_text": vnd(money.amount_vnd) if money.amount_vnd is not None else None,
        "appraise_form": forms.get("appraise_form") or AppraiseForm(version=nomination.version),
        # A refused override reopens the dialog of its own rule with the error; the others start empty.
        "override_form": OverrideForm(version=nomination.version),
        "failed_override": forms.get("override_form"),
        "appraisable": service.appraisable(nomination) and can_appraise(current_user, nomination),
        "needs_comment": nomination.state in service.REAPPRAISED_STATES,
    }
    return render_template("appraisal/show.html", **context), status
