"""The pages a newcomer opens first, on a 390 px phone and a 1280 px laptop: the home and the dossier list fit the
phone's width with every dossier's due date in view, and the top navigation keeps each link on one line for every
role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# How many text lines each visible link of the top bar takes: its content box over its line height.
NAV_LINES = """[...document.querySelectorAll('.navbar .nav-link')].filter(e => e.offsetParent).map(e => {
  const s = getComputedStyle(e);
  const content = e.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
    - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
  return [e.textContent.trim(), Math.round(content / parseFloat(s.lineHeight))];
})"""
DUE = re.compile(r"Hạn giải quyết: (\d\d/\d\d/\d{4}|tính từ khi tiếp nhận|không áp dụng)( Quá hạn)?")


def open_as(browser: Browser, base: str, username: str, viewport: dict) -> Page:
    """A fresh browser window of that size, logged in (on a phone the menu is folded, so the login is checked by the
    page it lands on)."""
    page = browser.new_context(locale="vi-VN", viewport=viewport).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")
    page.wait_for_load_state("load")  # the style sheets too: the measurements below read their line heights
    return page


# Hand count of the demo (workflow/demo/): each of the three district units has one dossier in each of the seven
# states of its path, one in the council's first round, and Plei Kần one more sent up to the province.
@pytest.mark.parametrize(("username", "home", "dossiers"), [("canbo.pleikan", "/unit", 9), ("noivu", "/office", 25)])
def test_the_home_and_the_dossier_list_fit_a_phone_with_every_due_date_in_view(
    demo_story, live_server, browser: Browser, artifacts, username, home, dossiers
):
    page = open_as(browser, live_server, username, PHONE)
    assert page.url == f"{live_server}{home}"
    page.screenshot(path=str(artifacts / f"home-{username}-390.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0

    page.goto(f"{live_server}/dossiers")
    page.screenshot(path=str(artifacts / f"dossier-list-{username}-390.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0
    cards = page.get_by_test_id("dossier-card")
    expect(cards).to_have_count(dossiers)
    for n in range(dossiers):
        due = cards.nth(n).get_by_test_id("due")
        expect(due).to_be_visible()
        expect(due).to_have_text(DUE)
        box = due.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(page.locator("table")).to_be_hidden()


@pytest.mark.parametrize(
    "username",
    # The widest bars (the office, the secretary, the chairman, the administrator) and a unit's; the other roles
    # have fewer links than these.
    ["admin", "noivu", "thuky", "chutich", "canbo.pleikan"],
)
def test_every_roles_navigation_keeps_each_link_on_one_line_at_1280_px(demo, live_server, browser: Browser, username):
    page = open_as(browser, live_server, username, LAPTOP)
    expect(page.get_by_test_id("current-user")).to_be_visible()
    lines = page.evaluate(NAV_LINES)
    assert len(lines) >= 4, lines
    assert [label for label, count in lines if count != 1] == [], lines
    assert page.evaluate(OVERFLOW) <= 0


def test_the_offices_occasional_links_open_under_khac(demo, live_server, browser: Browser):
    page = open_as(browser, live_server, "noivu", LAPTOP)
    revocations = page.get_by_role("link", name="Thu hồi", exact=True)
    expect(revocations).to_be_hidden()
    page.get_by_role("button", name="Khác").click()
    revocations.click()
    expect(page).to_have_url(f"{live_server}/revocations")


def test_a_draft_dossier_fits_a_phone_with_every_button_in_view(make_dossier, live_server, browser: Browser, artifacts):
    """On a draft, the nominees' "Sửa" / "Bỏ" and the documents' "Chuyển" / "Gỡ" were pushed off a 390 px screen."""
    dossier = make_dossier(nominees=("Nguyễn Thị Phương Thảo Uyên", "Trần Thị Bình"))
    page = open_as(browser, live_server, "canbo.pleikan", PHONE)
    page.goto(f"{live_server}/dossiers/{dossier.id}")
    page.screenshot(path=str(artifacts / "dossier-draft-390.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0
    buttons = page.locator("summary", has_text=re.compile(r"^(Bỏ|Chuyển|Gỡ)$"))
    expect(buttons).to_have_count(2 + 2 * len(dossier.documents))
    for n in range(buttons.count()):
        box = buttons.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], n
