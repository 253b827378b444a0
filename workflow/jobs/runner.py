"""Submitting, claiming and running background jobs.

A kind is a function `(session, params, progress) -> (filename, bytes)` registered under a name; `progress(done,
total)` records how far it got, and `progress.owner` / `progress.upload_dir` are who asked and where files live. A
function that writes rows instead of building a file returns an `Outcome` with the sentence its owner reads.

A job runs at most once: a runner claims it with `UPDATE … SET state='running' WHERE state='queued'` and goes on
only when that changed one row, so two workers (or the web process's thread and `flask jobs run`) never both run it.
The work and the job's end (done, its file, its message) commit together; a failure rolls the work back and keeps
the reason, never a traceback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import Job, User
from models.base import utcnow
from models.jobs import JobState
from workflow.core.errors import DomainError, InvalidInput
from workflow.core.messages import msg
from workflow.jobs import store

log = logging.getLogger(__name__)

# Progress is written at most this often (and always at the end of a count), so a loop over 2,000 rows costs a
# few dozen small updates.
PROGRESS_EVERY = 0.25
# On SQLite a running import holds the only write lock until it commits: a progress update waits this long for it,
# then gives up (the bar moves again once the writing is done). PostgreSQL never makes it wait.
SQLITE_PROGRESS_WAIT_MS = 50


@dataclass
class Outcome:
    """The end of a job that writes rather than builds a file: the sentence its owner reads (a `msg`)."""

    message: str
    file: tuple[str, bytes] | None = None


class JobFailed(DomainError):
    """A job that cannot finish, with the reason its owner reads and, for an import, the report of its bad rows."""

    def __init__(self, message: str, report: dict[str, Any] | None = None):
        super().__init__(message)
        self.report = report


Function = Callable[[Session, dict[str, Any], "Progress"], "tuple[str, bytes] | Outcome"]
_KINDS: dict[str, Function] = {}


def _unexpected(job_id: int) -> str:
    return msg(
        "Có lỗi ngoài dự kiến khi thực hiện công việc số %(id)s; không có gì được ghi. Hãy thử lại; nếu vẫn lỗi, "
        "báo quản trị hệ thống số công việc này.",
        id=job_id,
    )


UNKNOWN_KIND = msg("Hệ thống không còn loại công việc này; không có gì được ghi.")


def register(kind: str, function: Function) -> None:
    """Make `kind` runnable; registering a kind twice replaces its function (tests register their own)."""
    _KINDS[kind] = function


def registered(kind: str) -> bool:
    return kind in _KINDS


class Progress:
    """`progress(done, total)`: written from its own connection, so a page polling the job sees it while the job's
    own transaction is still open."""

    def __init__(self, session: Session, job: Job, upload_dir: Path):
        self.owner: User = job.owner
        self.upload_dir = upload_dir
        self._job_id = job.id
        self._engine = session.get_bind()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        statement = (
            update(Job)
            .where(Job.id == self._job_id, Job.state == JobState.RUNNING)
            .values(done=max(0, min(done, total)), total=max(0, total))
        )
        sqlite = self._engine.dialect.name == "sqlite"
        try:
            with self._engine.connect() as connection:
                if sqlite:
                    connection.execute(text(f"PRAGMA busy_timeout = {SQLITE_PROGRESS_WAIT_MS}"))
                try:
                    connection.execute(statement)
                    connection.commit()
                finally:
                    if sqlite:
                        connection.rollback()
                        connection.execute(text("PRAGMA busy_timeout = 5000"))
        except OperationalError:
            log.debug("progress of job %s not written: the database is busy", self._job_id)


def submit(session: Session, user: User, kind: str, params: dict[str, Any]) -> Job:
    """Queue a job for `user`; it runs after the caller commits (see web/cli/jobs.py) or in `flask jobs run`."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, owner_id=user.id, params=params, state=JobState.QUEUED, done=0, total=0, messages=[])
    session.add(job)
    session.flush()
    return job


def claim(session: Session, job_id: int) -> bool:
    """Take a queued job for this runner; False when it is not queued (any more): another runner has it."""
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, started_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return claimed.rowcount == 1


def run_job(session: Session, job_id: int, *, upload_dir: Path) -> bool:
    """Claim and run one job to its end; False when another runner claimed it first."""
    if not claim(session, job_id):
        return False
    job = session.get(Job, job_id, populate_existing=True)
    function = _KINDS.get(job.kind)
    try:
        if function is None:
            raise JobFailed(UNKNOWN_KIND)
        result = function(session, dict(job.params), Progress(session, job, upload_dir))
    except JobFailed as failure:
        _fail(session, job_id, [failure.message], failure.report)
    except InvalidInput as refused:
        _fail(session, job_id, [m for messages in refused.errors.values() for m in messages])
    except DomainError as refused:
        _fail(session, job_id, [refused.message])
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(session, job_id, [_unexpected(job_id)])
    else:
        _finish(session, job, result, upload_dir)
    return True


def _finish(session: Session, job: Job, result: tuple[str, bytes] | Outcome, upload_dir: Path) -> None:
    """The work and the job's end commit together; the count is left where the last progress put it."""
    outcome = result if isinstance(result, Outcome) else Outcome(msg("Đã xong; tệp kết quả sẵn sàng để tải."), result)
    name, sha256 = None, None
    if outcome.file is not None:
        name, content = outcome.file
        sha256 = store.keep(upload_dir, content)
    session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(
            state=JobState.DONE,
            done=Job.total,
            messages=[store.dump(outcome.message)],
            result_name=name,
            result_sha256=sha256,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _fail(session: Session, job_id: int, messages: list[str], report: dict[str, Any] | None = None) -> None:
    """The work is rolled back; the job keeps why."""
    session.rollback()
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            state=JobState.FAILED,
            messages=[store.dump(m) for m in messages],
            report=report,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def queued(session: Session, limit: int = 20) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id).limit(limit)))


def run_pending(session: Session, *, upload_dir: Path, limit: int = 20) -> int:
    """Run the queued jobs, oldest first (those another runner claims first are left to it); how many ran here."""
    return sum(run_job(session, job_id, upload_dir=upload_dir) for job_id in queued(session, limit))


def reason(job: Job) -> list[str]:
    """What the owner reads about the job's end, as messages web/ translates."""
    return [store.load(m) for m in job.messages or []]
