"""The job runner: a job runs once however many runners claim it, its progress is visible while it runs, a failure
keeps its reason and writes nothing, the worker command runs what is queued, and an import through a job writes
the same rows as the import itself."""

from __future__ import annotations

import io
import threading
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Holiday, Job, RegistryEntry, db
from models.jobs import JobState
from workflow import jobs
from workflow.jobs import kinds
from workflow.registry import award_import
from workflow.registry import xlsx as imports

REGISTRY_ROW = [
    "Nguyễn Văn An", date(1985, 3, 12), None, "TT-PLEIKAN", "Cá nhân", "LDTT", 2023, "12/QĐ-UBND", date(2024, 1, 15),
    "UBND huyện Ngọc Hồi", "Thường xuyên", 540000,
]  # fmt: skip


@pytest.fixture
def no_thread(app, monkeypatch):
    """Jobs left to the runners the test starts itself."""
    monkeypatch.setitem(app.config, "JOBS_IN_PROCESS", False)
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def kind():
    registered = []

    def make(name, function):
        jobs.register(name, function)
        registered.append(name)

    yield make
    for name in registered:
        jobs.runner._KINDS.pop(name)


def test_two_runners_claiming_one_job_run_it_once(demo, user, no_thread, kind):
    runs, start = [], threading.Barrier(2)

    def slow(session, params, progress):
        runs.append(1)
        time.sleep(0.3)
        return "x.txt", b"x"

    kind("test_slow", slow)
    job_id = jobs.submit(db.session, user("thuky"), "test_slow", {}).id
    db.session.commit()
    results, engine = [], db.engine

    def runner():
        with Session(engine) as session:
            start.wait()
            results.append(jobs.run_job(session, job_id, upload_dir=no_thread))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True] and len(runs) == 1
    db.session.rollback()
    assert db.session.get(Job, job_id).state == JobState.DONE


def test_progress_is_visible_to_others_while_the_job_runs(demo, user, no_thread, kind):
    seen = []

    def counting(session, params, progress):
        for done in range(1, 5):
            progress(done, 4)
            time.sleep(jobs.runner.PROGRESS_EVERY)
            with Session(session.get_bind()) as other:
                job = other.get(Job, params["me"])
                seen.append((job.state, job.done, job.total))
        return "x.txt", b"x"

    kind("test_counting", counting)
    job = jobs.submit(db.session, user("thuky"), "test_counting", {})
    job.params = {"me": job.id}
    db.session.commit()
    jobs.run_job(db.session, job.id, upload_dir=no_thread)
    assert seen == [("running", 1, 4), ("running", 2, 4), ("running", 3, 4), ("running", 4, 4)]


def test_a_failing_job_writes_nothing_and_keeps_why(demo, user, no_thread, kind):
    def half_done(session, params, progress):
        session.add(Holiday(day=date(2025, 9, 3), name="Nghỉ thêm", kind="day_off", source="admin"))
        session.flush()
        raise jobs.JobFailed(jobs.runner.UNKNOWN_KIND)

    kind("test_half", half_done)
    job_id = jobs.submit(db.session, user("thuky"), "test_half", {}).id
    db.session.commit()
    jobs.run_job(db.session, job_id, upload_dir=no_thread)
    job = db.session.get(Job, job_id)
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert jobs.reason(job) == ["Hệ thống không còn loại công việc này; không có gì được ghi."]
    assert db.session.scalar(select(func.count()).select_from(Holiday).where(Holiday.day == date(2025, 9, 3))) == 0


def test_the_worker_command_runs_what_is_queued(app, demo, user, no_thread, kind):
    kind("test_file", lambda session, params, progress: ("a.csv", b"1;2\n"))
    job_id = jobs.submit(db.session, user("thuky"), "test_file", {}).id
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0 and "1 job(s) run" in result.output
    db.session.rollback()
    job = db.session.get(Job, job_id)
    assert job.state == JobState.DONE and job.result_name == "a.csv"


def _registry_file(session, actor) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(award_import.registry_template(session, actor)))
    second = ["Trần Thị Bình", date(1990, 2, 1), *REGISTRY_ROW[2:]]
    for number, values in enumerate([REGISTRY_ROW, second], start=3):
        for column, value in enumerate(values, start=1):
            book[imports.DATA_SHEET].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _entries(session) -> list[tuple]:
    rows = session.scalars(select(RegistryEntry).order_by(RegistryEntry.id))
    return [(e.nominee.full_name, e.title_code, e.year, e.decision_number, e.source) for e in rows]


def test_an_import_through_a_job_writes_the_same_rows_as_the_import_itself(demo, user, no_thread):
    office = user("noivu")
    content = _registry_file(db.session, office)
    trial = db.session.begin_nested()
    assert award_import.import_registry(db.session, io.BytesIO(content), actor=office).ok
    written_directly = _entries(db.session)
    trial.rollback()
    assert _entries(db.session) == []
    job = jobs.submit(db.session, office, kinds.REGISTRY_IMPORT, kinds.import_params(no_thread, content))
    db.session.commit()
    jobs.run_job(db.session, job.id, upload_dir=no_thread)
    # The two rows of the file, as typed (source "import": the registry's mark for imported awards).
    expected = [
        ("Nguyễn Văn An", "LDTT", 2023, "12/QĐ-UBND", "import"),
        ("Trần Thị Bình", "LDTT", 2023, "12/QĐ-UBND", "import"),
    ]
    assert _entries(db.session) == written_directly == expected
    assert jobs.reason(db.session.get(Job, job.id)) == ["Đã đọc 2 dòng, đã ghi 2 dòng."]
