"""Two app processes and two outbox workers on one PostgreSQL, driven through HTTP, alternating between the apps:
a session opened on one is valid on the other, wrong passwords on both add up to one login throttle, a document
uploaded on one downloads from the other, dossiers move on both; then every e-mail and webhook the outbox wrote
reaches a local SMTP sink and webhook receiver exactly once (no duplicate beyond its idempotency key, none lost).

Run through scripts/ops.sh, which starts a private PostgreSQL and passes DATABASE_URL:

    bash scripts/ops.sh multi_instance          (or: make ops-multi)

Prints JSON lines (docs/operations/scaling.md); exits 1 when any property fails. About one to two minutes."""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from models import Nomination, OutboxMessage, User, db
from scripts.ops.instances import (
    VENV_BIN,
    Browser,
    Deliveries,
    Processes,
    SmtpSink,
    WebhookReceiver,
    emit,
    free_port,
    run_flask,
    wait_for_http,
)
from web import create_app
from workflow.accounts.users import MAX_FAILURES_PER_ACCOUNT
from workflow.dossiers import editing
from workflow.notify import webhooks
from workflow.notify.email import message_id

PASSWORD = "demo"  # the demo's (workflow/demo/seed.py)
# A unit of the successor commune: Ngọc Hồi district, the demo's first authority, takes no new dossiers after 2025.
OFFICER, HEAD, ADMIN = "canbo.vhxh", "truong.vhxh", "admin"
THROTTLED_ACCOUNT = "uyvien7"  # a demo account the rest of the script does not use
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
# The last line's figures, in this order.
SUMMARY = ("messages_written", "emails_written", "webhooks_written", "delivered", "marked_sent", "duplicates", "lost",
           "unexpected", "pending", "session_shared", "throttle_shared", "upload_shared", "transitions",
           "delivered_by", "error")  # fmt: skip
WORKERS = ("worker_a", "worker_b")
START_SECONDS = 60
DRAIN_SECONDS = 90


def environment(work: Path, mail_port: int) -> dict[str, str]:
    """What every process gets: the same database, keys and shared upload folder (docs/operations/scaling.md)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "TEST_"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(32),
        AUDIT_HMAC_KEY=secrets.token_urlsafe(32),
        UPLOAD_DIR=str(work / "shared-uploads"),
        AUDIT_CHECKPOINT_FILE=str(work / "audit-checkpoints.jsonl"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail_port),
        OUTBOX_BACKOFF_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare(app: Flask, webhook_url: str, dossiers: int) -> tuple[list[int], int]:
    """Through the services, as the unit officer would: `dossiers` complete dossiers ready to send and one with a
    nominee but no documents yet; and a webhook subscription to every topic, as the administrator registers it.
    Returns the complete dossiers' ids and the incomplete one's."""
    with app.app_context():

        def user(name: str) -> User:
            return db.session.scalars(select(User).where(User.username == name)).one()

        officer = user(OFFICER)
        webhooks.create_subscription(
            db.session, actor=user(ADMIN), url=webhook_url, secret=secrets.token_urlsafe(24), topics=["*"]
        )
        made = []
        for number in range(dossiers + 1):
            dossier = editing.create_dossier(
                db.session, actor=officer, procedure="regular", year=2025, title=f"Hai tiến trình {number}"
            )
            editing.add_nomination(
                db.session,
                dossier,
                actor=officer,
                data=editing.NomineeInput(
                    kind="person",
                    full_name=f"Nguyễn Văn {number}",
                    title_code="LDTT",
                    date_of_birth=date(1980, 1, 1 + number),
                    position="Chuyên viên",
                    annual_rating="good",
                    months_of_service=12,
                ),
            )
            if number < dossiers:
                for item in editing.checklist(db.session, dossier).missing:
                    nomination = db.session.get(Nomination, item.nomination_id) if item.nomination_id else None
                    editing.add_document(
                        db.session,
                        dossier,
                        actor=officer,
                        kind=item.kind,
                        stream=io.BytesIO(PDF + f"%{number}{item.kind}\n".encode()),
                        filename=f"{item.kind}.pdf",
                        upload_dir=Path(app.config["UPLOAD_DIR"]),
                        nomination=nomination,
                    )
            made.append(dossier.id)
        db.session.commit()
        db.session.remove()
    return made[:-1], made[-1]


def log_in(browser: Browser, base: str, username: str, password: str = PASSWORD) -> int:
    token = browser.get(f"{base}/login").csrf_token()
    return browser.post(f"{base}/login", {"csrf_token": token, "username": username, "password": password}).status


def press(browser: Browser, base: str, dossier_id: int, trigger: str, **fields: str) -> int:
    """Press a transition's button on the dossier page, with the version the page shows."""
    page = browser.get(f"{base}/dossiers/{dossier_id}")
    version = VERSION_RE.search(page.text)
    if version is None:
        raise RuntimeError(f"dossier {dossier_id}: no version on its page (HTTP {page.status})")
    data = {"csrf_token": page.csrf_token(), "version": version.group(1), **fields}
    return browser.post(f"{base}/dossiers/{dossier_id}/actions/{trigger}", data).status


