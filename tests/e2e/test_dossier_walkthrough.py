"""The first slice a user walks through: unit → unit head → Phòng Nội vụ, with one return for a supplement."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.e2e

NOMINEES = [("Nguyễn Văn An", "1985-03-12"), ("Trần Thị Bình", "1990-07-01")]


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def upload(page: Page, kind: str, name: str, nominee: str | None = None, content: bytes = PDF_BYTES) -> None:
    page.locator("summary", has_text="Tải lên tài liệu").click()
    page.locator("#document-kind").select_option(kind)
    if nominee:
        page.locator("#document-nomination_id").select_option(label=nominee)
    page.locator("#document-file").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": content})
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã tải lên tài liệu")).to_be_visible()


def act(page: Page, label: str, *, sign_off: bool = False, tick: str | None = None, comment: str = "") -> None:
    action = page.locator("details[data-action]", has=page.locator("summary", has_text=label))
    action.locator("summary").click()
    if sign_off:
        action.get_by_label("Tôi đã ký tờ trình đề nghị của đơn vị").check()
    if tick:
        action.get_by_label(tick).check()
    if comment:
        action.get_by_label("Ý kiến / lý do").fill(comment)
    action.get_by_role("button", name=label).click()
    expect(page.get_by_role("alert").filter(has_text=f"Đã thực hiện: {label}")).to_be_visible()


def test_dossier_travels_from_unit_to_office_with_one_return(demo, live_server, page: Page, artifacts):
    base = live_server

    # The unit officer drafts the dossier: two nominees and every required document.
    login(page, base, "canbo.pleikan")
    page.get_by_role("link", name="Hồ sơ", exact=True).click()
    page.get_by_role("link", name="Tạo hồ sơ mới").click()
    page.get_by_label("Năm thành tích").fill("2025")
    page.get_by_label("Trích yếu").fill("Đề nghị công nhận Lao động tiên tiến năm 2025")
    page.get_by_role("button", name="Tạo hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HS-2025-")
    dossier_url = page.url

    for name, born in NOMINEES:
        page.locator("summary", has_text="Thêm người/tập thể được đề nghị").click()
        page.get_by_label("Họ tên / tên tập thể").fill(name)
        page.get_by_label("Ngày sinh").fill(born)
        page.get_by_label("Danh hiệu / hình thức đề nghị").select_option("LDTT")
        page.get_by_label("Xếp loại mức độ hoàn thành nhiệm vụ trong năm").select_option("good")
        page.get_by_label("Số tháng công tác trong năm").fill("12")
        page.get_by_role("button", name="Thêm vào hồ sơ").click()
        expect(page.get_by_role("cell", name=name, exact=False)).to_be_visible()

    upload(page, "to_trinh", "To trinh.pdf")
    upload(page, "bien_ban_hop_xet", "Bien ban hop xet.pdf")
    for name, _ in NOMINEES:
        upload(page, "bao_cao_thanh_tich", f"Bao cao {name}.pdf", nominee=name)
    expect(page.get_by_test_id("checklist").locator("li.text-danger")).to_have_count(0)
    act(page, "Trình Thủ trưởng ký")
    logout(page)

    # The unit head signs and submits.
    login(page, base, "truong.pleikan")
    page.get_by_role("link", name=re.compile("HS-2025-")).first.click()
    act(page, "Ký và nộp Phòng Nội vụ", sign_off=True, comment="Đồng ý đề nghị.")
    logout(page)

    # Phòng Nội vụ returns it once, with the one missing item.
    login(page, base, "noivu")
    page.get_by_role("link", name=re.compile("HS-2025-")).first.click()
    act(page, "Trả lại để bổ sung", tick="Biên bản họp xét", comment="Biên bản chưa có chữ ký thư ký.")
    logout(page)

    # The unit adds it and resubmits.
    login(page, base, "canbo.pleikan")
    page.goto(dossier_url)
    expect(page.get_by_test_id("missing-items")).to_contain_text("Biên bản họp xét")
    upload(page, "bien_ban_hop_xet", "Bien ban co chu ky.pdf", content=PDF_BYTES + b"% signed\n")
    act(page, "Nộp lại sau bổ sung")
    logout(page)

    # Phòng Nội vụ accepts; the legal clock starts.
    login(page, base, "noivu")
    page.goto(dossier_url)
    act(page, "Tiếp nhận hồ sơ")
    expect(page.get_by_test_id("due-on")).to_be_visible()

    page.get_by_role("link", name="Lịch sử xử lý").click()
    timeline = page.get_by_test_id("timeline")
    for step in (
        "Tạo hồ sơ",
        "Trình Thủ trưởng ký",
        "Ký và nộp Phòng Nội vụ",
        "Trả lại để bổ sung",
        "Nộp lại sau bổ sung",
        "Tiếp nhận hồ sơ",
    ):
        expect(timeline).to_contain_text(step)
    expect(timeline).to_contain_text("Biên bản chưa có chữ ký thư ký.")
    expect(timeline.locator("li", has_text="Tải lên tài liệu")).to_have_count(5)
    page.screenshot(path=str(artifacts / "dossier-timeline.png"), full_page=True)
