"""Each role's home page: what that role has to do next."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from models import Role, db
from web.access import permission_required
from web.presenters import new_dossier_notice
from workflow.core.today import local_today
from workflow.movements.follow_up import unit_tasks
from workflow.permissions import (
    can_administer,
    can_view_chairman_workspace,
    can_view_council_workspace,
    can_view_home,
    can_view_office_workspace,
    can_view_secretary_workspace,
    can_view_unit_workspace,
)
from workflow.registry import identity
from workflow.reporting import worklists

bp = Blueprint("home", __name__)

HOME_ENDPOINTS = {
    Role.ADMIN: "home.admin",
    Role.CHAIRMAN: "home.chairman",
    Role.SECRETARY: "home.secretary",
    Role.OFFICE: "home.office",
    Role.COUNCIL_MEMBER: "home.council",
    Role.UNIT_HEAD: "home.unit",
    Role.UNIT_OFFICER: "home.unit",
}


@bp.get("/")
@permission_required(can_view_home)
def index():
    role = worklists.primary_role(current_user)
    if role is None:
        return render_template("home/no_role.html")
    return redirect(url_for(HOME_ENDPOINTS[role]))


@bp.get("/unit")
@permission_required(can_view_unit_workspace)
def unit():
    lists = worklists.unit_worklists(db.session, current_user)
    tasks = unit_tasks(db.session, current_user, local_today())
    return render_template("home/unit.html", lists=lists, ended=new_dossier_notice(current_user), movement_tasks=tasks)


@bp.get("/office")
@permission_required(can_view_office_workspace)
def office():
    lists = worklists.office_worklists(db.session, current_user, local_today())
    pending = len(identity.pending_matches(db.session, current_user))
    return render_template("home/office.html", lists=lists, pending_matches=pending)


@bp.get("/secretary")
@permission_required(can_view_secretary_workspace)
def secretary():
    counts, lists = worklists.secretary_worklists(db.session, current_user, local_today())
    return render_template("home/secretary.html", counts=counts, lists=lists)


@bp.get("/council")
@permission_required(can_view_council_workspace)
def council():
    return render_template("home/council.html", lists=worklists.council_worklists(db.session, current_user))


@bp.get("/chairman")
@permission_required(can_view_chairman_workspace)
def chairman():
    return render_template("home/chairman.html", lists=worklists.chairman_worklists(db.session, current_user))


@bp.get("/admin")
@permission_required(can_administer)
def admin():
    pending = len(identity.pending_matches(db.session, current_user))
    return render_template("home/admin.html", overview=worklists.admin_overview(db.session), pending_matches=pending)
