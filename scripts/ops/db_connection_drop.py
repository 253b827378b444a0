"""Drop the app's PostgreSQL connections again and again during a burst of requests; show that every affected request
fails cleanly (HTTP 503, "Mất kết nối cơ sở dữ liệu", a problem document under /api/, never a 500), that nothing is
left half-written, and that the next requests work.

gunicorn (2 workers × 4 threads) serves clients that press transitions over the API (one dossier each) and read
pages (the dossier list and a dossier, as the standing office, through the login form) and the API. A second
connection meanwhile terminates every backend of the app (`pg_terminate_backend`) every 0.2–0.8 s. After the burst
it drops them once more while the app is idle and sends requests one after another: each must succeed (the pool
tests a connection before lending it). Then the tables are checked as after a crash, and `flask audit verify`.
Prints JSON lines; exits 1 when a property fails, 2 on SQLite (there is no connection to drop).

Usage: .venv/bin/python scripts/ops/db_connection_drop.py [--seconds 10] [--clients 8]
Database: DATABASE_URL (PostgreSQL)."""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit import HEAD, OFFICE, OFFICER, PASSWORD, Api, Gunicorn, Site, emit, ready_dossier, workdir
from kill_during_transitions import check

TITLE = "Mất kết nối cơ sở dữ liệu"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def clean_failure(answer: requests.Response) -> bool:
    """A 503 that tells the person what happened, in the form the client asked for."""
    if answer.status_code != 503 or "Retry-After" not in answer.headers:
        return False
    if "/api/" in answer.url:
        problem = answer.headers.get("Content-Type", "").startswith("application/problem+json")
        return problem and answer.json().get("title") == TITLE
    return TITLE in answer.text and "Traceback" not in answer.text


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers: Counter[str] = Counter()
        self.unclean: list[str] = []
        self.failed_then_applied = 0

    def note(self, kind: str, answer: requests.Response) -> None:
        with self.lock:
            if answer.status_code < 400:
                self.answers[f"{kind} ok"] += 1
            elif clean_failure(answer):
                self.answers[f"{kind} 503 clean"] += 1
            else:
                self.answers[f"{kind} {answer.status_code} UNCLEAN"] += 1
                self.unclean.append(f"{answer.request.method} {answer.url} → {answer.status_code}: {answer.text[:200]}")


def current(api: Api, dossier_id: int, stop: threading.Event, tally: Tally) -> dict | None:
    """The dossier as the database now holds it, asked again until the database answers."""
    while not stop.is_set():
        answer = api.call("GET", OFFICER, f"/dossiers/{dossier_id}")
        if answer.status_code == 200:
            return answer.json()
        tally.note("api read", answer)
    return None


def transitions(api: Api, dossier_id: int, stop: threading.Event, tally: Tally) -> None:
    if (shown := current(api, dossier_id, stop, tally)) is None:
        return
    state, version = shown["state"], shown["version"]
    while not stop.is_set():
        if state == "draft":
            answer = api.fire(OFFICER, dossier_id, "submit_to_head", version, comment="Kính trình")
        else:
            answer = api.fire(HEAD, dossier_id, "send_back", version, comment="Bổ sung số liệu")
        tally.note("transition", answer)
        if answer.status_code == 200:
            state, version = answer.json()["state"], answer.json()["version"]
            continue
        # The transition happened whole or not at all: the dossier says which.
        if (shown := current(api, dossier_id, stop, tally)) is None:
            return
        if shown["version"] != version:
            with tally.lock:
                tally.failed_then_applied += 1  # committed, then the connection dropped before the answer
        state, version = shown["state"], shown["version"]


