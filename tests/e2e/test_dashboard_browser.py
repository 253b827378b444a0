"""The secretary's dashboard in Chromium, on a desktop and on a phone: from her home she opens it, reads what is late
and with whom in the board's first rows, downloads the board as Excel, sees the charts drawn, and a count opens the
list it counts."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import User, db
from tests.conftest import upload_missing
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps

pytestmark = pytest.mark.e2e


def _late_dossier() -> str:
    """Xã Đắk Xú's dossier accepted on Friday 9 May 2025: 20 working days end on Friday 6 June (12–16, 19–23,
    26–30 May, 2–6 June); on Monday 16 June it is 6 working days late (9–13 June and the 16th)."""
    cast = {u.username: u for u in db.session.scalars(select(User))}
    with time_machine.travel(datetime(2025, 5, 9, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        dossier = service.create_dossier(
            db.session, actor=cast["canbo.dakxu"], procedure="regular", year=2024,
            title="Đề nghị công nhận Lao động tiên tiến năm 2024 (bổ sung đợt 2)",
        )  # fmt: skip
        service.add_nomination(
            db.session, dossier, actor=cast["canbo.dakxu"],
            data=service.NomineeInput(
                kind="person", full_name="Đinh Văn Khải", title_code="LDTT", date_of_birth=date(1988, 4, 2),
                position="Công chức", annual_rating="good", months_of_service=12,
            ),
        )  # fmt: skip
        upload_missing(dossier, cast["canbo.dakxu"])
        steps.submit_to_head(db.session, dossier, actor=cast["canbo.dakxu"])
        steps.approve_submission(db.session, dossier, actor=cast["truong.dakxu"], sign_off=True)
        steps.accept(db.session, dossier, actor=cast["noivu"])
        db.session.commit()
    assert dossier.due_on == date(2025, 6, 6)
    return dossier.code


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


@pytest.mark.parametrize(("screen", "width"), [("desktop", 1280), ("phone", 390)])
def test_the_secretary_finds_what_is_late_and_with_whom(demo_story, live_server, page: Page, artifacts, screen, width):
    code = _late_dossier()
    _login(page, live_server, "thuky")
    page.set_viewport_size({"width": width, "height": 900})
    page.get_by_test_id("open-dashboard").click()
    expect(page.get_by_role("heading", name="Bảng theo dõi hồ sơ thi đua, khen thưởng")).to_be_visible()

    rows = page.locator('[data-testid="board-row"]:visible')
    first = rows.first
    expect(first).to_contain_text(code)
    expect(first.get_by_test_id("holder")).to_contain_text("Phòng Nội vụ")
    expect(first.get_by_test_id("overdue")).to_have_text("Quá hạn 6 ngày")
    # The other 17 running dossiers of the demo follow, none of them late.
    expect(rows).to_have_count(18)
    expect(page.get_by_test_id("count-overdue")).to_have_text("1")
    # Chart.js drew each chart (a drawn canvas has a size of its own).
    page.wait_for_function(
        "window.Chart && Object.keys(window.Chart.instances).length === 4"
        " && [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0 && c.height > 0)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"dashboard-{screen}.png"), full_page=True)

    # The same board as a workbook: the late dossier first, its 6 days late as a number the sheet can sort.
    with page.expect_download() as download:
        page.get_by_test_id("board-xlsx").click()
    assert download.value.suggested_filename == "ho-so-dang-o-dau-2025-06-16.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [c.value for c in sheet[2]][:4] == ["Hồ sơ", "Trích yếu", "Đơn vị", "Đang ở"]
    assert sheet.freeze_panes == "A3" and sheet["A2"].font.bold
    assert (sheet["A3"].value, sheet["D3"].value, sheet["I3"].value, sheet["J3"].value) == (
        code,
        "Phòng Nội vụ",
        -6,
        "Quá hạn",
    )
    assert sheet.max_row == 2 + 18

    page.get_by_test_id("count-overdue").get_by_role("link").click()
    expect(page.get_by_test_id("extra-filters")).to_contain_text("Quá hạn")
    listed = page.locator('[data-testid="dossier-card"]:visible, tbody tr:visible')
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text(code)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"dashboard-overdue-list-{screen}.png"), full_page=True)
