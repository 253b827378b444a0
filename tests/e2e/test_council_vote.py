"""A whole council session on the demo data, in Chromium: the office appraises Phòng Giáo dục's accepted dossier
(accepting its E5 quota warning in writing), the secretary schedules a session with it, records attendance, opens
the session and starts every poll; seven members vote from their own browsers (one on a phone); the secretary
watches the count rise, closes and announces every result; the dossier moves on and the minutes download with the
members' names."""

import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from models import Dossier, Unit, User, db
from workflow.demo.council import E5_REASON

pytestmark = pytest.mark.e2e

SESSION = "Phiên họp xét hồ sơ Phòng Giáo dục và Đào tạo"
# Phòng Giáo dục's accepted dossier of the demo, still to be appraised.
DOSSIER = "Đề nghị công nhận Lao động tiên tiến năm 2023"
# Bùi Thị Lan (uyvien7) is away: seven of the eight voting members are present and vote.
PRESENT = ["chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5", "uyvien6"]
NAMES = ["Nguyễn Văn Hùng", "Đinh Văn Long", "Y Hoa", "Hoàng Văn Thắng", "Võ Thị Mai", "A Khoa", "Đặng Quốc Bảo"]
# Two members disagree on one nominee: five of eight falls short of two thirds.
DOUBTED = "Hoàng Văn Nam"
DISAGREE = {("uyvien5", DOUBTED), ("uyvien6", DOUBTED)}


@pytest.fixture
def demo_sessions(demo_story):
    """The whole demo (tests/conftest.py::demo_story)."""


def login(browser: Browser, base: str, username: str, width: int = 1280) -> Page:
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")
    return page


def appraise_every_nominee(office: Page, dossier_url: str) -> None:
    """The office appraises each nominee from the dossier's page, accepting an open E5 warning in writing."""
    office.goto(dossier_url)
    for n in range(office.get_by_role("link", name="Thẩm định", exact=True).count()):
        office.goto(dossier_url)
        office.get_by_role("link", name="Thẩm định", exact=True).nth(n).click()
        office.get_by_test_id("appraise-form").get_by_role("button", name="Thẩm định").click()
        if office.locator("summary", has_text="Chấp nhận cảnh báo").count():
            office.locator("summary", has_text="Chấp nhận cảnh báo").click()
            office.get_by_label("Lý do chấp nhận cảnh báo").fill(E5_REASON)
            office.get_by_role("button", name="Chấp nhận cảnh báo này").click()
        expect(office.get_by_test_id("stored")).to_be_visible()


def schedule(secretary: Page) -> None:
    """The secretary schedules a session for this morning with the appraised dossier on its agenda."""
    secretary.get_by_role("link", name="Phiên họp", exact=True).click()
    secretary.get_by_role("link", name="Lên lịch phiên họp").first.click()
    secretary.get_by_label("Tên phiên họp").fill(SESSION)
    secretary.get_by_label("Ngày họp").fill("2025-06-16")
    secretary.get_by_label("Giờ họp").fill("10:30")
    secretary.get_by_label("Địa điểm").fill("Phòng họp số 2, UBND huyện Ngọc Hồi")
    secretary.get_by_label(DOSSIER).check()
    secretary.get_by_role("button", name="Lên lịch phiên họp").click()
    expect(secretary.get_by_role("alert").filter(has_text="Đã lên lịch phiên họp")).to_be_visible()


def vote(page: Page, username: str) -> None:
    """Every ballot the member has, one per title, each choice ticked, then sent."""
    while page.locator("form[data-testid^=ballot-]").count():
        ballot = page.locator("form[data-testid^=ballot-]").first
        for item in ballot.locator("fieldset").all():
            nominee = item.locator("legend").inner_text().split(". ", 1)[1].splitlines()[0]
            choice = "Không đồng ý" if (username, nominee) in DISAGREE else "Đồng ý"
            item.get_by_text(choice, exact=True).click()
            expect(item.get_by_label(choice, exact=True)).to_be_checked()
        ballot.get_by_role("button", name="Gửi phiếu biểu quyết").click()
        expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận phiếu biểu quyết")).to_be_visible()
    expect(page.get_by_test_id("no-ballot")).to_be_visible()


