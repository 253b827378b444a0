"""The search page (/search): one box across dossiers, nominees, units, initiatives and decisions, without
diacritics or case mattering (workflow/search/)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from models import db
from web.access import permission_required
from web.params import query_args
from workflow.core.errors import InvalidInput
from workflow.permissions import can_search
from workflow.search import KIND_LABELS, KINDS, Hit, search

bp = Blueprint("search", __name__)
# Results per kind on the page; a kind chosen alone shows this many more.
PER_KIND, ONE_KIND = 10, 50
# Where each kind of hit opens: a unit opens the registry filtered to it (its people and their awards).
TARGETS = {
    "dossier": ("dossiers.show", "dossier_id"),
    "nominee": ("registry.nominee", "nominee_id"),
    "unit": ("registry.index", "unit_id"),
    "initiative": ("initiatives.show", "initiative_id"),
    "decision": ("decisions.show", "decision_id"),
}


def link(hit: Hit) -> str:
    endpoint, argument = TARGETS[hit.kind]
    return url_for(endpoint, **{argument: hit.id})


@bp.get("/search")
@permission_required(can_search)
def index():
    args = query_args(texts={"q": 200, "kind": 16})
    kind = args["kind"] if args["kind"] in KINDS else None
    try:
        results = search(db.session, current_user, args["q"], [kind] if kind else None, ONE_KIND if kind else PER_KIND)
    except InvalidInput as error:
        return _page(args["q"], kind, None, error.errors), 422
    return _page(args["q"], kind, results, {})


def _page(q: str | None, kind: str | None, results, errors: dict):
    return render_template(
        "search/index.html", q=q or "", kind=kind, results=results, errors=errors, kinds=KIND_LABELS, link=link
    )
