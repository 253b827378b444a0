"""Decision pages (Quyết định khen thưởng): the list, drafting from the approved nominations waiting for a decision,
the decision as it will print with its workflow buttons, the draft's edit form, and the documents to download (the
decision and the proposal letter as PDF and DOCX, each awardee's certificate once signed)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models import AuditEntry, Authority, Decision, db
from models.decision import DecisionState
from web.access import permission_required
from web.forms import TransitionForm, WholeNumberField, attach_errors
from web.messages import translate_all
from web.pagination import paginate
from web.params import MAX_ID, is_whole_number, text_arg
from web.presenters import dialog_inputs
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import DECISION
from workflow.core.messages import msg
from workflow.core.today import local_today
from workflow.decisions import documents, drafting, signed_copy
from workflow.decisions.candidates import candidates
from workflow.decisions.listing import item_counts, visible_decisions
from workflow.permissions import can_draft_decision, can_list_decisions, can_perform, can_view_decision
from workflow.registry.entries import title_names
from workflow.rendering.decision_docs import ARTICLE_1, place_and_date
from workflow.rendering.formats import thousands

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
ID = f"int(max={MAX_ID})"

DECISION_LABELS = {
    DecisionState.DRAFT: _l("Dự thảo"),
    DecisionState.AWAITING_SIGNATURE: _l("Chờ ký"),
    DecisionState.SIGNED: _l("Đã ký"),
    DecisionState.PUBLISHED: _l("Đã ban hành"),
    DecisionState.REVOKED: _l("Đã hủy"),
}
CAPACITY_LABELS = {"chairman": _l("Chủ tịch"), "deputy": _l("Phó Chủ tịch")}
LINE_MAX = drafting.TEXT_MAX


@bp.context_processor
def _labels():
    return {"decision_labels": DECISION_LABELS, "capacity_labels": CAPACITY_LABELS}


def _each_line(form, field) -> None:
    for line in (field.data or "").splitlines():
        if len(line.strip()) > LINE_MAX:
            raise ValidationError(_("Mỗi dòng dài tối đa %(limit)s ký tự.", limit=LINE_MAX))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SignedCopyForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    file = FileField(
        _l("Bản chính đã ký (PDF, JPG, PNG; tối đa 20 MB)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))]
    )


class DraftForm(FlaskForm):
    nominations = SelectMultipleField(_l("Các đề nghị đưa vào quyết định"), choices=[], validate_choice=False)


class EditForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    summary = StringField(
        _l("Trích yếu"),
        validators=[
            DataRequired(_l("Vui lòng nhập trích yếu.")),
            Length(max=drafting.SUMMARY_MAX, message=_l("Tối đa %(max)d ký tự.")),
        ],
    )
    legal_bases = TextAreaField(_l("Căn cứ (mỗi dòng một căn cứ)"), validators=[_each_line])
    recital = TextAreaField(_l("Xét đề nghị"), validators=[Length(max=LINE_MAX, message=_l("Tối đa %(max)d ký tự."))])
    executors = TextAreaField(_l("Điều 2 – cơ quan, người thi hành (mỗi dòng một)"), validators=[_each_line])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một)"), validators=[_each_line])
    add = SelectMultipleField(_l("Thêm vào Điều 1"), choices=[], validate_choice=False)


def load_decision(decision_id: int, **_) -> Decision:
    return db.get_or_404(Decision, decision_id)


def own_authority(**_) -> Authority | None:
    return current_user.authority


def load_action(decision_id: int, trigger: str) -> Action:
    return Action(DECISION, load_decision(decision_id), trigger)


# --- list and drafting -----------------------------------------------------------------------------------------------


@bp.get("")
@permission_required(can_list_decisions)
def index():
    state = text_arg("state", 24)
    if state is not None and state not in DecisionState.ALL:
        raise InvalidInput({"state": [msg("Trạng thái không hợp lệ.")]})
    page = paginate(db.session, visible_decisions(current_user, state=state))
    counts = item_counts(db.session, page.items)
    return render_template("decisions/index.html", page=page, state=state, item_counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_draft_decision, load=own_authority)
def new():
    authority = current_user.authority
    found = candidates(db.session, authority)
    form = DraftForm()
    form.nominations.choices = [(str(c.nomination.id), c.nomination.nominee.full_name) for c in found]
    if form.validate_on_submit():
        chosen = set(form.nominations.data or [])
        picked = [c.nomination for c in found if str(c.nomination.id) in chosen]
        try:
            decision = drafting.draft_decision(db.session, authority, picked, current_user)
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors):
                flash(message, "danger")
        else:
            db.session.commit()
            flash(_("Đã soạn dự thảo quyết định."), "success")
            return redirect(url_for(".show", decision_id=decision.id))
    status = 422 if request.method == "POST" else 200
    return render_template("decisions/new.html", form=form, candidates=found, titles=title_names(db.session)), status


# --- one decision ----------------------------------------------------------------------------------------------------


@bp.get(f"/<{ID}:decision_id>")
@permission_required(can_view_decision, load=load_decision)
def show(decision_id: int):
    return _page(load_decision(decision_id))


@bp.route(f"/<{ID}:decision_id>/edit", methods=["GET", "POST"])
@permission_required(can_draft_decision, load=load_decision)
def edit(decision_id: int):
    decision = load_decision(decision_id)
    if decision.state != DecisionState.DRAFT:
        flash(_("Chỉ sửa được quyết định khi còn là dự thảo."), "warning")
        return redirect(url_for(".show", decision_id=decision.id))
    content = decision.content or {}
    form = EditForm(
        data={
            "version": decision.version,
            "summary": decision.summary,
            "legal_bases": "\n".join(content.get("legal_bases", [])),
            "recital": content.get("recital", ""),
            "executors": "\n".join(content.get("executors", [])),
            "recipients": "\n".join(content.get("recipients", [])),
        }
        if request.method == "GET"
        else None
    )
    addable = [c for c in candidates(db.session, decision.authority, decision=decision) if c.decidable]
    form.add.choices = [(str(c.nomination.id), c.nomination.nominee.full_name) for c in addable]
    rows = _item_rows(decision)
    if request.method == "POST":
        valid = form.validate_on_submit()
        items, items_ok = _items_from_form(decision, rows, addable, form)
        if valid and items_ok:
            try:
                drafting.update_draft(
                    db.session,
                    decision,
                    actor=current_user,
                    summary=form.summary.data,
                    content={
                        "legal_bases": _lines(form.legal_bases.data),
                        "recital": form.recital.data or "",
                        "executors": _lines(form.executors.data),
                        "recipients": _lines(form.recipients.data),
                    },
                    items=items,
                    version=form.version.data,
                )
            except InvalidInput as error:
                db.session.rollback()
                errors = dict(error.errors)
                items_errors = translate_all(errors.pop("items", []))
                for message in attach_errors(form, errors, fallback=None):
                    flash(message, "danger")
                return _edit_page(decision, form, rows, addable, items_errors), 422
            db.session.commit()
            flash(_("Đã lưu dự thảo."), "success")
            return redirect(url_for(".show", decision_id=decision.id))
        db.session.rollback()
        return _edit_page(decision, form, rows, addable, []), 422
    return _edit_page(decision, form, rows, addable, [])


class ItemRow:
    """One line of Article 1 in the edit form: what the page shows and what was sent back, with its errors."""

    def __init__(self, item, index: int):
        self.item = item
        self.nomination = item.nomination
        self.key = f"item-{item.nomination_id}"
        self.position = str(index)
        self.achievement = item.achievement
        self.remove = False
        self.errors: list[str] = []


def _item_rows(decision: Decision) -> list[ItemRow]:
    return [ItemRow(item, i) for i, item in enumerate(decision.items, start=1)]


def _items_from_form(decision: Decision, rows: list[ItemRow], addable, form: EditForm):
    """Article 1 as sent: each kept line in its new order (by the position typed, ties in the old order), then the
    nominations added. Returns (items, whether every line is well formed)."""
    ok = True
    for row in rows:
        row.achievement = request.form.get(f"{row.key}-achievement", row.achievement) or ""
        row.position = (request.form.get(f"{row.key}-position") or "").strip()
        row.remove = bool(request.form.get(f"{row.key}-remove"))
        if "\x00" in row.achievement or len(row.achievement) > LINE_MAX:
            row.errors.append(_("Thành tích dài tối đa %(limit)s ký tự.", limit=LINE_MAX))
        if not (is_whole_number(row.position) and 1 <= int(row.position) <= 1000):
            row.errors.append(_("Thứ tự là số nguyên từ 1 đến 1000."))
        ok = ok and not row.errors
    if not ok:
        return [], False
    kept = sorted(((int(row.position), i, row) for i, row in enumerate(rows) if not row.remove), key=lambda t: t[:2])
    items = [drafting.ItemInput(row.nomination.id, row.achievement) for _p, _i, row in kept]
    chosen = set(form.add.data or [])
    unknown = chosen - {str(c.nomination.id) for c in addable}
    if unknown:
        form.add.errors = [*form.add.errors, _("Có đề nghị không thể đưa vào quyết định này.")]
        return [], False
    items += [
        drafting.ItemInput(c.nomination.id, drafting._achievement(c.nomination))
        for c in addable
        if str(c.nomination.id) in chosen
    ]
    return items, True


def _edit_page(decision: Decision, form: EditForm, rows, addable, items_errors: list[str]):
    return render_template(
        "decisions/edit.html",
        decision=decision,
        form=form,
        rows=rows,
        addable=addable,
        items_errors=items_errors,
        titles=title_names(db.session),
    )


@bp.post(f"/<{ID}:decision_id>/actions/<string(maxlength=40):trigger>")
@permission_required(can_perform, load=load_action)
def act(decision_id: int, trigger: str):
    action = load_action(decision_id, trigger)
    form = TransitionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _page(action.row, transition_form=form), 422
    perform(db.session, action, actor=current_user, version=form.version.data, inputs=dialog_inputs(form))
    db.session.commit()
    decision = action.row
    if trigger == "sign":
        flash(_("Đã ký quyết định số %(number)s.", number=decision.number_text), "success")
    else:
        flash(_("Đã thực hiện: %(action)s.", action=_(DECISION.transitions[trigger].label)), "success")
    return redirect(url_for(".show", decision_id=decision.id))


def _page(decision: Decision, transition_form: TransitionForm | None = None, copy_form: SignedCopyForm | None = None):
    actions = [DECISION.transitions[t] for t in available_triggers(DECISION, decision, current_user)]
    form = transition_form or TransitionForm(version=decision.version)
    if transition_form is not None:
        form.version.data = decision.version
    signed = documents.is_signed(decision)
    doc = documents.decision_document(db.session, decision)
    return render_template(
        "decisions/show.html",
        decision=decision,
        doc=doc,
        actions=actions,
        transition_form=form,
        signed=signed,
        awardees=[item.nomination.nominee.full_name for item in decision.items],
        dossiers=drafting.dossiers_of(decision),
        sent_back=_last_send_back(decision),
        can_edit=can_draft_decision(current_user, decision) and decision.state == DecisionState.DRAFT,
        copy_form=copy_form or SignedCopyForm(version=decision.version),
        can_attach=signed and can_draft_decision(current_user, decision),
        place_date=place_and_date(doc.letterhead),
        article_1=ARTICLE_1,
        thousands=thousands,
        today=local_today(),
    )


def _last_send_back(decision: Decision) -> AuditEntry | None:
    """The chairman's latest comment in sending the draft back, shown while it is a draft again."""
    if decision.state != DecisionState.DRAFT:
        return None
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "decision", AuditEntry.entity_id == decision.id)
        .where(AuditEntry.action == "send_back")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()