def check_session(apps: list[str]) -> dict:
    browser = Browser()
    login = log_in(browser, apps[0], OFFICER)
    other = browser.get(f"{apps[1]}/dossiers").status
    return {"login_on_a": login, "dossiers_on_b": other, "session_shared": login == 302 and other == 200}


def check_throttle(apps: list[str]) -> dict:
    refusals = [log_in(Browser(), apps[n % 2], THROTTLED_ACCOUNT, "sai") for n in range(MAX_FAILURES_PER_ACCOUNT)]
    right_password = [log_in(Browser(), base, THROTTLED_ACCOUNT) for base in apps]
    return {
        "wrong_passwords": {"a": refusals[0::2], "b": refusals[1::2]},
        "right_password_after": dict(zip("ab", right_password, strict=True)),
        "throttle_shared": all(s == 401 for s in refusals) and right_password == [429, 429],
    }


def check_upload(apps: list[str], browser: Browser, dossier_id: int) -> dict:
    content = PDF + f"%shared {secrets.token_hex(8)}\n".encode()
    page = browser.get(f"{apps[0]}/dossiers/{dossier_id}")
    uploaded = browser.post(
        f"{apps[0]}/dossiers/{dossier_id}/documents",
        {"csrf_token": page.csrf_token()},
        {"item-file:doc:to_trinh": ("To trinh.pdf", content)},
    ).status
    links = re.findall(r'href="/documents/(\d+)"', browser.get(f"{apps[1]}/dossiers/{dossier_id}").text)
    downloaded = browser.get(f"{apps[1]}/documents/{max(map(int, links))}") if links else None
    same = downloaded is not None and downloaded.status == 200 and downloaded.body == content
    return {"upload_on_a": uploaded, "download_on_b": downloaded and downloaded.status, "upload_shared": same}


def move_dossiers(apps: list[str], officer: Browser, dossier_ids: list[int]) -> dict:
    """The officer sends each dossier to the head, the head signs it off; each step on the other app than the last."""
    head = Browser()
    log_in(head, apps[1], HEAD)
    statuses = []
    for number, dossier_id in enumerate(dossier_ids):
        statuses.append(press(officer, apps[number % 2], dossier_id, "submit_to_head"))
        statuses.append(
            press(head, apps[(number + 1) % 2], dossier_id, "approve_submission", comment="Đồng ý", sign_off="y")
        )
    return {"transitions": len(statuses), "refused": sum(s != 302 for s in statuses), "statuses": sorted(set(statuses))}


def outbox_counts(app: Flask) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """By state, and every e-mail and webhook written: (channel, idempotency key, state)."""
    with app.app_context():
        states = dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
        rows = db.session.execute(
            select(OutboxMessage.channel, OutboxMessage.idempotency_key, OutboxMessage.state).where(
                OutboxMessage.channel.in_(("email", "webhook"))
            )
        ).all()
        db.session.remove()
    return states, [tuple(row) for row in rows]


def wait_drained(app: Flask, seconds: float) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    while True:
        states, _ = outbox_counts(app)
        if not states.get("pending") or time.monotonic() > deadline:
            return states
        time.sleep(1)


def tally(rows: list[tuple[str, str, str]], received, sender: str) -> dict:
    """Each written e-mail is known at the sink by the Message-ID its key gives, each webhook by the key itself."""
    expected = {
        (f"email {message_id(key, sender)}" if channel == "email" else f"webhook {key}"): state
        for channel, key, state in rows
    }
    return {
        "messages_written": len(rows),
        "emails_written": sum(channel == "email" for channel, _, _ in rows),
        "webhooks_written": sum(channel == "webhook" for channel, _, _ in rows),
        "delivered": sum(1 for identifier in expected if received[identifier] >= 1),
        "marked_sent": sum(state == "sent" for state in expected.values()),
        "duplicates": sum(count - 1 for count in received.values() if count > 1),
        "lost": sum(1 for identifier in expected if received[identifier] == 0),
        "unexpected": sum(1 for identifier in received if identifier not in expected),
    }


