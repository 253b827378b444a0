"""The nominee form in Chromium (issue 12), as a commune clerk meets it: the required fields carry a red "*", the
title list offers only the titles for the kind of nominee chosen, a title that stops fitting is cleared rather than
sent, the birth date is asked of a person only, and a post with three problems shows all three at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dossier_walkthrough import login
from tests.web.test_nominee_form import COLLECTIVE_TITLES, HOUSEHOLD_TITLES, PERSON_TITLES

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390)
SHOWN_TITLES = """
select => [...select.options].filter(o => getComputedStyle(o).display !== "none").map(o => o.value)
"""


def shown_titles(page: Page) -> set[str]:
    """The title options Chromium lists when the select is opened (display:none options are left out)."""
    return set(page.locator("#title_code").evaluate(SHOWN_TITLES))


def look(page: Page, artifacts, name: str) -> None:
    """A screenshot at each width, and no horizontal scroll of the page."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"nominee-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def form(make_dossier, live_server, page: Page) -> Page:
    dossier = make_dossier(nominees=(), complete=False)
    login(page, live_server, "canbo.pleikan")
    page.goto(f"{live_server}/dossiers/{dossier.id}")
    # With no nominee yet, adding one is the next step: the form is open already.
    expect(page.get_by_test_id("add-nominee")).to_have_attribute("open", "")
    return page


def test_the_titles_and_the_birth_date_follow_the_kind_of_nominee(form: Page, artifacts):
    page = form
    expect(page.get_by_text("* bắt buộc")).to_be_visible()
    mark = page.locator('label[for="full_name"] .required-mark')
    expect(mark).to_be_visible()
    expect(mark).to_have_css("color", "rgb(220, 53, 69)")  # Bootstrap's danger red
    expect(page.get_by_role("textbox", name="Họ tên / tên tập thể (bắt buộc)", exact=True)).to_be_visible()

    # A person (the kind chosen at first): a person's titles and the birth date, no member counts.
    expect(page.locator("#kind")).to_have_value("person")
    expect(page.locator("#title_code")).to_have_value("")
    assert shown_titles(page) == {"", *PERSON_TITLES}
    expect(page.get_by_label("Ngày sinh")).to_be_visible()
    expect(page.get_by_label("Tổng số thành viên")).to_be_hidden()
    look(page, artifacts, "person")

    # Lao động tiên tiến chosen, then the kind switched to a collective: the title is cleared, not kept hidden.
    page.locator("#title_code").select_option("LDTT")
    page.locator("#kind").select_option("collective")
    expect(page.locator("#title_code")).to_have_value("")
    assert shown_titles(page) == {"", *COLLECTIVE_TITLES}
    expect(page.locator("#date_of_birth")).to_be_hidden()
    expect(page.get_by_label("Tổng số thành viên")).to_be_visible()
    look(page, artifacts, "collective")

    # A collective's title still fits when the clerk comes back to it; a household has its one title.
    page.locator("#title_code").select_option("TLDTT")
    page.locator("#kind").select_option("household")
    expect(page.locator("#title_code")).to_have_value("")
    assert shown_titles(page) == {"", *HOUSEHOLD_TITLES}
    page.locator("#title_code").select_option("GIA_DINH_VAN_HOA")
    page.locator("#kind").select_option("household")
    expect(page.locator("#title_code")).to_have_value("GIA_DINH_VAN_HOA")


def test_a_birth_date_typed_then_hidden_is_not_sent(form: Page, artifacts):
    """Typed for a person, then the kind changed to a collective: the collective is saved without it."""
    page = form
    page.get_by_label("Ngày sinh").fill("1985-03-12")
    page.locator("#kind").select_option("collective")
    page.get_by_label("Họ tên / tên tập thể").fill("Tổ Một cửa")
    page.locator("#title_code").select_option("TLDTT")
    page.get_by_role("button", name="Thêm vào hồ sơ").click()
    expect(page.get_by_role("alert").filter(has_text="Đã thêm người/tập thể được đề nghị")).to_be_visible()
    card = page.get_by_test_id("nominees").locator("li", has_text="Tổ Một cửa")
    expect(card).to_be_visible()
    expect(card).not_to_contain_text("1985")

    # The edit page: a collective's form, its title chosen among a collective's, no birth date asked.
    page.get_by_role("link", name="Sửa").click()
    expect(page.locator("#kind")).to_have_value("collective")
    expect(page.locator("#title_code")).to_have_value("TLDTT")
    assert shown_titles(page) == {"", *COLLECTIVE_TITLES}
    expect(page.locator("#date_of_birth")).to_be_hidden()
    look(page, artifacts, "edit-collective")


def test_three_problems_are_shown_at_once_each_under_its_field(form: Page, artifacts):
    """No name, born in the future, and a collective's title for a person (the list offers none, so the post is
    made as a script or an old page would make it: the server stays the judge)."""
    page = form
    page.get_by_label("Ngày sinh").fill("2025-07-01")
    page.locator("#title_code").evaluate("select => { select.value = 'TLDTT'; }")
    page.get_by_role("button", name="Thêm vào hồ sơ").click()
    expect(page.locator("#full_name-error")).to_have_text("Vui lòng nhập họ tên.")
    expect(page.locator("#date_of_birth-error")).to_have_text("Ngày sinh không được sau ngày hôm nay (16/06/2025).")
    expect(page.locator("#title_code-error")).to_have_text("Danh hiệu này không dành cho loại đối tượng đã chọn.")
    expect(page.get_by_label("Họ tên / tên tập thể")).to_have_attribute("aria-describedby", "full_name-error")
    look(page, artifacts, "errors")