def page_reader(base: str, dossier_id: int, stop: threading.Event, tally: Tally) -> None:
    browser = requests.Session()
    while not stop.is_set():  # the login itself may meet a dropped connection: try again
        form = browser.get(f"{base}/login", timeout=30)
        if form.status_code != 200:
            tally.note("page", form)
            continue
        match = CSRF_RE.search(form.text)
        token = match.group(1) or match.group(2)
        answer = browser.post(
            f"{base}/login",
            data={"username": OFFICE, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code == 302:
            break
        tally.note("page", answer)
    paths = ["/dossiers", f"/dossiers/{dossier_id}", "/office"]
    while not stop.is_set():
        tally.note("page", browser.get(f"{base}{random.choice(paths)}", timeout=30))


def api_reader(api: Api, stop: threading.Event, tally: Tally) -> None:
    while not stop.is_set():
        tally.note("api read", api.call("GET", OFFICE, "/dossiers"))


def guarded(target, tally: Tally, *params) -> None:
    """Run a client; a request that got no HTTP answer at all (the worker died, a timeout) is an unclean failure."""
    try:
        target(*params)
    except requests.RequestException as error:
        with tally.lock:
            tally.answers["no answer UNCLEAN"] += 1
            tally.unclean.append(f"no answer: {error}")


def terminate_app_backends(admin) -> int:
    from sqlalchemy import text

    with admin.connect() as conn:
        return len(
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
            ).all()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the burst")
    parser.add_argument("--clients", type=int, default=8, help="client threads (half transitions, half reads)")
    args = parser.parse_args()

    with workdir("ops-dbdrop-") as folder:
        site = Site(folder)
        if site.database != "postgresql":
            emit(script="db_connection_drop", skipped="needs PostgreSQL: set DATABASE_URL (bash scripts/ops.sh does)")
            return 2
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        emit(script="db_connection_drop", database=site.database, seconds=args.seconds, clients=args.clients,
             seed_s=round(site.seed(), 1))  # fmt: skip
        admin = create_engine(site.env["DATABASE_URL"], poolclass=NullPool, isolation_level="AUTOCOMMIT")
        server = Gunicorn(site)
        tally = Tally()
        stop = threading.Event()
        threads: list[threading.Thread] = []
        try:
            server.start()
            api = Api(server.base)
            writers = max(args.clients // 2, 1)
            dossier_ids = [ready_dossier(api, f"Drop {i + 1}")["id"] for i in range(writers)]
            for i in range(args.clients):
                client_api = api.sharing_tokens()
                if i < writers:
                    target, params = transitions, (client_api, dossier_ids[i], stop, tally)
                elif i % 2:
                    target, params = page_reader, (server.base, dossier_ids[0], stop, tally)
                else:
                    target, params = api_reader, (client_api, stop, tally)
                threads.append(threading.Thread(target=guarded, args=(target, tally, *params), daemon=True))
            for thread in threads:
                thread.start()
            drops = terminated = 0
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline:
                time.sleep(random.uniform(0.2, 0.8))
                terminated += terminate_app_backends(admin)
                drops += 1
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            emit(phase="burst", drops=drops, backends_terminated=terminated, answers=dict(tally.answers),
                 failed_then_applied=tally.failed_then_applied)  # fmt: skip

            # Idle now, every pooled connection dead: the very next requests must work.
            idle_terminated = terminate_app_backends(admin)
            after = Counter()
            for _ in range(2 * server.workers * server.threads):
                answer = api.call("GET", OFFICE, f"/dossiers/{dossier_ids[0]}")
                after[str(answer.status_code)] += 1
            emit(phase="after", backends_terminated=idle_terminated, answers=dict(after))
        finally:
            stop.set()
            server.stop()
            admin.dispose()
        result = check(site, dossier_ids, acknowledged=0)
        result["server_errors_500"] = server.server_errors()
        clean = sum(n for kind, n in tally.answers.items() if kind.endswith("503 clean"))
        passed = (
            not tally.unclean
            and clean > 0
            and set(after) == {"200"}
            and not result["state_differs_from_last_audited_transition"]
            and result["audited_transitions_without_event"] == 0
            and result["audit_verify_exit"] == 0
            and result["server_errors_500"] == 0
        )
        for line in tally.unclean[:10]:
            emit(unclean=line)
        if not passed:
            emit(gunicorn_log_tail=server.log_tail())
        emit(summary="db_connection_drop", database=site.database, passed=passed, clean_503=clean,
             unclean=len(tally.unclean), **{k: v for k, v in result.items() if k not in (
                 "transitions_acknowledged", "acknowledged_but_not_audited")})  # fmt: skip
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