def delivered_by(processes: Processes, workers: tuple[str, ...]) -> dict[str, int]:
    """E-mails and webhooks each worker reports having sent (its pass summaries, web/cli/outbox.py): both took part."""
    counts = {}
    for name in workers:
        text = (processes.log_dir / f"{name}.log").read_text(errors="replace")
        counts[name] = sum(int(n) for n in re.findall(r"(?:e-mails|webhooks) sent (\d+)", text))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=6, help="dossiers moved through two transitions each")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        emit(error="DATABASE_URL must name a PostgreSQL database; run me through scripts/ops.sh")
        return 2

    work = Path(tempfile.mkdtemp(prefix="multi-instance-"))
    deliveries = Deliveries()
    processes = Processes(work)
    results: dict = {}
    exits: dict[str, int] = {}
    with SmtpSink(deliveries) as sink, WebhookReceiver(deliveries) as receiver:
        env = environment(work, sink.port)
        os.environ.update(env)  # this process reads the same database with the same keys as the children
        started = time.monotonic()
        try:
            run_flask(["db", "upgrade"], env)
            emit(step="seed", output=run_flask(["seed-demo"], env).strip().splitlines()[-1:])
            app = create_app()
            complete, incomplete = prepare(app, receiver.url, args.dossiers)
            apps = []
            for name in ("app_a", "app_b"):
                port = free_port()
                argv = [str(VENV_BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}"]
                processes.start(name, [*argv, "wsgi:app"], env)
                apps.append(f"http://127.0.0.1:{port}")
            for name in WORKERS:
                flask = [str(VENV_BIN / "flask"), "--app", "wsgi", "outbox", "run", "--interval", "0.5"]
                processes.start(name, [*flask, "--limit", "20"], env)
            if not all(wait_for_http(f"{base}/login", START_SECONDS) for base in apps):
                raise RuntimeError("an app did not answer within the start time")
            emit(step="started", apps=apps, processes=processes.alive(), webhook=receiver.url, smtp_port=sink.port)

            results.update(check_session(apps))
            results.update(check_throttle(apps))
            officer = Browser()
            log_in(officer, apps[0], OFFICER)
            results.update(check_upload(apps, officer, incomplete))
            results.update(move_dossiers(apps, officer, complete))
            emit(step="driven", **results)

            states = wait_drained(app, DRAIN_SECONDS)
            _, rows = outbox_counts(app)
            results["pending"] = states.get("pending", 0)
            results.update(tally(rows, deliveries.snapshot(), app.config["MAIL_DEFAULT_SENDER"]))
            results["processes_alive_before_stop"] = processes.alive()
        except Exception as error:  # reported as a line, then everything is stopped
            results["error"] = f"{type(error).__name__}: {error}"
        finally:
            exits = processes.stop_all()
        if exits:
            results["delivered_by"] = delivered_by(processes, WORKERS)
    for name, code in exits.items():
        if code != 0:
            emit(step="log", process=name, tail=processes.tail(name))
    checks = {
        "session_shared": results.get("session_shared") is True,
        "throttle_shared": results.get("throttle_shared") is True,
        "upload_shared": results.get("upload_shared") is True,
        "transitions_done": results.get("transitions", 0) > 0 and results.get("refused") == 0,
        "nothing_pending": results.get("pending") == 0,
        "no_duplicates": results.get("duplicates") == 0,
        "none_lost": results.get("lost") == 0 and results.get("messages_written", 0) > 0,
        "clean_exits": bool(exits) and all(code == 0 for code in exits.values()),
    }
    passed = all(checks.values()) and "error" not in results
    if passed:
        shutil.rmtree(work, ignore_errors=True)
    emit(
        result="ok" if passed else "FAILED",
        seconds=round(time.monotonic() - started, 1),
        **{key: results.get(key) for key in SUMMARY},
        exits=exits,
        failed=[name for name, ok in checks.items() if not ok],
        **({} if passed else {"logs": str(work)}),
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
