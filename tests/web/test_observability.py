"""What an operator reads: one JSON line per request carrying the id the response echoes, errors with their
traceback and the same id, and Prometheus counters that rise by exactly what was done
(docs/operations/monitoring.md)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import ConfigError, ProductionConfig
from models import OutboxMessage, db
from models.base import utcnow
from tests.conftest import make_config
from tests.workflow_helpers import dossier_in_state
from web import create_app
from web.logging_setup import HANDLER_NAME, install_json_handler
from workflow.core.engine import Firing, fire_many
from workflow.core.machines import DOSSIER
from workflow.core.today import local_today
from workflow.dossiers import transitions as steps

ROOT_DIR = Path(__file__).resolve().parents[2]

# --- JSON logs and the request id ------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    """The JSON lines every logger writes during the test, as production writes them to stderr."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = install_json_handler(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "web.requests"]


def test_a_request_writes_one_json_line_with_the_id_its_response_carries(app, client, json_log):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2"
    [line] = request_lines(json_log())
    assert line["request_id"] == "lb-7f3a.2"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/healthz", 200, None)
    assert line["remote_addr"] == "127.0.0.1"  # the test client's address
    assert line["level"] == "INFO" and isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


def test_a_pdf_leaves_no_step_by_step_lines_in_the_log_but_a_warning_gets_through(json_log):
    """WeasyPrint narrates each step of a layout at INFO: a decision's PDF would bury the request lines."""
    from weasyprint import HTML

    HTML(string=f"<p>Quyết định khen thưởng {uuid.uuid4()}</p>").write_pdf()
    logging.getLogger("weasyprint").warning("Font not found")
    assert [(line["logger"], line["level"]) for line in json_log()] == [("weasyprint", "WARNING")]


