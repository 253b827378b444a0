"""The council votes on the demo's story-day session: the secretary records attendance, opens the session and
starts the polls; seven members vote from their own browsers (one on a phone); the secretary watches the count
rise, finishes and publishes; the dossiers move on and the minutes download with the members' names."""

import subprocess
from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from models import Dossier, Unit, User, db
from workflow.demo.seed import seed_demo

pytestmark = pytest.mark.e2e

SESSION = "Phiên họp xét khen thưởng đợt 2 tháng 6 năm 2025"
# Bùi Thị Lan (uyvien7) is away: seven of the eight voting members are present and vote.
PRESENT = ["chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5", "uyvien6"]
NAMES = ["Nguyễn Văn Hùng", "Đinh Văn Long", "Y Hoa", "Hoàng Văn Thắng", "Võ Thị Mai", "A Khoa", "Đặng Quốc Bảo"]
# Two members disagree on one nominee: five of eight falls short of two thirds.
DISAGREE = {("uyvien5", "Trần Thị Mai"), ("uyvien6", "Trần Thị Mai")}


@pytest.fixture
def demo_sessions(app):
    seed_demo(db.session, upload_dir=Path(current_app.config["UPLOAD_DIR"]))
    db.session.commit()


def login(browser: Browser, base: str, username: str, width: int = 1280) -> Page:
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")
    return page


def press_all(page: Page, action: str) -> None:
    """Press every poll's button for `action`, one after the other (each press reloads the page)."""
    buttons = page.locator(f'button[data-action="{action}"]')
    for left in range(buttons.count() - 1, -1, -1):
        buttons.first.click()
        expect(buttons).to_have_count(left)


def vote(page: Page, username: str) -> None:
    """Every ballot the member has, one per title, each choice ticked, then sent."""
    while page.locator("form[data-testid^=ballot-]").count():
        ballot = page.locator("form[data-testid^=ballot-]").first
        for item in ballot.locator("fieldset").all():
            nominee = item.locator("legend").inner_text().split(". ", 1)[1].splitlines()[0]
            choice = "Không đồng ý" if (username, nominee) in DISAGREE else "Đồng ý"
            item.get_by_label(choice, exact=True).check()
        ballot.get_by_role("button", name="Gửi phiếu biểu quyết").click()
        expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận phiếu biểu quyết")).to_be_visible()
    expect(page.get_by_test_id("no-ballot")).to_be_visible()


def test_seven_members_vote_and_the_minutes_name_them(demo_sessions, live_server, browser, artifacts, tmp_path):
    base = live_server
    secretary = login(browser, base, "thuky")
    secretary.get_by_role("link", name="Phiên họp", exact=True).click()
    secretary.get_by_role("link", name=SESSION).click()
    for username in PRESENT:
        member_id = db.session.scalar(select(User.id).where(User.username == username))
        secretary.locator(f"#status-{member_id}").select_option("present")
    secretary.get_by_role("button", name="Lưu danh sách có mặt").click()
    expect(secretary.get_by_test_id("quorum")).to_contain_text("7/8")
    secretary.locator('button[data-action="open"]').click()
    expect(secretary.get_by_test_id("session-state")).to_have_text("Đang họp")

    secretary.get_by_test_id("polls-link").click()
    secretary.get_by_test_id("create-polls").get_by_role("button").click()
    press_all(secretary, "start")
    polls = secretary.locator("section[data-testid^=poll-]")
    count = polls.count()
    assert count == 8

    members = {name: login(browser, base, name, 390 if name == "uyvien2" else 1280) for name in PRESENT}
    # On the phone the member starts from the home page's list of coming sessions.
    phone = members["uyvien2"]
    phone.get_by_role("link", name=SESSION).click()
    phone.get_by_test_id("ballot-link").click()
    expect(phone.locator("form[data-testid^=ballot-]")).to_have_count(2)
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

    press_all(secretary, "finish")
    expect(secretary.get_by_test_id("result").first).to_be_visible()
    press_all(secretary, "publish")
    expect(secretary.get_by_test_id("poll-state")).to_have_text(["Đã công bố"] * count)

    db.session.expire_all()
    on_agenda = db.session.scalars(
        select(Dossier).join(Unit).where(Unit.code.in_(("TT-PLEIKAN", "XA-DAKXU")), Dossier.title.endswith("2023"))
    ).all()
    assert {d.state for d in on_agenda} == {"awaiting_decision"}

    secretary.goto(secretary.url.rsplit("/polls", 1)[0])
    with secretary.expect_download() as download:
        secretary.get_by_test_id("minutes-link").click()
    pdf = tmp_path / "minutes.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for name in [*NAMES, "Bùi Thị Lan", "Phạm Thị Ngọc Ánh", "Trần Thị Mai"]:
        assert name in text
    assert "Số thành viên có mặt: 7/8" in text
    assert "Tổng hợp: 7/8 trường hợp đạt" in text
