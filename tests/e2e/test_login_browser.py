import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_unit_officer_logs_in_and_sees_the_vietnamese_home_page(demo, live_server, page: Page, artifacts):
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login?next=%2F")
    page.get_by_label("Tên đăng nhập").fill("canbo.pleikan")
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{live_server}/unit")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thị trấn Plei Kần")
    expect(page.get_by_role("heading", name="Hồ sơ đang soạn thảo")).to_be_visible()
    expect(page.get_by_test_id("current-user")).not_to_be_empty()
    page.screenshot(path=str(artifacts / "login-canbo-pleikan.png"), full_page=True)