# --- documents -------------------------------------------------------------------------------------------------------


def _send(file: documents.File):
    """Always an attachment, with nosniff, never cached (a draft changes while it is edited)."""
    response = send_file(
        io.BytesIO(file.content), mimetype=file.mimetype, as_attachment=True, download_name=file.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"/<{ID}:decision_id>/decision.pdf")
@permission_required(can_view_decision, load=load_decision)
def decision_pdf(decision_id: int):
    return _send(documents.decision_file(db.session, load_decision(decision_id), "pdf"))


@bp.get(f"/<{ID}:decision_id>/decision.docx")
@permission_required(can_view_decision, load=load_decision)
def decision_docx(decision_id: int):
    return _send(documents.decision_file(db.session, load_decision(decision_id), "docx"))


@bp.get(f"/<{ID}:decision_id>/proposal-letter.pdf")
@permission_required(can_view_decision, load=load_decision)
def letter_pdf(decision_id: int):
    return _send(documents.proposal_letter_file(db.session, load_decision(decision_id), "pdf"))


@bp.get(f"/<{ID}:decision_id>/proposal-letter.docx")
@permission_required(can_view_decision, load=load_decision)
def letter_docx(decision_id: int):
    return _send(documents.proposal_letter_file(db.session, load_decision(decision_id), "docx"))