def test_a_session_from_scheduling_to_results_applied(demo_sessions, live_server, browser, artifacts, tmp_path):
    base = live_server
    dossier = db.session.scalar(
        select(Dossier).join(Unit).where(Unit.code == "P-GDDT", Dossier.title == DOSSIER, Dossier.state == "accepted")
    )
    office = login(browser, base, "noivu")
    appraise_every_nominee(office, f"{base}/dossiers/{dossier.id}")
    db.session.expire_all()
    eligible = [n for n in dossier.nominations if n.state == "eligible"]
    assert eligible, [n.state for n in dossier.nominations]

    secretary = login(browser, base, "thuky")
    schedule(secretary)
    expect(secretary.get_by_test_id("session-state")).to_have_text("Đã lên lịch")
    for username in PRESENT:
        member_id = db.session.scalar(select(User.id).where(User.username == username))
        secretary.locator(f"#status-{member_id}").select_option("present")
    secretary.get_by_role("button", name="Lưu danh sách có mặt").click()
    expect(secretary.get_by_test_id("quorum")).to_contain_text("7/8")
    secretary.locator('button[data-action="open"]').click()
    expect(secretary.get_by_test_id("session-state")).to_have_text("Đang họp")

    secretary.get_by_test_id("polls-link").click()
    secretary.get_by_test_id("create-polls").get_by_role("button").click()
    secretary.locator('button[data-all="start"]').click()
    polls = secretary.locator("section[data-testid^=poll-]")
    count = polls.count()
    assert count == len(eligible)
    expect(secretary.get_by_test_id("poll-state")).to_have_text(["Đang biểu quyết"] * count)

    members = {name: login(browser, base, name, 390 if name == "uyvien2" else 1280) for name in PRESENT}
    # On the phone the member starts from the home page's list of coming sessions.
    phone = members["uyvien2"]
    phone.get_by_role("link", name=SESSION).click()
    phone.get_by_test_id("ballot-link").click()
    expect(phone.locator("form[data-testid^=ballot-]")).to_have_count(len({n.title_code for n in eligible}))
    phone.screenshot(path=str(artifacts / "council-ballot-390.png"), full_page=True)

    first = polls.first.get_by_test_id("remaining")
    expect(first).to_contain_text("Đã biểu quyết: 0")
    for n, username in enumerate(PRESENT, start=1):
        page = members[username]
        if username != "uyvien2":
            page.goto(f"{base}/council/polls/ballot")
        vote(page, username)
        if n in (1, 4):
            # The live panel refreshes itself every 3 seconds.
            expect(first).to_contain_text(f"Đã biểu quyết: {n}", timeout=8000)
        if n == 4:
            secretary.screenshot(path=str(artifacts / "council-live-1280.png"), full_page=True)
    expect(first).to_contain_text("Đã biểu quyết: 7 · Còn lại: 0", timeout=8000)

    secretary.locator('button[data-all="finish"]').click()
    expect(secretary.get_by_test_id("result")).to_have_count(count)
    secretary.locator('button[data-all="publish"]').click()
    expect(secretary.get_by_test_id("poll-state")).to_have_text(["Đã công bố"] * count)

    db.session.expire_all()
    results = {(n.nominee.full_name, n.title_code): n.state for n in dossier.nominations if n in eligible}
    assert results == {key: "not_approved" if key[0] == DOUBTED else "approved" for key in results}, results
    assert dossier.state == "awaiting_decision"

    secretary.goto(secretary.url.rsplit("/polls", 1)[0])
    with secretary.expect_download() as download:
        secretary.get_by_test_id("minutes-link").click()
    pdf = tmp_path / "minutes.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for name in [*NAMES, "Bùi Thị Lan", "Phạm Thị Ngọc Ánh", DOUBTED]:
        assert name in text
    assert "Số thành viên có mặt: 7/8" in text
    doubted = sum(key[0] == DOUBTED for key in results)
    assert f"Tổng hợp: {count - doubted}/{count} trường hợp đạt" in text
