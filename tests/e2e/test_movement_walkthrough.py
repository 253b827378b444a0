"""A movement followed in Chromium from its launch to its review, as the issue asks: Phòng Nội vụ enters a launch
plan and launches it, sets the year's deadlines; the township's officer registers and sends the yearly report;
Phòng Nội vụ reviews the report; the movement's page then counts the registration and the report. Screenshots of
each page, at 1280 px and 390 px, go to test-artifacts/movement/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PDF_BYTES
from tests.e2e.test_dossier_walkthrough import login, logout

pytestmark = pytest.mark.e2e

NAME = "Phong trào thi đua “Dân vận khéo” năm 2025"
CONTENTS = "Vận động nhân dân hiến đất làm đường\n- Mỗi xã, thị trấn có ít nhất 1 km đường được mở rộng"
PDF = {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}


@pytest.mark.parametrize(("screen", "width"), [("desktop", 1280), ("phone", 390)])
def test_a_movement_from_launch_to_review(demo, live_server, page: Page, artifacts, screen, width):
    shots = artifacts / "movement"
    shots.mkdir(exist_ok=True)

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}-{screen}.png"), full_page=True)

    def sign_in(username: str) -> None:
        """At desktop width, where the user's name shows in the bar; then the screen under test."""
        page.set_viewport_size({"width": 1280, "height": 900})
        login(page, live_server, username)
        page.set_viewport_size({"width": width, "height": 900})

    def sign_out() -> None:
        page.set_viewport_size({"width": 1280, "height": 900})
        logout(page)

    # Phòng Nội vụ: the plan, the launch, the year's deadlines.
    sign_in("noivu")
    page.goto(f"{live_server}/movements/new")
    page.get_by_label("Tên phong trào (chủ đề)").fill(NAME)
    page.get_by_label("Từ ngày").fill("2025-01-01")
    page.get_by_label("Đến ngày").fill("2025-06-30")
    page.get_by_label("Mục đích").fill("Phát huy vai trò của Nhân dân trong xây dựng nông thôn mới.")
    page.get_by_label("Nội dung thi đua và chỉ tiêu").fill(CONTENTS)
    page.get_by_label("Hình thức thi đua").fill("Thi đua theo đợt.")
    shot("plan-form")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    page.get_by_text("Phát động phong trào", exact=True).click()
    shot("launch-confirm")
    page.get_by_role("button", name="Xác nhận: Phát động phong trào").click()
    expect(page.get_by_role("alert").first).to_have_text("Đã phát động phong trào.")
    shot("launched")
    page.get_by_role("link", name="Đăng ký và báo cáo của các đơn vị").click()
    page.get_by_label("Hạn đăng ký thi đua").fill("2025-06-30")
    page.get_by_label("Hạn nộp báo cáo năm").fill("2025-06-30")
    page.get_by_role("button", name="Lưu hạn").click()
    expect(page.get_by_role("alert").first).to_have_text("Đã lưu hạn đăng ký và hạn báo cáo năm 2025.")
    shot("office-year")
    sign_out()

    # The township registers and reports.
    sign_in("canbo.pleikan")
    page.goto(f"{live_server}/movements")
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name="Đăng ký thi đua, báo cáo của đơn vị").click()
    page.get_by_label("Danh hiệu tập thể đăng ký").select_option(label="Tập thể lao động tiên tiến")
    page.locator('[name="individual_LDTT"]').fill("15")
    page.get_by_label("Vận động nhân dân hiến đất làm đường").fill("Mở rộng 2 km đường liên thôn")
    page.get_by_label("Kế hoạch thi đua của đơn vị (tệp)").set_input_files({**PDF, "name": "ke-hoach.pdf"})
    shot("register-form")
    page.get_by_role("button", name="Lưu đăng ký").click()
    expect(page.get_by_test_id("registration")).to_contain_text("Tập thể lao động tiên tiến")
    page.get_by_test_id("unit-reports").get_by_role("link", name="Lập báo cáo").click()
    page.get_by_label("Văn bản báo cáo").set_input_files(PDF)
    page.get_by_label("Vận động nhân dân hiến đất làm đường").fill("Đã mở rộng 2,4 km")
    shot("report-form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã nộp, chờ xem xét").first).to_be_visible()
    shot("report-sent")
    sign_out()

    # Phòng Nội vụ reviews it; the movement's page counts it.
    sign_in("noivu")
    page.goto(f"{live_server}/movements")
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name="Đăng ký và báo cáo của các đơn vị").click()
    township = page.locator('[data-unit="TT-PLEIKAN"]')
    expect(township).to_contain_text("Đã đăng ký ngày 16/06/2025")
    expect(township.get_by_test_id("report-state")).to_have_text("Đã nộp, chờ xem xét")
    township.get_by_test_id("review").click()
    expect(page.locator('[data-unit="TT-PLEIKAN"]').get_by_test_id("report-state")).to_have_text("Đã xem xét")
    shot("reviewed")
    page.get_by_role("link", name=NAME).click()
    year = page.get_by_test_id("years").get_by_role("row", name=re.compile("^2025"))
    # One registration; one report received of the 24 the district's units owe (hand count of the demo's units).
    expect(year.get_by_role("cell")).to_have_text(["1", "1/24", "0", "0"])
    shot("movement-page")

    page.get_by_role("link", name="Sơ kết, tổng kết").click()
    township_row = page.get_by_role("row", name=re.compile("^2025 Thị trấn Plei Kần"))
    # registered, reports submitted, reviewed, late, inspections, dossiers, awards
    expect(township_row.get_by_role("cell")).to_have_text(
        ["2025", "Thị trấn Plei Kần", "1", "1", "1", "0", "0", "0", "0"]
    )
    shot("review")
