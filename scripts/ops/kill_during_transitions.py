"""kill -9 the app while transitions are in flight, again and again; then show that no transition was left half
done: every dossier stands in the state its last audited transition led to, every audited transition has its
outbox event, every transition a client was told succeeded is in the audit log, and `flask audit verify` passes.

Each trial starts gunicorn (2 workers × 4 threads) on the database, lets one client thread per dossier cycle its
dossier through "submit to the unit head" and "send back" over the JSON API, and SIGKILLs the master and its
workers together at a random moment. Prints one JSON line per trial and a summary; exits 1 when a check fails.

Usage: .venv/bin/python scripts/ops/kill_during_transitions.py [--trials 10] [--dossiers 4] [--seed 1]
Database: DATABASE_URL (PostgreSQL), else a SQLite file in a temporary folder."""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit import HEAD, OFFICER, Api, Gunicorn, Site, emit, ready_dossier, workdir


class Driver(threading.Thread):
    """One client pressing the two buttons of one dossier in turn until the server dies under it (or `stop`)."""

    def __init__(self, api: Api, dossier_id: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.api, self.dossier_id, self.stop = api, dossier_id, stop
        self.acknowledged = 0
        self.statuses: Counter[str] = Counter()

    def run(self) -> None:
        try:
            shown = self.api.ok("GET", OFFICER, f"/dossiers/{self.dossier_id}")
            state, version = shown["state"], shown["version"]
            while not self.stop.is_set():
                if state == "draft":
                    answer = self.api.fire(OFFICER, self.dossier_id, "submit_to_head", version, comment="Kính trình")
                else:
                    answer = self.api.fire(HEAD, self.dossier_id, "send_back", version, comment="Bổ sung số liệu")
                self.statuses[str(answer.status_code)] += 1
                if answer.status_code == 200:
                    self.acknowledged += 1
                    state, version = answer.json()["state"], answer.json()["version"]
                else:
                    shown = self.api.ok("GET", OFFICER, f"/dossiers/{self.dossier_id}")
                    state, version = shown["state"], shown["version"]
        except (requests.RequestException, RuntimeError):
            self.statuses["connection lost"] += 1


def check(site: Site, dossier_ids: list[int], acknowledged: int) -> dict:
    """Read the tables directly: what a kill could have left half done."""
    from sqlalchemy import select

    from models import AuditEntry, Dossier, OutboxMessage, db
    from workflow.core.machines import WORKFLOWS

    with site.app_context():
        # An audited transition: an entry whose action is a trigger of its entity's workflow (the engine's entries).
        entries = db.session.execute(
            select(AuditEntry.entity_type, AuditEntry.entity_id, AuditEntry.action, AuditEntry.to_state)
            .add_columns(AuditEntry.hash)
            .where(AuditEntry.entity_type.in_(list(WORKFLOWS)))
            .order_by(AuditEntry.id)
        ).all()
        fired = [e for e in entries if e.action in WORKFLOWS[e.entity_type].transitions]
        last_states = {e.entity_id: e.to_state for e in fired if e.entity_type == "dossier"}
        states = {row.id: row.state for row in db.session.execute(select(Dossier.id, Dossier.state))}
        wrong_state = sorted(i for i, to_state in last_states.items() if states.get(i) != to_state)
        events = set(db.session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.channel == "event")))
        without_event = sum(f"event:{e.hash}" not in events for e in fired)
        audited_here = sum(
            e.entity_type == "dossier" and e.entity_id in dossier_ids and e.action in ("submit_to_head", "send_back")
            for e in fired
        )
    verify = site.flask("audit", "verify", check=False)
    return {
        "dossiers_checked": len(last_states),
        "state_differs_from_last_audited_transition": wrong_state,
        "audited_transitions": len(fired),
        "audited_transitions_without_event": without_event,
        "transitions_acknowledged": acknowledged,
        "transitions_audited_on_run_dossiers": audited_here,
        "acknowledged_but_not_audited": max(acknowledged - audited_here, 0),
        "audit_verify_exit": verify.returncode,
        "audit_verify": (verify.stdout or verify.stderr).strip().splitlines()[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--dossiers", type=int, default=4, help="dossiers driven at once (one client thread each)")
    parser.add_argument("--min-seconds", type=float, default=0.3, help="earliest kill after the clients start")
    parser.add_argument("--max-seconds", type=float, default=2.5, help="latest kill after the clients start")
    parser.add_argument("--seed", type=int, default=None, help="random seed for the kill moments")
    args = parser.parse_args()
    chance = random.Random(args.seed)

    with workdir("ops-kill-") as folder:
        site = Site(folder)
        emit(script="kill_during_transitions", database=site.database, trials=args.trials, dossiers=args.dossiers,
             seed_s=round(site.seed(), 1))  # fmt: skip
        site.flask("audit", "checkpoint")  # verify then also proves the chain was not cut short
        server = Gunicorn(site)
        try:
            server.start()
            api = Api(server.base)
            dossier_ids = [ready_dossier(api, f"Kill {i + 1}")["id"] for i in range(args.dossiers)]
            acknowledged = 0
            for trial in range(1, args.trials + 1):
                if trial > 1:
                    server.start()
                stop = threading.Event()
                drivers = [Driver(api.sharing_tokens(), dossier_id, stop) for dossier_id in dossier_ids]
                started = time.monotonic()
                for driver in drivers:
                    driver.start()
                time.sleep(chance.uniform(args.min_seconds, args.max_seconds))
                server.kill9()
                killed_after = time.monotonic() - started
                stop.set()
                for driver in drivers:
                    driver.join(timeout=30)
                in_trial = sum(d.acknowledged for d in drivers)
                acknowledged += in_trial
                statuses = sum((d.statuses for d in drivers), Counter())
                emit(trial=trial, killed_after_s=round(killed_after, 2), acknowledged=in_trial,
                     answers=dict(statuses))  # fmt: skip
        finally:
            server.stop()
        result = check(site, dossier_ids, acknowledged)
        result["server_errors_500"] = server.server_errors()
        passed = (
            not result["state_differs_from_last_audited_transition"]
            and result["audited_transitions_without_event"] == 0
            and result["acknowledged_but_not_audited"] == 0
            and result["audit_verify_exit"] == 0
        )
        emit(summary="kill_during_transitions", database=site.database, passed=passed, **result)
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
