"""Dossier pages: list, create, the editor (nominations, documents, checklist, actions) and the timeline."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from models import Dossier, Nomination, db
from web.access import permission_required
from web.forms import (
    DocumentForm,
    NominationForm,
    ReassignForm,
    TransitionForm,
    attach_errors,
    build_dossier_form,
    build_nomination_form,
)
from web.loaders import load_document, load_dossier, load_nomination
from web.messages import translate_all, translate_fields
from web.pagination import paginate
from web.params import query_args
from web.presenters import (
    dialog_inputs,
    dossier_page_context,
    new_dossier_notice,
    nomination_form_data,
    nominee_input,
    timeline_rows,
)
from web.uploads import uploads_from
from workflow.core.engine import Action, perform
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.core.machines import DOSSIER
from workflow.core.today import local_today
from workflow.dossiers import attachments
from workflow.dossiers import editing as service
from workflow.dossiers.documents import content_path, opens_inline, served_as
from workflow.dossiers.succession import readdress_dossier
from workflow.movements.dossier_link import linkable_movements
from workflow.permissions import (
    can_create_dossier,
    can_edit_dossier,
    can_list_dossiers,
    can_perform,
    can_view_dossier,
)
from workflow.reporting.worklists import visible_dossiers

bp = Blueprint("dossiers", __name__)
MAX_ID = 2147483647
ID = f"int(max={MAX_ID})"


def load_action(dossier_id: int, trigger: str) -> Action:
    return Action(DOSSIER, load_dossier(dossier_id), trigger)


@bp.get("/dossiers")
@permission_required(can_list_dossiers)
def index():
    args = query_args(
        ints={"year": (1945, 2200), "unit": (1, MAX_ID), "movement": (1, MAX_ID), "overdue": (0, 1)},
        texts={"state": 24, "procedure": 24, "holder": 24},
    )
    found = visible_dossiers(
        db.session, current_user, state=args["state"], year=args["year"], unit_id=args["unit"],
        procedure=args["procedure"], movement_id=args["movement"], holder=args["holder"],
        overdue=bool(args["overdue"]), today=local_today(),
    )  # fmt: skip
    return render_template("dossiers/index.html", page=paginate(db.session, found), **args)


@bp.route("/dossiers/new", methods=["GET", "POST"])
@permission_required(can_create_dossier)
def new():
    movements = linkable_movements(db.session, current_user.unit.authority_id)
    chosen = request.args.get("movement", type=int)
    form = build_dossier_form(movements, year=local_today().year, movement_id=chosen)
    if form.validate_on_submit():
        try:
            dossier = service.create_dossier(
                db.session,
                actor=current_user,
                procedure=form.procedure.data,
                year=form.year.data,
                title=form.title.data,
                movement_id=form.movement_id.data,
            )
        except InvalidInput as error:
            return _with_errors("dossiers/new.html", form, error)
        db.session.commit()
        flash(_("Đã tạo hồ sơ %(code)s.", code=dossier.code), "success")
        return redirect(url_for(".show", dossier_id=dossier.id))
    notice = new_dossier_notice(current_user)
    return render_template("dossiers/new.html", form=form, notice=notice), 422 if form.errors else 200


@bp.get(f"/dossiers/<{ID}:dossier_id>")
@permission_required(can_view_dossier, load=load_dossier)
def show(dossier_id: int):
    dossier = load_dossier(dossier_id)
    context = dossier_page_context(db.session, dossier, current_user, adding=request.args.get("adding") == "1")
    return render_template("dossiers/show.html", **context)


@bp.post(f"/dossiers/<{ID}:dossier_id>/nominations")
@permission_required(can_edit_dossier, load=load_dossier)
def add_nomination(dossier_id: int):
    dossier = load_dossier(dossier_id)
    form = _nomination_form(dossier)
    if form.validate_on_submit():
        try:
            service.add_nomination(db.session, dossier, actor=current_user, data=nominee_input(form))
        except InvalidInput as error:
            return _show_with_errors(dossier, nomination_form=form, error=error)
        db.session.commit()
        flash(_("Đã thêm người/tập thể được đề nghị."), "success")
        return redirect(url_for(".show", dossier_id=dossier.id, adding=1, _anchor="add-nominee"))
    return _show_with_errors(dossier, nomination_form=form)


@bp.route(f"/nominations/<{ID}:nomination_id>/edit", methods=["GET", "POST"])
@permission_required(can_edit_dossier, load=load_nomination)
def edit_nomination(nomination_id: int):
    nomination = load_nomination(nomination_id)
    form = _nomination_form(nomination.dossier, obj=nomination_form_data(db.session, nomination))
    if form.validate_on_submit():
        try:
            service.update_nomination(db.session, nomination, actor=current_user, data=nominee_input(form))
        except InvalidInput as error:
            return _with_errors("dossiers/nomination_edit.html", form, error, nomination=nomination)
        db.session.commit()
        flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for(".show", dossier_id=nomination.dossier_id, _anchor="nominations"))
    status = 422 if form.errors else 200
    return render_template("dossiers/nomination_edit.html", form=form, nomination=nomination), status


@bp.post(f"/nominations/<{ID}:nomination_id>/remove")
@permission_required(can_edit_dossier, load=load_nomination)
def remove_nomination(nomination_id: int):
    nomination = load_nomination(nomination_id)
    dossier_id = nomination.dossier_id
    if TransitionForm().validate_on_submit():
        service.remove_nomination(db.session, nomination, actor=current_user)
        db.session.commit()
        flash(_("Đã bỏ người/tập thể khỏi hồ sơ."), "success")
    return redirect(url_for(".show", dossier_id=dossier_id, _anchor="nominations"))


@bp.post(f"/dossiers/<{ID}:dossier_id>/documents")
@permission_required(can_edit_dossier, load=load_dossier)
def upload(dossier_id: int):
    dossier = load_dossier(dossier_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _show_with_errors(dossier, document_form=form)
    try:
        added = attachments.add_documents(
            db.session,
            dossier,
            actor=current_user,
            uploads=uploads_from(form, service.checklist(db.session, dossier)),
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        )
    except InvalidInput as error:
        return _show_with_errors(dossier, document_form=form, upload_errors=translate_fields(error.errors))
    db.session.commit()
    flash(ngettext("Đã tải lên %(num)s tài liệu.", "Đã tải lên %(num)s tài liệu.", len(added)), "success")
    return redirect(url_for(".show", dossier_id=dossier.id, _anchor="documents"))


@bp.post(f"/documents/<{ID}:document_id>/remove")
@permission_required(can_edit_dossier, load=load_document)
def remove_document(document_id: int):
    document = load_document(document_id)
    if TransitionForm().validate_on_submit():
        attachments.remove_document(db.session, document, actor=current_user)
        db.session.commit()
        flash(_("Đã gỡ tài liệu %(name)s khỏi hồ sơ (vẫn lưu trong lịch sử).", name=document.original_name), "success")
    return redirect(url_for(".show", dossier_id=document.dossier_id, _anchor="documents"))


@bp.post(f"/documents/<{ID}:document_id>/reassign")
@permission_required(can_edit_dossier, load=load_document)
def reassign_document(document_id: int):
    document = load_document(document_id)
    form = ReassignForm()
    if form.validate_on_submit():
        nomination = _nomination_in(document.dossier, form.nomination_id.data)
        attachments.reassign_document(
            db.session, document, actor=current_user, kind=form.kind.data, nomination=nomination
        )
        db.session.commit()
        flash(_("Đã chuyển tài liệu %(name)s.", name=document.original_name), "success")
    return redirect(url_for(".show", dossier_id=document.dossier_id, _anchor="documents"))


@bp.get(f"/documents/<{ID}:document_id>")
@permission_required(can_view_dossier, load=load_document)
def download(document_id: int):
    """Under the type recognised from the content at upload (only PDF, DOCX, XLSX, JPEG, PNG exist) and a name made
    from the row, never the uploader's, with nosniff: PDFs and images open in the browser's own viewer, Word and Excel
    files download. No upload can be taken for a page of this site."""
    document = load_document(document_id)
    path = content_path(Path(current_app.config["UPLOAD_DIR"]), document.content_hash)
    media_type, name = served_as(document)
    response = send_file(path, mimetype=media_type, download_name=name, as_attachment=not opens_inline(document))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post(f"/dossiers/<{ID}:dossier_id>/actions/<string(maxlength=40):trigger>")
@permission_required(can_perform, load=load_action)
def act(dossier_id: int, trigger: str):
    action = load_action(dossier_id, trigger)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _show_with_errors(action.row, transition_form=form)
    try:
        perform(db.session, action, actor=current_user, version=form.version.data, inputs=dialog_inputs(form))
    except GuardFailed as error:
        return _show_with_errors(action.row, transition_form=form, refused=(trigger, translate_all(error.failures)))
    db.session.commit()
    flash(_("Đã thực hiện: %(action)s.", action=_(DOSSIER.transitions[trigger].label)), "success")
    dossier = action.row
    return redirect(url_for(".show", dossier_id=dossier.id))


@bp.post(f"/dossiers/<{ID}:dossier_id>/readdress")
@permission_required(can_edit_dossier, load=load_dossier)
def readdress(dossier_id: int):
    dossier = load_dossier(dossier_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _show_with_errors(dossier, transition_form=form)
    readdress_dossier(db.session, dossier, actor=current_user, version=form.version.data)
    db.session.commit()
    flash(_("Đã chuyển hồ sơ sang %(authority)s.", authority=dossier.authority.short_name), "success")
    return redirect(url_for(".show", dossier_id=dossier.id))


@bp.get(f"/dossiers/<{ID}:dossier_id>/timeline")
@permission_required(can_view_dossier, load=load_dossier)
def timeline(dossier_id: int):
    dossier = load_dossier(dossier_id)
    return render_template("dossiers/timeline.html", dossier=dossier, rows=timeline_rows(db.session, dossier))


def _nomination_in(dossier: Dossier, chosen: str | None) -> Nomination | None:
    """The nominee picked in the upload form, among this dossier's own (compared as text: no number parsing)."""
    if not chosen:
        return None
    found = next((n for n in dossier.nominations if str(n.id) == chosen), None)
    if found is None:
        raise InvalidInput({"nomination_id": [_("Người được đề nghị không thuộc hồ sơ này.")]})
    return found


def _nomination_form(dossier: Dossier, obj=None) -> NominationForm:
    def problems(form: NominationForm) -> dict[str, list[str]]:
        return service.nominee_problems(db.session, dossier, nominee_input(form))

    return build_nomination_form(service.titles_for(db.session, dossier), data=obj, check=problems)


def _with_errors(template: str, form, error: InvalidInput, **context):
    for message in attach_errors(form, error.errors):
        flash(message, "danger")
    db.session.rollback()
    return render_template(template, form=form, **context), 422


def _show_with_errors(dossier: Dossier, error: InvalidInput | None = None, **forms):
    """The dossier page again, with what was refused next to the form or dialog it came from (422)."""
    db.session.rollback()
    if error is not None:
        for message in attach_errors(next(iter(forms.values())), error.errors):
            flash(message, "danger")
    context = dossier_page_context(db.session, dossier, current_user)
    context.update(forms)
    return render_template("dossiers/show.html", **context), 422
