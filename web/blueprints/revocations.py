"""Revocation pages: the office's proposal for one person's award (reached from the person's registry page), the
list of revocation decisions, and the chairman's signature. Each view calls one service of
workflow/decisions/revocation.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import Decision, Nominee, RegistryEntry, db
from web.access import permission_required
from web.forms import attach_errors, options
from web.messages import translate
from web.params import MAX_ID
from workflow.core.errors import DomainError, GuardFailed, InvalidInput
from workflow.decisions import revocation
from workflow.permissions import can_decide, can_list_revocations, can_propose_revocation
from workflow.registry.entries import title_names

bp = Blueprint("revocations", __name__, url_prefix="/revocations")
ID = f"int(max={MAX_ID})"


class ProposalForm(FlaskForm):
    registry_entry_id = SelectField(
        _l("Khen thưởng đề nghị thu hồi"), coerce=int, invalid_choice_message=_l("Vui lòng chọn khen thưởng.")
    )
    reason_category = SelectField(_l("Căn cứ thu hồi"), invalid_choice_message=_l("Vui lòng chọn căn cứ thu hồi."))
    comment = TextAreaField(
        _l("Lý do cụ thể"), validators=[DataRequired(_l("Vui lòng ghi rõ lý do thu hồi.")), Length(max=4000)]
    )


class SignForm(FlaskForm):
    capacity = SelectField(
        _l("Ký với tư cách"),
        choices=options(
            {"chairman": _l("Chủ tịch (TM. Ủy ban nhân dân)"), "deputy": _l("Phó Chủ tịch (KT. Chủ tịch)")}
        ),
    )
    version = IntegerField(validators=[Optional()])


def load_nominee(nominee_id: int, **_) -> Nominee:
    return db.get_or_404(Nominee, nominee_id)


def load_decision(decision_id: int, **_) -> Decision:
    return db.get_or_404(Decision, decision_id)


@bp.get("")
@permission_required(can_list_revocations)
def index():
    decisions = revocation.revocations(db.session, current_user.unit.authority)
    return render_template(
        "revocations/index.html",
        decisions=decisions,
        reasons=revocation.REASONS,
        sign_form=SignForm(),
        can_sign={d.id for d in decisions if can_decide(current_user, d)},
    )


@bp.route(f"/nominees/<{ID}:nominee_id>/new", methods=["GET", "POST"])
@permission_required(can_propose_revocation, load=load_nominee)
def new(nominee_id: int):
    person = load_nominee(nominee_id)
    entries = revocation.revocable_entries(db.session, person.id, current_user.unit.authority_id)
    titles = title_names(db.session)
    form = ProposalForm()
    form.registry_entry_id.choices = options(
        {e.id: f"{titles.get(e.title_code, e.title_code)} năm {e.year} – QĐ số {e.decision_number}" for e in entries}
    )
    form.reason_category.choices = options(
        {"": _l("— Chọn —")} | {k: translate(v) for k, v in revocation.REASONS.items()}
    )
    status = 200
    if form.validate_on_submit():
        try:
            revocation.propose_revocation(
                db.session,
                db.session.get(RegistryEntry, form.registry_entry_id.data),
                actor=current_user,
                reason_category=form.reason_category.data,
                comment=form.comment.data,
            )
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors, fallback="registry_entry_id"):
                flash(message, "danger")
            status = 422
        else:
            db.session.commit()
            flash(_l("Đã trình Chủ tịch ký quyết định thu hồi."), "success")
            return redirect(url_for(".index"))
    elif form.is_submitted():
        status = 422
    return render_template("revocations/new.html", person=person, form=form, entries=entries), status


@bp.post(f"/<{ID}:decision_id>/sign")
@permission_required(can_decide, load=load_decision)
def sign(decision_id: int):
    decision = load_decision(decision_id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            revocation.sign_revocation(
                db.session, decision, actor=current_user, capacity=form.capacity.data, version=form.version.data
            )
        except DomainError as error:
            db.session.rollback()
            for message in _messages(error):
                flash(translate(message), "danger")
        else:
            db.session.commit()
            flash(_l("Đã ký quyết định thu hồi số %(number)s.", number=decision.number_text), "success")
    else:
        flash(_l("Phiên làm việc đã hết hạn; vui lòng thử lại."), "danger")
    return redirect(url_for(".index"))


def _messages(error: DomainError) -> list[str]:
    if isinstance(error, InvalidInput):
        return [m for messages in error.errors.values() for m in messages]
    if isinstance(error, GuardFailed):
        return list(error.failures)
    return [error.message]
