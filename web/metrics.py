"""Prometheus metrics, served at /metrics (web/blueprints/health.py) through prometheus_client.

Counted in the process: requests by method, route rule and status; request latency; workflow transitions by
workflow and trigger, once committed (workflow/core/committed_transitions.py tells us; workflow/ imports nothing of
Prometheus). Under gunicorn every worker is a process of its own: with PROMETHEUS_MULTIPROC_DIR set (before the
process starts) each writes its counts to files there and a scrape adds them all up, whichever worker answers it.
Read from the database at each scrape, by the process answering it: the outbox backlog, dead letters and overdue
dossiers, the figures /readyz judges."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import date, datetime

from flask import Response, request
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workflow.core.committed_transitions import transitions_committed
from workflow.operations.health import outbox_backlog, overdue_dossiers

log = logging.getLogger(__name__)

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# generate_latest writes the classic text format (version 0.0.4), which every Prometheus reads.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED = "unmatched"  # the endpoint label of a request no route matched (a 404): raw paths would never end

# No `_created` twin of every series: one worker or several, a scrape reads the same series (multiprocess mode
# has none).
disable_created_metrics()

REQUESTS = Counter(
    "thidua_http_requests",
    "HTTP requests answered, by method, route rule and status.",
    ["method", "endpoint", "status"],
)
LATENCY = Histogram(
    "thidua_http_request_duration_seconds",
    "Time from the request's first hook to its response, by method and route rule.",
    ["method", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
TRANSITIONS = Counter(
    "thidua_workflow_transitions", "Workflow transitions committed, by workflow and trigger.", ["workflow", "trigger"]
)


@transitions_committed.connect
def _count_transitions(_session, *, counts: dict[tuple[str, str], int]) -> None:
    for (workflow, trigger), count in counts.items():
        TRANSITIONS.labels(workflow, trigger).inc(count)


def observe_request(response: Response, duration_seconds: float) -> None:
    method = request.method if request.method in METHODS else "other"
    endpoint = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(method, endpoint).observe(duration_seconds)


class DatabaseGauges:
    """A collector asked once, at a scrape: two statements. A database that does not answer shows as
    thidua_database_up 0 (and a logged error), never as a failed scrape."""

    def __init__(self, session: Session, now: datetime, today: date) -> None:
        self.session, self.now, self.today = session, now, today

    def collect(self) -> Iterator[Metric]:
        try:
            backlog = outbox_backlog(self.session, self.now)
            overdue = overdue_dossiers(self.session, self.today)
        except SQLAlchemyError:
            log.exception("metrics: the database did not answer")
            yield GaugeMetricFamily("thidua_database_up", "Whether the database answered this scrape.", value=0)
            return
        finally:
            self.session.rollback()
        yield GaugeMetricFamily("thidua_database_up", "Whether the database answered this scrape.", value=1)
        for name, help_text, value in (
            ("outbox_pending_messages", "Outbox messages not yet delivered, retries included.", backlog.pending),
            ("outbox_due_messages", "Outbox messages due for delivery now.", backlog.due),
            ("outbox_dead_letters", "Outbox messages that gave up; retried at /admin/outbox/dead.", backlog.dead),
            ("dossiers_overdue", "Dossiers past their legal due date today (Vietnam's calendar).", overdue),
        ):
            yield GaugeMetricFamily(f"thidua_{name}", help_text, value=value)


def exposition(session: Session, now: datetime, today: date) -> bytes:
    """The text a scrape reads: this process's (or, in multiprocess mode, every worker's) counters, then the
    database's gauges."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    from_database = CollectorRegistry()
    from_database.register(DatabaseGauges(session, now, today))
    return generate_latest(counted) + generate_latest(from_database)


def scrape_allowed(remote_addr: str | None, bearer: str | None, networks, token: str | None) -> bool:
    """From an allowed address (as ProxyFix gives it), or with the configured token."""
    if token and bearer and hmac.compare_digest(bearer.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks)
