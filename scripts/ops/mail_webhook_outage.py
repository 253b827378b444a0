"""The mail server and a webhook receiver are down while transitions write their messages; the outbox worker fails,
backs off and retries; the two come back; show that every message arrives exactly once: none lost, none doubled
(counted by idempotency key), none dead.

An SMTP sink (aiosmtpd) and a webhook receiver (checking each body's HMAC signature) are given ports but not
started. A webhook subscription to every topic is registered, gunicorn serves the API, and dossiers of the
successor commune go through submit → send back → submit → approve. The worker (`flask outbox run`, with
OUTBOX_BACKOFF_SECONDS=1) meets refused connections for `--down-seconds`; then both targets start and the script
waits until every e-mail and webhook of those transitions is sent or dead. The demo's own e-mails share the worker
but are not counted. Prints JSON lines; exits 1 when a message was lost, doubled or dead.

Usage: .venv/bin/python scripts/ops/mail_webhook_outage.py [--dossiers 3] [--down-seconds 8] [--timeout 120]
Database: DATABASE_URL (PostgreSQL), else a SQLite file in a temporary folder."""

from __future__ import annotations

import argparse
import email
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit import BIN, HEAD, OFFICER, ROOT, Api, Gunicorn, Site, emit, free_port, ready_dossier, workdir

SECRET = "ops-outage-webhook-secret"
# Each dossier's path: every step writes one event, which the worker turns into e-mails and a webhook.
STEPS = (
    (OFFICER, "submit_to_head", {"comment": "Kính trình"}),
    (HEAD, "send_back", {"comment": "Bổ sung số liệu"}),
    (OFFICER, "submit_to_head", {"comment": "Đã bổ sung"}),
    (HEAD, "approve_submission", {"sign_off": True}),
)


class Received:
    """What the two targets were handed: one entry per delivery, duplicates included."""

    def __init__(self):
        self.lock = threading.Lock()
        self.mail_ids: Counter[str] = Counter()
        self.webhook_keys: Counter[str] = Counter()
        self.bad_signatures = 0


class SmtpSink:
    """Records the Message-ID of every e-mail it accepts."""

    def __init__(self, received: Received):
        self.received = received

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.received.lock:
            self.received.mail_ids[message["Message-ID"]] += 1
        return "250 OK"


def webhook_receiver(port: int, received: Received) -> ThreadingHTTPServer:
    from workflow.notify.webhooks import verify_signature

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with received.lock:
                if verify_signature(SECRET, body, self.headers.get("X-Signature")):
                    received.webhook_keys[self.headers.get("Idempotency-Key", "")] += 1
                else:
                    received.bad_signatures += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Receiver)


def deliver_demo_backlog(site: Site) -> float:
    """Deliver what the demo's seed wrote (hundreds of events and e-mails) to a throw-away sink first, so that the
    outage meets only the run's own messages. Returns the seconds it took."""
    from aiosmtpd.controller import Controller

    started = time.monotonic()
    port = free_port()
    sink = Controller(SmtpSink(Received()), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "outbox", "run", "--once", "--limit", "100000"],
            cwd=ROOT, env={**site.env, "MAIL_PORT": str(port)}, capture_output=True, check=True, timeout=600,
        )  # fmt: skip
    finally:
        sink.stop()
    return time.monotonic() - started


def subscribe(site: Site, url: str) -> None:
    from sqlalchemy import select

    from models import User, db
    from workflow.notify.webhooks import ALL_TOPICS, create_subscription

    with site.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        create_subscription(db.session, actor=admin, url=url, secret=SECRET, topics=[ALL_TOPICS], max_attempts=8)
        db.session.commit()


