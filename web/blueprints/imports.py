"""Excel import pages: past awards into the registry (the standing office) and a nominee list into a dossier (the
unit officer), each with its template. Imports run while the request waits (at most 2,000 rows); a refused file
shows its validation report and nothing is written."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from models import db
from web.access import permission_required
from web.forms import attach_errors
from web.loaders import load_dossier
from workflow.core.errors import InvalidInput
from workflow.dossiers import nominee_import
from workflow.permissions import can_edit_dossier, can_import_registry, can_record_recognition
from workflow.registry import award_import, initiative_import
from workflow.registry import xlsx as imports

bp = Blueprint("imports", __name__)
ID = "int(max=2147483647)"


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp Excel (.xlsx)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))])



def _xlsx(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=imports.XLSX, as_attachment=True, download_name=name)


def _run(form: ImportForm, template: str, do_import, **context):
    """Validate the form and import; the page again (422) with the file's problem or the row report, else None."""
    if not form.validate_on_submit():
        return render_template(template, form=form, report=None, **context), 422 if form.errors else 200
    try:
        report = do_import(form.file.data.stream)
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="file")
        return render_template(template, form=form, report=None, **context), 422
    if not report.ok:
        return render_template(template, form=form, report=report, **context), 422
    db.session.commit()
    flash(_("Đã đọc %(read)s dòng, đã ghi %(written)s dòng.", read=report.rows_read, written=report.rows_written))
    return None


@bp.route("/registry/import", methods=["GET", "POST"])
@permission_required(can_import_registry)
def registry_import():
    form = ImportForm()
    page = _run(
        form, "imports/registry.html", lambda s: award_import.import_registry(db.session, s, actor=current_user)
    )
    return page or redirect(url_for("registry.index"))


@bp.get("/registry/import/template")
@permission_required(can_import_registry)
def registry_template():
    return _xlsx(award_import.registry_template(db.session, current_user), "mau-nhap-so-theo-doi-khen-thuong.xlsx")


@bp.route("/initiatives/import", methods=["GET", "POST"])
@permission_required(can_record_recognition)
def initiatives_import():
    form = ImportForm()
    page = _run(
        form,
        "imports/initiatives.html",
        lambda s: initiative_import.import_initiatives(db.session, s, actor=current_user),
    )
    return page or redirect(url_for("initiatives.index"))


@bp.get("/initiatives/import/template")
@permission_required(can_record_recognition)
def initiatives_template():
    return _xlsx(initiative_import.initiative_template(db.session, current_user), "mau-nhap-so-sang-kien.xlsx")


@bp.route(f"/dossiers/<{ID}:dossier_id>/import", methods=["GET", "POST"])
@permission_required(can_edit_dossier, load=load_dossier)
def dossier_import(dossier_id: int):
    dossier = load_dossier(dossier_id)
    form = ImportForm()
    page = _run(
        form,
        "imports/dossier.html",
        lambda s: nominee_import.import_nominees(db.session, dossier, s, actor=current_user),
        dossier=dossier,
    )
    return page or redirect(url_for("dossiers.show", dossier_id=dossier.id, _anchor="nominations"))


@bp.get(f"/dossiers/<{ID}:dossier_id>/import/template")
@permission_required(can_edit_dossier, load=load_dossier)
def dossier_template(dossier_id: int):
    dossier = load_dossier(dossier_id)
    return _xlsx(nominee_import.nominee_template(db.session, dossier), f"mau-danh-sach-de-nghi-{dossier.code}.xlsx")
