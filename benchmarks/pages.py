"""Server time and SQL statements of every page and API list a user opens, on a province's history.

Builds the history with benchmarks/history.py (or reuses `--db`), then for each page logs in as the role that opens
it and times `--n` requests (after 3 untimed warm-ups, 1 for a page slower than a second; at least 3 and no more
than `--budget` seconds of them) through the Flask test client, with the clock pinned to the
story day (16 June 2025, 9:00). Server time is the test client's round trip: the WSGI app, its SQL and the
rendering, without a network. Prints one JSON line describing the machine, then one per page:
{"page", "user", "p50_ms", "p95_ms", "samples", "statements", "status"}. The target is p95 ≤ 50 ms at 100,000 dossiers.

Usage: .venv/bin/python benchmarks/pages.py [--dossiers 100000] [--db /tmp/history.db] [--n 20] [--only dossiers]
PostgreSQL when TEST_DATABASE_URL points at a throw-away database (`--reuse` keeps what is there)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite3

import time_machine
from sqlalchemy import func, select, text

from benchmarks.bench_app import bench_app
from benchmarks.history import STORY_MOMENT, build
from models import AgendaItem, CouncilSession, Dossier, Nomination, User, db
from tests.statements import counting_statements

WARM_UPS, SLOW_S, MIN_SAMPLES = 3, 1.0, 3
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def pages(ids: dict) -> list[tuple[str, str]]:
    """(user, path) of every page and API list measured; `api:` paths are called with the user's bearer token."""
    d, n, s, u = ids["dossier"], ids["nomination"], ids["session"], ids["unit"]
    return [
        ("canbo.pleikan", "/unit"),
        ("truong.pleikan", "/unit"),
        ("noivu", "/office"),
        ("thuky", "/secretary"),
        ("chutich", "/chairman"),
        ("uyvien1", "/council"),
        ("admin", "/admin"),
        ("noivu", "/dossiers"),
        ("noivu", "/dossiers?page=50"),
        ("noivu", "/dossiers?state=closed"),
        ("noivu", "/dossiers?state=closed&page=50"),
        ("noivu", "/dossiers?year=2024"),
        ("noivu", "/dossiers?year=2024&page=50"),
        ("noivu", f"/dossiers?unit={u}"),
        ("noivu", "/dossiers?overdue=1"),
        ("canbo.pleikan", "/dossiers?page=50"),
        ("noivu", f"/dossiers/{d}"),
        ("noivu", f"/dossiers/{d}/timeline"),
        ("noivu", f"/nominations/{n}/appraisal"),
        ("noivu", "/registry"),
        ("noivu", "/registry?name=nguyen"),
        ("noivu", "/registry?year=2024&page=50"),
        ("thuky", f"/council/sessions/{s}"),
        ("noivu", "/decisions"),
        ("noivu", "/decisions?page=5"),
        ("thuky", "/dashboard"),
        ("noivu", "api:/api/v1/dossiers"),
        ("noivu", "api:/api/v1/dossiers?state=closed&page=50"),
        ("noivu", "api:/api/v1/dossiers?year=2024"),
        ("noivu", f"api:/api/v1/dossiers?unit_id={u}"),
        ("noivu", "api:/api/v1/registry"),
        ("noivu", "api:/api/v1/registry?name=nguyen&page=20"),
        ("noivu", "api:/api/v1/decisions"),
    ]


def pick_ids(session) -> dict:
    """A closed regular dossier with the most nominations, a nomination of an accepted dossier, the busiest
    closed session, and the unit officer's unit."""
    dossier = session.scalar(
        select(Dossier.id)
        .join(Nomination)
        .where(Dossier.state == "closed", Dossier.procedure == "regular", Dossier.year == 2024)
        .group_by(Dossier.id)
        .order_by(func.count(Nomination.id).desc(), Dossier.id)
        .limit(1)
    )
    nomination = session.scalar(
        select(Nomination.id).join(Dossier).where(Dossier.state == "accepted", Dossier.year == 2025).limit(1)
    )
    council_session = session.scalar(
        select(CouncilSession.id)
        .join(AgendaItem)
        .where(CouncilSession.state == "closed")
        .group_by(CouncilSession.id)
        .order_by(func.count(AgendaItem.id).desc(), CouncilSession.id.desc())
        .limit(1)
    )
    unit = session.scalar(select(User.unit_id).where(User.username == "canbo.pleikan"))
    return {"dossier": dossier, "nomination": nomination, "session": council_session, "unit": unit}


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    token = match.group(1) or match.group(2)
    answer = client.post("/login", data={"username": username, "password": "demo", "csrf_token": token})
    assert answer.status_code == 302, f"login of {username} failed"