def our_messages(dossier_ids: list[int]):
    """The e-mail and webhook messages fanned out from the run's transitions: (key, channel, state, attempts)."""
    from sqlalchemy import select

    from models import AuditEntry, OutboxMessage, db

    hashes = db.session.scalars(
        select(AuditEntry.hash).where(
            AuditEntry.entity_type == "dossier",
            AuditEntry.entity_id.in_(dossier_ids),
            AuditEntry.action.in_({trigger for _, trigger, _ in STEPS}),
        )
    ).all()
    prefixes = tuple(f"event:{h}:" for h in hashes)
    db.session.expire_all()
    rows = db.session.execute(
        select(OutboxMessage.idempotency_key, OutboxMessage.channel, OutboxMessage.state, OutboxMessage.attempts).where(
            OutboxMessage.channel.in_(("email", "webhook"))
        )
    ).all()
    db.session.rollback()
    return len(hashes), [row for row in rows if row.idempotency_key.startswith(prefixes)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=3)
    parser.add_argument("--down-seconds", type=float, default=8.0, help="how long both targets stay down")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up waiting for the drain after this")
    args = parser.parse_args()

    smtp_port, webhook_port = free_port(), free_port()
    with workdir("ops-outage-") as folder:
        site = Site(folder, MAIL_PORT=str(smtp_port), OUTBOX_BACKOFF_SECONDS="1", OUTBOX_MAX_ATTEMPTS="8")
        emit(script="mail_webhook_outage", database=site.database, dossiers=args.dossiers,
             down_seconds=args.down_seconds, seed_s=round(site.seed(), 1))  # fmt: skip
        emit(phase="demo backlog delivered", seconds=round(deliver_demo_backlog(site), 1))
        subscribe(site, f"http://127.0.0.1:{webhook_port}/hook")
        received = Received()
        server = Gunicorn(site)
        worker: subprocess.Popen | None = None
        smtp = receiver = None
        try:
            server.start()
            api = Api(server.base)
            dossier_ids = [ready_dossier(api, f"Outage {i + 1}")["id"] for i in range(args.dossiers)]
            with open(folder / "worker.log", "ab") as log:
                worker = subprocess.Popen(
                    [str(BIN / "flask"), "--app", "wsgi", "outbox", "run", "--interval", "0.5"],
                    cwd=ROOT, env=site.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            for dossier_id in dossier_ids:
                version = api.ok("GET", OFFICER, f"/dossiers/{dossier_id}")["version"]
                for username, trigger, data in STEPS:
                    answer = api.fire(username, dossier_id, trigger, version, **data)
                    if answer.status_code != 200:
                        raise RuntimeError(f"{trigger} on dossier {dossier_id}: {answer.status_code} {answer.text}")
                    version = answer.json()["version"]
            down_until = time.monotonic() + args.down_seconds
            time.sleep(max(down_until - time.monotonic(), 0))
            with site.app_context():
                events, rows = our_messages(dossier_ids)
            emit(
                phase="targets down",
                transitions=events,
                messages_written=len(rows),
                attempts_so_far=sum(r.attempts for r in rows),
                sent_so_far=sum(r.state == "sent" for r in rows),
            )

            from aiosmtpd.controller import Controller

            smtp = Controller(SmtpSink(received), hostname="127.0.0.1", port=smtp_port)
            smtp.start()
            receiver = webhook_receiver(webhook_port, received)
            threading.Thread(target=receiver.serve_forever, daemon=True).start()
            up_at = time.monotonic()

            deadline = up_at + args.timeout
            with site.app_context():
                while True:
                    events, rows = our_messages(dossier_ids)
                    if (rows and all(r.state != "pending" for r in rows)) or time.monotonic() > deadline:
                        break
                    time.sleep(1)
            drained_s = time.monotonic() - up_at
        finally:
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
            server.stop()
            if smtp:
                smtp.stop()
            if receiver:
                receiver.shutdown()
                receiver.server_close()

        from workflow.notify.email import message_id

        sender = site.env.get("MAIL_DEFAULT_SENDER", "thiduakhenthuong@localhost")
        ours = {r.idempotency_key: r for r in rows}
        arrivals = Counter()
        for key, row in ours.items():
            arrivals[key] = (
                received.mail_ids[message_id(key, sender)] if row.channel == "email" else received.webhook_keys[key]
            )
        by_channel = Counter(r.channel for r in rows)
        result = {
            "transitions": events,
            "messages_written": len(rows),
            "emails": by_channel["email"],
            "webhooks": by_channel["webhook"],
            "attempts": sum(r.attempts for r in rows),
            "delivered": sum(1 for n in arrivals.values() if n),
            "duplicates": sum(n - 1 for n in arrivals.values() if n > 1),
            "lost": sum(1 for key, n in arrivals.items() if not n and ours[key].state != "dead"),
            "dead_letters": sum(r.state == "dead" for r in rows),
            "still_pending": sum(r.state == "pending" for r in rows),
            "bad_signatures": received.bad_signatures,
            "drained_s_after_targets_up": round(drained_s, 1),
        }
        passed = (
            result["messages_written"] > 0
            and result["attempts"] > result["messages_written"]  # the outage really made deliveries fail
            and result["delivered"] == result["messages_written"]
            and result["duplicates"] == result["lost"] == result["dead_letters"] == result["still_pending"] == 0
            and result["bad_signatures"] == 0
        )
        emit(summary="mail_webhook_outage", database=site.database, passed=passed, **result)
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
