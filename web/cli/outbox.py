"""`flask outbox run` (the delivery worker), `flask outbox dead` (the dead letters), and, in development,
the outbox flushed right after each request that committed outbox messages.

Both are wired by `web.cli.commands.register(app)` in the factory."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import OutboxMessage, db
from models.base import utcnow
from models.outbox import OutboxState
from workflow.notify.dispatcher import OutboxSettings, dead_letters, dispatch_pending
from workflow.notify.outbox import WRITTEN_FLAG

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Deliver the outbox: in-app notifications, e-mail, webhooks, hooks.")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
    install_after_commit_flush(app)


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Process what is due now, then exit.")
@click.option(
    "--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds between passes."
)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="Messages per pass.")
@click.option("--passes", type=click.IntRange(min=1), help="Stop after this many passes (default: until stopped).")
def run_command(once: bool, interval: float, limit: int, passes: int | None) -> None:
    """Deliver due messages; loop until SIGINT/SIGTERM or `--passes` (several workers may run side by side)."""
    settings = OutboxSettings.from_config(current_app.config)
    if once:
        click.echo(dispatch_pending(db.session, utcnow(), limit, settings=settings).summary())
        return
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"outbox worker started (every {interval:g} s, up to {limit} messages a pass); Ctrl+C stops it")
    done = 0
    try:
        while not stop.is_set() and (passes is None or done < passes):
            done += 1
            try:
                report = dispatch_pending(db.session, utcnow(), limit, settings=settings)
            except Exception:
                # The database may be restarting: keep the worker alive and try again next pass.
                log.exception("outbox pass failed")
                db.session.rollback()
                stop.wait(interval)
                continue
            if report.anything:
                click.echo(report.summary())
            if report.handled < limit and (passes is None or done < passes):
                stop.wait(interval)  # a full pass means more is due: go on without waiting
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        db.session.remove()
    click.echo("outbox worker stopped")


@outbox_cli.command("dead")
def dead_command() -> None:
    """List the dead letters (retry them on /admin/outbox/dead)."""
    letters = dead_letters(db.session)
    for message in letters:
        target = f"webhook #{message.recipient}" if message.channel == "webhook" else message.recipient
        click.echo(
            f"{message.id}\t{message.channel}\t{message.topic}\t{target}\t{message.attempts}\t{message.last_error}"
        )
    click.echo(f"{len(letters)} dead letter(s)")


# --- development: flush after commit -----------------------------------------------------------------------------

_WRITTEN = WRITTEN_FLAG
_COMMITTED = "outbox_committed"


def install_after_commit_flush(app: Flask) -> None:
    """When OUTBOX_FLUSH_AFTER_COMMIT is on, dispatch at the end of every request that committed pending
    outbox messages, in a fresh session: never inside the committing transaction, and a failure only leaves
    the messages for the worker."""
    if not app.config.get("OUTBOX_FLUSH_AFTER_COMMIT") or "outbox_flush" in app.extensions:
        return
    app.extensions["outbox_flush"] = True
    if not event.contains(db.session, "after_flush", _note_written):
        event.listen(db.session, "after_flush", _note_written)
        event.listen(db.session, "after_commit", _note_committed)
        event.listen(db.session, "after_soft_rollback", _forget_written)

    @app.teardown_request
    def flush_outbox(_error=None) -> None:
        if not db.session.info.pop(_COMMITTED, False):
            return
        try:
            with Session(db.engine) as session:
                dispatch_pending(session, utcnow(), settings=OutboxSettings.from_config(app.config))
        except Exception:
            log.exception("outbox flush after commit failed; the worker will deliver")


def _note_written(session: Session, _flush_context) -> None:
    if any(
        isinstance(row, OutboxMessage) and row.state == OutboxState.PENDING for row in (*session.new, *session.dirty)
    ):
        session.info[_WRITTEN] = True


def _note_committed(session: Session) -> None:
    if session.info.pop(_WRITTEN, False):
        session.info[_COMMITTED] = True


def _forget_written(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_WRITTEN, None)
