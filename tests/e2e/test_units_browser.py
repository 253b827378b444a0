"""The units catalogue in Chromium, on a desktop and on a phone: the standing office finds a commune, records its
last day, sees a field error on the form, and the list shows the unit's status."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dossier_walkthrough import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("screen", "width"), [("desktop", 1280), ("phone", 390)])
def test_the_office_ends_a_commune_in_the_browser(demo, live_server, page: Page, artifacts, screen, width):
    login(page, live_server, "noivu")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/admin/units")
    expect(page.get_by_role("heading", name="Danh mục đơn vị")).to_be_visible()
    page.screenshot(path=str(artifacts / f"units-list-{screen}.png"), full_page=True)

    page.get_by_label("Mã hoặc tên").fill("đắk xú")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="Sửa đơn vị Xã Đắk Xú").click()
    page.get_by_label("Ngày cuối cùng hoạt động").fill("2019-12-31")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#valid_to-error")).to_have_text(
        "Ngày cuối cùng hoạt động không được trước ngày bắt đầu hoạt động."
    )
    page.screenshot(path=str(artifacts / f"units-edit-error-{screen}.png"), full_page=True)

    page.get_by_label("Ngày cuối cùng hoạt động").fill("2025-06-30")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert").first).to_have_text("Đã lưu đơn vị XA-DAKXU – Xã Đắk Xú.")
    page.get_by_label("Mã hoặc tên").fill("XA-DAKXU")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("status")).to_have_text("Đang hoạt động, đến hết 30/06/2025")
    page.screenshot(path=str(artifacts / f"units-ended-{screen}.png"), full_page=True)

    page.goto(f"{live_server}/admin/units/new")
    page.screenshot(path=str(artifacts / f"units-new-{screen}.png"), full_page=True)
