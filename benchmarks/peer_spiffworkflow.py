"""Our engine against a peer: SpiffWorkflow 3.2.0 completing the same three-step approval as BPMN user tasks.

Prints one JSON line: {"ours_us", "spiff_us", "ratio", "spiff_in_memory_us", ...}: microseconds per persisted step,
medians of --runs runs, on one SQLite file (WAL, synchronous full: the app's settings) for both.

The three steps are the dossier's way to the standing office: the officer submits it to the head, the head signs and
submits it, the office accepts it (benchmarks/three_step_approval.bpmn). Each step is one committed transaction:

- ours: what a request does, through the services and `fire`: a fresh session loads the user and the dossier,
  checks the transition, its permission and guards (the document checklist), moves the state with the version check
  and writes the keyed audit entry and the outbox event, then commits. Between two runs of the three steps the
  dossier is put back to draft, untimed.
- SpiffWorkflow: per step, in one transaction on its own connection to the same file: read the workflow's stored
  JSON, deserialise it, complete the ready user task, serialise the workflow, write it back, and append the same
  rows as ours: an audit entry chained with the same keyed HMAC after the chain's head, and an outbox event.
  `spiff_in_memory_us` keeps the workflow in memory instead (no read, no deserialisation): the least a persisted
  completion can cost.

Usage: .venv/bin/python benchmarks/peer_spiffworkflow.py [--n 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, text
from tally import machine
from transition import make_app, pleikan_awaiting_head

from models import Dossier, User, db
from workflow.accounts.users import load_user
from workflow.core.today import told_on
from workflow.demo.dossiers import STORY_DAY
from workflow.dossiers import transitions as steps

HERE = Path(__file__).resolve().parent
STEPS = (("submit_to_head", "canbo.pleikan"), ("approve_submission", "truong.pleikan"), ("accept", "noivu"))
KEY = b"testing-audit-key"  # TestingConfig.AUDIT_HMAC_KEY, as the app's audit uses it
# The dossier back to draft as it was before it was ever submitted (untimed, between two rounds).
RESET = text(
    "UPDATE dossiers SET state = 'draft', version = version + 1, submitted_at = NULL, rule_set_id = NULL, "
    "accepted_on = NULL, due_on = NULL, clock_paused_on = NULL, working_days_left = NULL, overdue = :no "
    "WHERE id = :id"
)


def ours_us(app, rounds: int) -> float:
    """Mean committed cost of one of the three steps through the services."""
    with app.app_context():
        dossier_id = pleikan_awaiting_head()
        actors = {name: db.session.scalar(select(User.id).where(User.username == name)) for _, name in STEPS}
        db.session.remove()
        total, timed = 0.0, 0
        for i in range(rounds + 5):
            with db.engine.begin() as conn:
                conn.execute(RESET, {"id": dossier_id, "no": False})
            for trigger, name in STEPS:
                start = time.perf_counter()
                session = db.session
                actor = load_user(session, actors[name])
                dossier = session.get(Dossier, dossier_id)
                if trigger == "submit_to_head":
                    steps.submit_to_head(session, dossier, actor=actor, version=dossier.version)
                elif trigger == "approve_submission":
                    steps.approve_submission(session, dossier, actor=actor, sign_off=True, version=dossier.version)
                else:
                    steps.accept(session, dossier, actor=actor, version=dossier.version)
                session.commit()
                db.session.remove()
                if i >= 5:  # the first rounds warm the statement caches
                    total += time.perf_counter() - start
                    timed += 1
    return total / timed * 1e6


class Spiff:
    """SpiffWorkflow persisted the way the issue measured it: JSON state, an audit row and an outbox row, one
    transaction per completed user task."""

    def __init__(self, path: str):
        parser = BpmnParser()
        parser.add_bpmn_file(str(HERE / "three_step_approval.bpmn"))
        self.spec = parser.get_spec("approval")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure())
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # what the app's connections run with (SQLite's default)
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("CREATE TABLE IF NOT EXISTS spiff_workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")

    def new_workflow(self) -> tuple[int, BpmnWorkflow]:
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        cursor = self.db.execute(
            "INSERT INTO spiff_workflows (state) VALUES (?)", (self.serializer.serialize_json(workflow),)
        )
        return cursor.lastrowid, workflow

    def complete(self, workflow_id: int, workflow: BpmnWorkflow | None, actor_id: int) -> BpmnWorkflow:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        if workflow is None:
            (stored,) = db.execute("SELECT state FROM spiff_workflows WHERE id = ?", (workflow_id,)).fetchone()
            workflow = self.serializer.deserialize_json(stored)
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        from_state = task.task_spec.name
        task.data["comment"] = ""
        task.run()
        workflow.do_engine_steps()
        db.execute(
            "UPDATE spiff_workflows SET state = ? WHERE id = ?", (self.serializer.serialize_json(workflow), workflow_id)
        )
        (prev,) = db.execute("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1").fetchone()
        now = datetime.now(UTC)
        fields = {
            "action": from_state, "actor_id": actor_id, "data": {"comment": ""}, "dossier_id": None,
            "entity_id": workflow_id, "entity_type": "spiff", "from_state": from_state,
            "occurred_at": now.isoformat(timespec="microseconds"), "to_state": "next",
        }  # fmt: skip
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hmac.new(KEY, prev.encode() + body.encode(), hashlib.sha256).hexdigest()
        stamp = now.isoformat(sep=" ")
        cursor = db.execute(
            "INSERT INTO audit_entries (occurred_at, actor_id, entity_type, entity_id, dossier_id, action, "
            "from_state, to_state, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stamp, actor_id, "spiff", workflow_id, None, from_state, from_state, "next", '{"comment": ""}', prev,
             digest),
        )  # fmt: skip
        payload = json.dumps({**fields, "audit_id": cursor.lastrowid, "topic": "spiff.step", "audiences": []})
        db.execute(
            "INSERT INTO outbox_messages (created_at, topic, channel, recipient, payload, idempotency_key, state, "
            "version, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stamp, "spiff.step", "event", "*", payload, f"event:{digest}", "pending", 1, 0, stamp, ""),
        )
        db.execute("COMMIT")
        return workflow


def spiff_us(spiff: Spiff, rounds: int, actor_id: int, in_memory: bool) -> float:
    total, timed = 0.0, 0
    for i in range(rounds + 5):
        workflow_id, workflow = spiff.new_workflow()
        for _ in STEPS:
            start = time.perf_counter()
            workflow = spiff.complete(workflow_id, workflow if in_memory else None, actor_id)
            if i >= 5:
                total += time.perf_counter() - start
                timed += 1
        assert workflow.is_completed()
    return total / timed * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="rounds of the three steps per run")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        app = make_app(f"sqlite:///{path}", Path(tmp) / "uploads")
        with app.app_context():
            actor_id = db.session.scalar(select(User.id).where(User.username == "noivu"))
            db.session.remove()
        spiff = Spiff(str(path))
        ours, theirs, theirs_in_memory = [], [], []
        with told_on(STORY_DAY):  # the demo district's dossiers move on a day of its life
            for _ in range(args.runs):
                ours.append(ours_us(app, args.n))
                theirs.append(spiff_us(spiff, args.n, actor_id, in_memory=False))
                theirs_in_memory.append(spiff_us(spiff, args.n, actor_id, in_memory=True))
        ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
        in_memory_median = statistics.median(theirs_in_memory)
        print(
            json.dumps(
                {
                    "backend": "sqlite",
                    "ours_us": round(ours_median),
                    "spiff_us": round(theirs_median),
                    "ratio": round(theirs_median / ours_median, 2),  # > 1: ours is that many times faster
                    "spiff_in_memory_us": round(in_memory_median),
                    "ratio_in_memory": round(in_memory_median / ours_median, 2),
                    "target_ratio": 2.0,
                    "ours_runs_us": [round(v) for v in ours],
                    "spiff_runs_us": [round(v) for v in theirs],
                    "rounds": args.n,
                    "load": os.getloadavg()[0],
                    "spiffworkflow": "3.2.0",
                    "machine": machine(app),
                }
            )
        )


if __name__ == "__main__":
    main()
