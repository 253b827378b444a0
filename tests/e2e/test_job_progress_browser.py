"""A long report-like job in Chromium, on a desktop and on a phone: the secretary watches its progress bar move
while it writes its rows (the page polls itself), then downloads the file, which holds every row."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from models import db
from workflow import jobs

pytestmark = pytest.mark.e2e

ROWS = 40
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def slow_rows(session, params, progress):
    """Forty rows at a tenth of a second each: about four seconds, long enough to watch."""
    lines = []
    for number in range(1, ROWS + 1):
        time.sleep(0.1)
        lines.append(f"{number};Dòng {number}")
        progress(number, ROWS)
    return "bang-ke-khen-thuong.csv", ("\n".join(lines) + "\n").encode()


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")


@pytest.fixture
def slow_kind():
    jobs.register("test_slow_rows", slow_rows)
    yield "test_slow_rows"
    jobs.runner._KINDS.pop("test_slow_rows")


@pytest.mark.parametrize(("screen", "width"), [("desktop", 1280), ("phone", 390)])
def test_the_progress_bar_moves_and_the_file_downloads(
    demo, live_server, page: Page, artifacts, user, slow_kind, screen, width
):
    login(page, live_server, "thuky")
    page.set_viewport_size({"width": width, "height": 900})
    job = jobs.submit(db.session, user("thuky"), slow_kind, {})
    db.session.commit()
    page.goto(f"{live_server}/jobs/{job.id}")
    bar = page.get_by_role("progressbar")
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-state", "running")
    seen = set()
    deadline = time.monotonic() + 30
    while page.get_by_test_id("job-status").get_attribute("data-state") != "done":
        seen.add(int(bar.get_attribute("aria-valuenow")))
        if len(seen) == 2:
            page.screenshot(path=str(artifacts / f"job-running-{screen}.png"), full_page=True)
        assert time.monotonic() < deadline
        page.wait_for_timeout(200)
    # The bar was seen part-way at two different values (polled every second, the job lasts about four).
    assert len({value for value in seen if 0 < value < 100}) >= 2, seen
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("Đã xong", exact=True)).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(artifacts / f"job-done-{screen}.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "bang-ke-khen-thuong.csv"
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == ROWS and lines[-1] == f"{ROWS};Dòng {ROWS}"

    page.goto(f"{live_server}/jobs")
    expect(page.get_by_test_id("job")).to_have_count(1)
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(artifacts / f"job-list-{screen}.png"), full_page=True)
