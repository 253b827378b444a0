"""Registry pages (sổ theo dõi khen thưởng): search, a person's full history, the duplicates list with the
merge form, and the queue of national IDs that matched someone outside the proposing unit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from models import Nominee, Unit, db
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors
from web.loaders import load_match, load_nominee
from web.pagination import paginate
from web.params import query_args
from workflow.core.engine import Action, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import IDENTITY_MATCH
from workflow.permissions import (
    can_import_registry,
    can_merge_nominees,
    can_perform,
    can_search_registry,
    can_view_registry_person,
)
from workflow.registry import entries as registry
from workflow.registry import identity
from workflow.registry.scope import visible_units

bp = Blueprint("registry", __name__)
MAX_ID = 2147483647
ID = f"int(max={MAX_ID})"


class MergeForm(FlaskForm):
    keep_id = WholeNumberField(
        _l("Mã đối tượng giữ lại"), validators=[InputRequired(_l("Vui lòng nhập mã.")), NumberRange(1, MAX_ID)]
    )
    duplicate_id = WholeNumberField(
        _l("Mã đối tượng gộp vào"), validators=[InputRequired(_l("Vui lòng nhập mã.")), NumberRange(1, MAX_ID)]
    )


RESOLVED = {
    "confirm_identity": _l("Đã xác nhận cùng một người; đề nghị được nối với lịch sử khen thưởng của người này."),
    "reject_identity": _l("Đã ghi nhận là hai người khác nhau; đơn vị được đề nghị kiểm tra lại số định danh."),
}


class ResolveForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)
    comment = TextAreaField(_l("Lý do"), validators=[Length(max=2000)])




@bp.get("/registry")
@permission_required(can_search_registry)
def index():
    args = query_args(
        ints={"unit_id": (1, MAX_ID), "year": (registry.FIRST_YEAR, registry.LAST_YEAR)},
        texts={"name": 200, "title": 40},
    )
    filters = {"name": args["name"], "unit_id": args["unit_id"], "title_code": args["title"], "year": args["year"]}
    page = paginate(db.session, registry.search(db.session, actor=current_user, **filters))
    return render_template(
        "registry/index.html",
        page=page,
        filters=filters,
        units=visible_units(db.session, current_user),
        titles=registry.title_names(db.session),
        can_merge=can_merge_nominees(current_user),
        can_import=can_import_registry(current_user),
    )


@bp.get(f"/registry/nominees/<{ID}:nominee_id>")
@permission_required(can_view_registry_person, load=load_nominee)
def nominee(nominee_id: int):
    person = load_nominee(nominee_id)
    survivor = identity.surviving(db.session, person)
    if survivor.id != person.id:
        flash(_("Bản ghi này đã được gộp; đây là hồ sơ của đối tượng được giữ lại."), "info")
        return redirect(url_for(".nominee", nominee_id=survivor.id))
    unit_ids = {y.unit_id for y in person.years if y.unit_id}
    return render_template(
        "registry/nominee.html",
        nominee=person,
        history=registry.person_history(db.session, person.id),
        merged=list(db.session.scalars(select(Nominee).where(Nominee.merged_into_id == person.id))),
        unit_names=dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()),
        titles=registry.title_names(db.session),
        can_merge=can_merge_nominees(current_user),
    )


@bp.get("/registry/duplicates")
@permission_required(can_merge_nominees)
def duplicates():
    return _duplicates_page(MergeForm())


@bp.post("/registry/merge")
@permission_required(can_merge_nominees)
def merge():
    form = MergeForm()
    if not form.validate_on_submit():
        return _duplicates_page(form, 422)
    try:
        report = identity.merge_by_id(
            db.session, keep_id=form.keep_id.data, duplicate_id=form.duplicate_id.data, actor=current_user
        )
    except InvalidInput as error:
        db.session.rollback()
        attach_errors(form, error.errors, fallback="duplicate_id")
        return _duplicates_page(form, 422)
    db.session.commit()
    flash(
        _(
            "Đã gộp mã %(merged)s vào mã %(kept)s: chuyển %(nominations)s đề nghị, %(entries)s khen thưởng, "
            "%(initiatives)s sáng kiến, %(years)s năm dữ liệu.",
            merged=report.merged_id,
            kept=report.kept_id,
            nominations=len(report.nominations),
            entries=len(report.registry_entries),
            initiatives=len(report.initiatives),
            years=len(report.years_moved),
        ),
        "success",
    )
    if report.year_conflicts:
        years = ", ".join(str(y) for y in sorted(report.year_conflicts))
        flash(
            _("Cả hai bản ghi cùng có dữ liệu các năm %(years)s: giữ dữ liệu của bản ghi được giữ lại.", years=years),
            "warning",
        )
    return redirect(url_for(".nominee", nominee_id=report.kept_id))


def _duplicates_page(form: MergeForm, status: int = 200):
    pairs = identity.duplicate_candidates(db.session, current_user)
    unit_ids = {n.unit_id for pair in pairs for n in (pair.keep, pair.duplicate) if n.unit_id}
    unit_names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
    return render_template("registry/duplicates.html", pairs=pairs, form=form, unit_names=unit_names), status


@bp.get("/registry/matches")
@permission_required(can_merge_nominees)
def matches():
    return _matches_page()


def load_match_action(match_id: int, trigger: str) -> Action:
    return Action(IDENTITY_MATCH, load_match(match_id), trigger)


@bp.post(f"/registry/matches/<{ID}:match_id>/<any(confirm_identity, reject_identity):trigger>")
@permission_required(can_perform, load=load_match_action)
def resolve_match(match_id: int, trigger: str):
    form = ResolveForm()
    if not form.validate_on_submit():
        return _matches_page(422)
    action = load_match_action(match_id, trigger)
    perform(db.session, action, actor=current_user, version=form.version.data, inputs={"comment": form.comment.data})
    db.session.commit()
    flash(_(RESOLVED[trigger]), "success")
    return redirect(url_for(".matches"))


def _matches_page(status: int = 200):
    matches = identity.pending_matches(db.session, current_user)
    return render_template("registry/matches.html", matches=matches, decisions=IDENTITY_MATCH.transitions), status
