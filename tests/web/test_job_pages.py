"""Job pages: the owner follows a long action's progress bar while it runs (the page polls itself), downloads its
file when it is done, and reads why when it failed, never a traceback; nobody else sees another's job."""

from __future__ import annotations

import threading
import time

import pytest

from models import Job, db
from models.jobs import JobState
from workflow import jobs
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg

WAIT_SECONDS = 30


def wait_for(job_id: int) -> Job:
    """The job once it has finished (the web process runs it in a thread after the submitting commit)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        db.session.rollback()
        job = db.session.get(Job, job_id, populate_existing=True)
        if job.state in JobState.FINISHED:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.state}"
        time.sleep(0.05)


def finished_page(client, response) -> str:
    """A form that handed its work to a job answers with the job's page; that page once the job has finished."""
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/"), response.status_code
    job_id = int(response.headers["Location"].removeprefix("/jobs/"))
    wait_for(job_id)
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def rows_file(session, params, progress):
    """A report-like kind: a CSV of `rows` lines, one progress step per line."""
    lines = []
    for number in range(1, params["rows"] + 1):
        lines.append(f"{number};Dòng {number}")
        progress(number, params["rows"])
    return "bang-ke.csv", ("\n".join(lines) + "\n").encode()


@pytest.fixture
def kinds_for_tests():
    release = threading.Event()

    def halfway(session, params, progress):
        progress(3, 10)
        assert release.wait(WAIT_SECONDS)
        return "ket-qua.csv", b"1;2;3\n"

    def refused(session, params, progress):
        raise InvalidInput({"year": [msg("Năm phải từ 2000 đến 2100.")]})

    def broken(session, params, progress):
        raise RuntimeError("division by zero in line 42 of secret_module.py")

    jobs.register("test_rows", rows_file)
    jobs.register("test_halfway", halfway)
    jobs.register("test_refused", refused)
    jobs.register("test_broken", broken)
    yield release
    release.set()
    for kind in ("test_rows", "test_halfway", "test_refused", "test_broken"):
        jobs.runner._KINDS.pop(kind)


def submit(user, username: str, kind: str, **params) -> int:
    job = jobs.submit(db.session, user(username), kind, params)
    db.session.commit()
    return job.id


@pytest.fixture
def secretary(demo, client, auth):
    auth.login("thuky")
    return client


def test_a_running_job_shows_its_progress_and_polls_until_done(secretary, user, kinds_for_tests):
    job_id = submit(user, "thuky", "test_halfway")
    deadline = time.monotonic() + WAIT_SECONDS
    while "3/10 dòng" not in (html := secretary.get(f"/jobs/{job_id}").get_data(as_text=True)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # 3 of 10 is 30 %; the block asks htmx to fetch it again every second while the job runs.
    assert 'aria-valuenow="30"' in html and 'data-percent="30"' in html
    assert f'hx-get="/jobs/{job_id}/progress" hx-trigger="every 1s"' in html
    assert "Đang chạy" in html and "Tải tệp kết quả" not in html
    kinds_for_tests.set()
    wait_for(job_id)
    block = secretary.get(f"/jobs/{job_id}/progress").get_data(as_text=True)
    assert "hx-trigger" not in block and 'aria-valuenow="100"' in block and "Đã xong" in block
    assert f'href="/jobs/{job_id}/file"' in block


def test_a_report_like_job_counts_its_rows_and_its_file_downloads(secretary, user, kinds_for_tests):
    job_id = submit(user, "thuky", "test_rows", rows=250)
    job = wait_for(job_id)
    assert (job.done, job.total) == (250, 250)
    response = secretary.get(f"/jobs/{job_id}/file")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=bang-ke.csv"
    lines = response.get_data(as_text=True).splitlines()
    response.close()
    assert len(lines) == 250 and lines[0] == "1;Dòng 1" and lines[-1] == "250;Dòng 250"


def test_a_refused_job_shows_the_reason_it_was_given(secretary, user, kinds_for_tests):
    job_id = submit(user, "thuky", "test_refused")
    wait_for(job_id)
    html = secretary.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Không thực hiện được" in html and "Năm phải từ 2000 đến 2100." in html
    assert "Tải tệp kết quả" not in html
    assert secretary.get(f"/jobs/{job_id}/file").status_code == 404


def test_a_crashing_job_says_what_to_do_without_a_traceback(secretary, user, kinds_for_tests):
    job_id = submit(user, "thuky", "test_broken")
    wait_for(job_id)
    html = secretary.get("/jobs").get_data(as_text=True)
    assert f"Có lỗi ngoài dự kiến khi thực hiện công việc số {job_id}; không có gì được ghi." in html
    assert "secret_module" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_the_list_shows_the_users_own_jobs_newest_first(secretary, user, kinds_for_tests):
    first = submit(user, "thuky", "test_rows", rows=2)
    other = submit(user, "noivu", "test_rows", rows=2)
    second = submit(user, "thuky", "test_refused")
    for job_id in (first, other, second):
        wait_for(job_id)
    html = secretary.get("/jobs").get_data(as_text=True)
    assert html.index(f'href="/jobs/{second}"') < html.index(f'href="/jobs/{first}"')
    assert f'href="/jobs/{other}"' not in html
    assert html.count('data-testid="job"') == 2


def test_another_users_job_is_forbidden(secretary, user, kinds_for_tests):
    job_id = submit(user, "noivu", "test_rows", rows=3)
    wait_for(job_id)
    for path in ("", "/progress", "/file"):
        response = secretary.get(f"/jobs/{job_id}{path}")
        response.close()
        assert response.status_code == 403


def test_an_unknown_or_absurd_job_number_is_not_found(secretary):
    assert secretary.get("/jobs/999").status_code == 404
    assert secretary.get("/jobs/99999999999999999999").status_code == 404