def api_token(client, username: str) -> str:
    answer = client.post("/api/v1/auth/tokens", json={"username": username, "password": "demo"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["token"]


def measure(app, n: int, only: str | None, skip: str | None = None, budget_s: float = 30) -> list[dict]:
    """Each page `n` times after its warm-up calls, or fewer (at least MIN_SAMPLES) once its samples took
    `budget_s` seconds: a page of several seconds says what it must in three calls."""
    results = []
    with app.app_context():
        ids = pick_ids(db.session)
        db.session.remove()
    clients, tokens = {}, {}
    for username, path in pages(ids):
        if (only and only not in path) or (skip and skip in path):
            continue
        client = clients.get(username)
        if client is None:
            client = clients[username] = app.test_client()
            login(client, username)
        headers = {}
        if path.startswith("api:"):
            path = path[4:]
            if username not in tokens:
                tokens[username] = api_token(app.test_client(), username)
            headers = {"Authorization": f"Bearer {tokens[username]}"}
        times, status = [], None
        with app.app_context():
            engine = db.engine
        warm = 0
        while len(times) < n:
            with counting_statements(engine) as log:
                start = time.perf_counter()
                answer = client.get(path, headers=headers)
                elapsed = time.perf_counter() - start
            status = answer.status_code
            if warm < WARM_UPS:
                # a slow page is warm after one call: its time is its queries, not the caches
                warm = WARM_UPS if elapsed >= SLOW_S else warm + 1
                continue
            times.append(elapsed * 1000)
            if len(times) >= MIN_SAMPLES and sum(times) > budget_s * 1000:
                break
        times.sort()
        results.append({
            "page": path, "user": username, "status": status, "statements": log.count, "samples": len(times),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        })  # fmt: skip
        print(json.dumps(results[-1]), flush=True)
    return results


def machine(app) -> dict:
    with app.app_context():
        dialect = db.engine.dialect.name
        version = db.session.scalar(text("SHOW server_version")) if dialect == "postgresql" else sqlite3.sqlite_version
        dossiers = db.session.scalar(select(func.count()).select_from(Dossier))
        db.session.remove()
    return {
        "machine": platform.machine(), "cores": os.cpu_count(), "python": platform.python_version(),
        "database": dialect, "database_version": version, "dossiers": dossiers,
        "load_1min": round(os.getloadavg()[0], 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--db", help="an existing history (SQLite file) to reuse")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep the history already there")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--only", help="only the pages whose path contains this")
    parser.add_argument("--skip", help="not the pages whose path contains this (e.g. a slow one timed apart)")
    parser.add_argument("--budget", type=float, default=30, help="seconds of samples per page before it stops")
    args = parser.parse_args()
    url = os.environ.get("TEST_DATABASE_URL")
    if url and not args.reuse:
        print(json.dumps(build(url, args.dossiers)), flush=True)
    elif not url:
        path = Path(args.db or Path(tempfile.gettempdir()) / "history.db")
        if not args.db or not path.exists():
            path.unlink(missing_ok=True)
            print(json.dumps(build(f"sqlite:///{path}", args.dossiers)), flush=True)
        url = f"sqlite:///{path}"
    with time_machine.travel(STORY_MOMENT, tick=True):
        app = bench_app(url, Path(tempfile.mkdtemp(prefix="pages-uploads-")))
        print(json.dumps(machine(app)), flush=True)
        measure(app, args.n, args.only, args.skip, args.budget)


if __name__ == "__main__":
    main()
