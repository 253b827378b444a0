"""Probes for the operator's tools, open without login and cheap (docs/operations/monitoring.md):

* /healthz: the process answers; touches nothing else, so a restart is decided on the process alone.
* /readyz: the database answers, its schema is this code's Alembic head, the outbox keeps up (503 naming each
  failed check otherwise); what a load balancer or a monitor asks before sending users here.
* /metrics: Prometheus's scrape, only from METRICS_ALLOWED_NETWORKS or with the METRICS_TOKEN bearer token."""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, abort, current_app, jsonify, request

from models import db
from models.base import utcnow
from web import MIGRATIONS_DIR, metrics
from web.access import public
from web.extensions import csrf
from workflow.core.today import local_today
from workflow.operations.health import Bounds, readiness

bp = Blueprint("health", __name__)
csrf.exempt(bp)

NO_STORE = {"Cache-Control": "no-store"}


@cache
def code_heads() -> frozenset[str]:
    """The Alembic head(s) this code's migrations end at, read once per process."""
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


@bp.get("/healthz")
@public
def healthz():
    return jsonify(status="ok"), 200, NO_STORE


@bp.get("/readyz")
@public
def readyz():
    config = current_app.config
    bounds = Bounds(max_due=config["READY_MAX_OUTBOX_DUE"], max_dead=config["READY_MAX_DEAD_LETTERS"])
    checks = readiness(db.session, heads=set(code_heads()), now=utcnow(), bounds=bounds)
    failed = [check.name for check in checks if not check.ok]
    body = {
        "status": "not ready" if failed else "ready",
        "failed": failed,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return jsonify(body), 503 if failed else 200, NO_STORE


@bp.get("/metrics")
def scrape():
    config = current_app.config
    header = request.authorization
    bearer = header.token if header is not None and header.type == "bearer" else None
    if not metrics.scrape_allowed(
        request.remote_addr, bearer, config["METRICS_ALLOWED_NETWORKS"], config["METRICS_TOKEN"]
    ):
        abort(403)
    body = metrics.exposition(db.session, utcnow(), local_today())
    return Response(body, content_type=metrics.CONTENT_TYPE, headers=NO_STORE)


scrape.permission = "an address of METRICS_ALLOWED_NETWORKS, or the METRICS_TOKEN bearer token"