@bp.get(f"/<{ID}:decision_id>/certificates/<int(min=1, max=100000):position>.pdf")
@permission_required(can_view_decision, load=load_decision)
def certificate(decision_id: int, position: int):
    """Each awardee's certificate, once the decision is signed (before: 422, with the reason)."""
    try:
        file = documents.certificate_file(db.session, load_decision(decision_id), position)
    except LookupError:
        abort(404)
    return _send(file)


# --- the signed copy -------------------------------------------------------------------------------------------------


@bp.post(f"/<{ID}:decision_id>/signed-copy")
@permission_required(can_draft_decision, load=load_decision)
def attach_signed_copy(decision_id: int):
    decision = load_decision(decision_id)
    form = SignedCopyForm()
    if form.validate_on_submit():
        try:
            signed_copy.attach_signed_copy(
                db.session,
                decision,
                form.file.data.stream,
                form.file.data.filename,
                current_user,
                upload_dir=Path(current_app.config["UPLOAD_DIR"]),
                version=form.version.data,
            )
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors):
                flash(message, "danger")
        else:
            db.session.commit()
            flash(_("Đã đính kèm bản chính đã ký."), "success")
            return redirect(url_for(".show", decision_id=decision.id, _anchor="signed-copy"))
    db.session.rollback()
    return _page(decision, copy_form=form), 422


@bp.get(f"/<{ID}:decision_id>/signed-copy")
@permission_required(can_view_decision, load=load_decision)
def signed_copy_file(decision_id: int):
    """Always an attachment, under the type recognised at upload and a name made from the decision's number."""
    decision = load_decision(decision_id)
    path = signed_copy.signed_copy_path(decision, Path(current_app.config["UPLOAD_DIR"]))
    if path is None or not path.is_file():
        abort(404)
    media_type, name = signed_copy.served_as(decision)
    response = send_file(path, mimetype=media_type, download_name=name, as_attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
