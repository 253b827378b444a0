"""Excel import pages: past awards into the registry (the standing office), recognised initiatives (the office) and
a nominee list into a dossier (the unit officer), each with its template. A sent file is imported by a background
job (workflow/jobs/kinds.py): the page hands it over and shows the job, whose page follows its progress and, for a
refused file, its validation report; nothing is written then."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from models import db
from web.access import permission_required
from web.blueprints.jobs import start
from web.loaders import load_dossier
from workflow.dossiers import nominee_import
from workflow.jobs import kinds
from workflow.permissions import can_edit_dossier, can_import_registry, can_record_recognition
from workflow.registry import award_import, initiative_import
from workflow.registry import xlsx as imports

bp = Blueprint("imports", __name__)
ID = "int(max=2147483647)"


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp Excel (.xlsx)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))])


def _xlsx(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=imports.XLSX, as_attachment=True, download_name=name)


def _submit(form: ImportForm, template: str, kind: str, params: dict | None = None, **context):
    """The form (422 without a file), or the file handed to an import job and the job's page. Past the size limit
    only enough is kept for the job to say the file is too big."""
    if not form.validate_on_submit():
        return render_template(template, form=form, **context), 422 if form.errors else 200
    content = form.file.data.stream.read(imports.MAX_BYTES + 1)
    return start(kind, kinds.import_params(Path(current_app.config["UPLOAD_DIR"]), content, **(params or {})))


@bp.route("/registry/import", methods=["GET", "POST"])
@permission_required(can_import_registry)
def registry_import():
    return _submit(ImportForm(), "imports/registry.html", kinds.REGISTRY_IMPORT)


@bp.get("/registry/import/template")
@permission_required(can_import_registry)
def registry_template():
    return _xlsx(award_import.registry_template(db.session, current_user), "mau-nhap-so-theo-doi-khen-thuong.xlsx")


@bp.route("/initiatives/import", methods=["GET", "POST"])
@permission_required(can_record_recognition)
def initiatives_import():
    return _submit(ImportForm(), "imports/initiatives.html", kinds.INITIATIVE_IMPORT)


@bp.get("/initiatives/import/template")
@permission_required(can_record_recognition)
def initiatives_template():
    return _xlsx(initiative_import.initiative_template(db.session, current_user), "mau-nhap-so-sang-kien.xlsx")


@bp.route(f"/dossiers/<{ID}:dossier_id>/import", methods=["GET", "POST"])
@permission_required(can_edit_dossier, load=load_dossier)
def dossier_import(dossier_id: int):
    dossier = load_dossier(dossier_id)
    return _submit(
        ImportForm(), "imports/dossier.html", kinds.NOMINEE_IMPORT, {"dossier_id": dossier.id}, dossier=dossier
    )


@bp.get(f"/dossiers/<{ID}:dossier_id>/import/template")
@permission_required(can_edit_dossier, load=load_dossier)
def dossier_template(dossier_id: int):
    dossier = load_dossier(dossier_id)
    return _xlsx(nominee_import.nominee_template(db.session, dossier), f"mau-danh-sach-de-nghi-{dossier.code}.xlsx")