@pytest.mark.parametrize("incoming", [None, "", "a b", "x" * 65, "id;drop", "<script>", "ồ"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(app, client, json_log, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    given = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert len(given) == 32 and set(given) <= set("0123456789abcdef")
    assert [line["request_id"] for line in request_lines(json_log())] == [given]


def test_the_signed_in_users_id_and_the_query_free_path_are_logged(demo, client, auth, user, json_log):
    auth.login("noivu")
    client.get("/dossiers?q=secret-search-words")
    line = request_lines(json_log())[-1]
    assert line["path"] == "/dossiers" and line["status"] == 200
    assert line["user_id"] == user("noivu").id
    assert "secret-search-words" not in json.dumps(json_log())


@pytest.fixture
def failing_app(_app, tmp_path):
    """An app configured for production's JSON logs, with a page that fails, and what its JSON handler wrote (to a
    buffer instead of stderr); the handler is taken off afterwards."""
    config = type(
        "JsonLogs", (make_config(_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "uploads"),), {"LOG_FORMAT": "json"}
    )
    root = logging.getLogger()
    level = root.level
    app = create_app(config)
    [handler] = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    written = io.StringIO()
    handler.setStream(written)

    def fail():
        raise RuntimeError("the disk is full")

    app.add_url_rule("/fail", view_func=fail)
    try:
        yield app, written
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        with app.app_context():
            db.engine.dispose()


def test_an_error_is_logged_as_json_with_its_traceback_and_the_request_id(failing_app):
    app, written = failing_app
    response = app.test_client().get("/fail", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-500"
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "req-500"
    assert error["message"] == "unhandled error on GET /fail"
    assert "RuntimeError: the disk is full" in error["traceback"]
    assert [(line["status"], line["request_id"]) for line in request_lines(lines)] == [(500, "req-500")]


PRODUCTION_ENV = {"SECRET_KEY": "k" * 16 + "abcdefghijklmnop", "AUDIT_HMAC_KEY": "a" * 16 + "qrstuvwxyz012345",
                  "DATABASE_URL": "postgresql+psycopg://u@h/db"}  # fmt: skip


def test_production_logs_json_unless_told_otherwise_and_refuses_an_unknown_format():
    assert ProductionConfig.settings(PRODUCTION_ENV)["LOG_FORMAT"] == "json"
    assert ProductionConfig.settings({**PRODUCTION_ENV, "LOG_FORMAT": "text"})["LOG_FORMAT"] == "text"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        ProductionConfig.settings({**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS"):
        ProductionConfig.settings({**PRODUCTION_ENV, "METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, nowhere"})
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        ProductionConfig.settings({**PRODUCTION_ENV, "METRICS_TOKEN": "short"})


# --- Prometheus ------------------------------------------------------------------------------------------------------


def scraped(client, **request) -> dict[tuple[str, frozenset], float]:
    """Every sample /metrics gives, keyed by name and labels."""
    response = client.get("/metrics", **request)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_rule_and_status_never_by_raw_path(app, client):
    rule = "/dossiers/<int(max=2147483647):dossier_id>"
    before = scraped(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/dossiers/17")  # anonymous: sent to the login page
    client.get("/dossiers/18")
    client.get("/no/such/page/4711")
    after = scraped(client)
    raised = {
        (method, endpoint, status): value(after, "thidua_http_requests_total", method=method, endpoint=endpoint,
                                          status=status)
        - value(before, "thidua_http_requests_total", method=method, endpoint=endpoint, status=status)
        for method, endpoint, status in (("GET", "/healthz", "200"), ("GET", rule, "302"), ("GET", "unmatched", "404"))
    }  # fmt: skip
    assert raised == {("GET", "/healthz", "200"): 3, ("GET", rule, "302"): 2, ("GET", "unmatched", "404"): 1}
    latency = "thidua_http_request_duration_seconds_count"
    assert value(after, latency, method="GET", endpoint="/healthz") - value(before, latency, method="GET",
                                                                            endpoint="/healthz") == 3  # fmt: skip
    assert not any("4711" in str(labels) or "/dossiers/17" in str(labels) for _, labels in after)


def transitions(client, workflow: str, trigger: str) -> float:
    return value(scraped(client), "thidua_workflow_transitions_total", workflow=workflow, trigger=trigger)


def test_a_transition_is_counted_once_committed_and_never_when_rolled_back(make_dossier, user, client):
    dossier, officer = make_dossier(), user("canbo.pleikan")
    before = transitions(client, "dossier", "submit_to_head")

    steps.submit_to_head(db.session, dossier, actor=officer)
    assert transitions(client, "dossier", "submit_to_head") == before  # not committed yet
    db.session.rollback()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        steps.submit_to_head(db.session, dossier, actor=officer)
        raise RuntimeError("the savepoint is rolled back")
    db.session.commit()
    assert transitions(client, "dossier", "submit_to_head") == before

    db.session.expire_all()
    with db.session.begin_nested():
        steps.submit_to_head(db.session, dossier, actor=officer)
    db.session.commit()
    assert transitions(client, "dossier", "submit_to_head") == before + 1


def test_a_batch_of_transitions_counts_each_one(demo, user, client):
    drafts = [dossier_in_state("draft") for _ in range(3)]
    before = transitions(client, "dossier", "withdraw")
    firings = [Firing(draft, "withdraw", data={"comment": "Đơn vị rút hồ sơ"}) for draft in drafts]
    fire_many(DOSSIER, firings, actor=user("canbo.pleikan"))
    db.session.commit()
    assert transitions(client, "dossier", "withdraw") == before + 3


def test_the_outbox_and_overdue_gauges_are_read_from_the_database_at_each_scrape(demo, client):
    now, today = utcnow(), local_today()
    db.session.add_all(
        OutboxMessage(topic="dossier.submitted", channel="email", recipient="x@example.org", payload={},
                      idempotency_key=f"gauge-{i}", state=state, next_attempt_at=at)
        for i, (state, at) in enumerate([("pending", now - timedelta(minutes=5)), ("pending", now + timedelta(hours=1)),
                                         ("dead", now), ("dead", now)])
    )  # fmt: skip
    # Test setup, the clock columns only: two accepted dossiers past their due date, one not yet due, and a
    # returned one (its clock paused) with an old due date, which is not overdue.
    for state, due in (("accepted", -3), ("accepted", -1), ("accepted", 5), ("returned", -10)):
        dossier_in_state(state).due_on = today + timedelta(days=due)
    db.session.commit()
    samples = scraped(client)
    assert value(samples, "thidua_database_up") == 1
    assert value(samples, "thidua_outbox_pending_messages") == 2
    assert value(samples, "thidua_outbox_due_messages") == 1
    assert value(samples, "thidua_outbox_dead_letters") == 2
    assert value(samples, "thidua_dossiers_overdue") == 2


def test_metrics_are_refused_outside_the_allowed_networks_unless_the_token_is_shown(app, client, monkeypatch):
    outside = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    assert client.get("/metrics", **outside).status_code == 403
    # PROXY_COUNT is 0 here: a forwarded address is not believed.
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, **outside).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer guessed"}, **outside).status_code == 403
    token = "m" * 20 + "0123456789abcdefghij"
    monkeypatch.setitem(app.config, "METRICS_TOKEN", token)
    assert client.get("/metrics", headers={"Authorization": "Bearer guessed"}, **outside).status_code == 403
    assert scraped(client, headers={"Authorization": f"Bearer {token}"}, **outside)
    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_NETWORKS", ProductionConfig.settings(
        {**PRODUCTION_ENV, "METRICS_ALLOWED_NETWORKS": "203.0.113.0/24"})["METRICS_ALLOWED_NETWORKS"])  # fmt: skip
    assert scraped(client, **outside)
    assert client.get("/metrics").status_code == 403  # 127.0.0.1 is no longer listed


WORKERS_SCRIPT = """
    import os, sys
    from tests.conftest import make_config
    from web import create_app

    app = create_app(make_config(sys.argv[1], sys.argv[2]))
    client = app.test_client()
    for _ in range(2):
        client.get("/healthz")
    child = os.fork()  # as gunicorn forks its workers
    if child == 0:
        for _ in range(3):
            client.get("/healthz")
        os._exit(0)
    os.waitpid(child, 0)
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_workers_counts(app, tmp_path):
    """Two processes answer requests (2 and 3); the one scraped reports the five, and its own gauges."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "APP_ENV": "testing"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WORKERS_SCRIPT), app.config["SQLALCHEMY_DATABASE_URI"],
         str(tmp_path / "uploads")],
        cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(result.stdout)
        for sample in family.samples
    }
    assert value(samples, "thidua_http_requests_total", method="GET", endpoint="/healthz", status="200") == 5
    assert value(samples, "thidua_database_up") == 1
    assert len(list(metrics_dir.glob("*.db"))) >= 2  # one file per process and metric type
