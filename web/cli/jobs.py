"""`flask jobs run` (the worker) and, in the web process, a thread that runs each job right after the request that
submitted it committed, so `make run` needs no second process. Both claim before running (workflow/jobs/runner.py),
so a job the thread and a worker both see runs once. JOBS_IN_PROCESS = False in the config leaves every job to the
worker (production may prefer that)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Job, db
from models.jobs import JobState
from workflow import jobs

log = logging.getLogger(__name__)

jobs_cli = AppGroup("jobs", help="Run background jobs: imports and generated files.")
_SUBMITTED = "jobs_submitted"


def register(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    if not event.contains(db.session, "after_flush", _note_submitted):
        event.listen(db.session, "after_flush", _note_submitted)
        event.listen(db.session, "after_commit", _start_submitted)
        event.listen(db.session, "after_soft_rollback", _forget_submitted)


def _upload_dir(app: Flask) -> Path:
    return Path(app.config["UPLOAD_DIR"])


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
@click.option(
    "--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds between passes."
)
def run_command(once: bool, interval: float) -> None:
    """Run queued jobs until SIGINT/SIGTERM (several workers may run side by side)."""
    upload_dir = _upload_dir(current_app)
    if once:
        click.echo(f"{jobs.run_pending(db.session, upload_dir=upload_dir)} job(s) run")
        return
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"jobs worker started (every {interval:g} s); Ctrl+C stops it")
    try:
        while not stop.is_set():
            try:
                ran = jobs.run_pending(db.session, upload_dir=upload_dir)
            except Exception:
                # The database may be restarting: keep the worker alive and try again next pass.
                log.exception("jobs pass failed")
                db.session.rollback()
                ran = 0
            if ran:
                click.echo(f"{ran} job(s) run")
            else:
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        db.session.remove()
    click.echo("jobs worker stopped")


# --- the web process: a thread per job, after commit ---------------------------------------------------------------


def _note_submitted(session: Session, _flush_context) -> None:
    new = [row.id for row in session.new if isinstance(row, Job) and row.state == JobState.QUEUED]
    if new:
        session.info.setdefault(_SUBMITTED, []).extend(new)


def _start_submitted(session: Session) -> None:
    submitted = session.info.pop(_SUBMITTED, [])
    if not submitted:
        return
    app = current_app._get_current_object()
    if not app.config.get("JOBS_IN_PROCESS", True):
        return
    for job_id in submitted:
        threading.Thread(target=_run_in_thread, args=(app, job_id), name=f"job-{job_id}", daemon=True).start()


def _forget_submitted(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_SUBMITTED, None)


def _run_in_thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            jobs.run_job(db.session, job_id, upload_dir=_upload_dir(app))
        except Exception:
            # Left queued or running; `flask jobs run` takes a queued one up again.
            log.exception("job %s could not run in the web process", job_id)
        finally:
            db.session.remove()
