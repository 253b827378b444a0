"""The first slice a user walks through, counted: unit officer → unit head → Phòng Nội vụ, with one return for a
supplement. Every click, keystroke-fill, choice and file pick is one action; each action leaves a screenshot under
test-artifacts/walkthrough/, and the counts per role go to test-artifacts/action-counts-<database>.json, printed at
the end of the run (tests/conftest.py::pytest_terminal_summary). Target for the officer, from login to "sent to the
unit head" with two nominees (a person and a collective) and their documents: 30 actions or fewer."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from models import db
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.e2e

OFFICER_TARGET = 30


class Walk:
    """A person's actions on the page, counted, with a screenshot after each."""

    def __init__(self, page: Page, folder, role: str):
        self.page, self.folder, self.role, self.count = page, folder, role, 0

    def do(self, label: str, act) -> None:
        act()
        self.count += 1
        if self.folder is not None:
            self.page.screenshot(path=str(self.folder / f"{self.role}-{self.count:02d}-{label}.png"), full_page=True)

    def login(self, base: str, username: str) -> None:
        page = self.page
        self.do("login-page", lambda: page.goto(f"{base}/login"))
        self.do("username", lambda: page.get_by_label("Tên đăng nhập").fill(username))
        self.do("password", lambda: page.get_by_label("Mật khẩu").fill("demo"))
        self.do("signed-in", lambda: page.get_by_role("button", name="Đăng nhập").click())
        expect(page.get_by_test_id("current-user")).to_be_visible()

    def pdf(self, slot: str, name: str, content: bytes = PDF_BYTES) -> None:
        """Pick a file for the checklist item whose input is labelled "<slot start>…<slot end>" (".*" in between)."""
        files = {"name": name, "mimeType": "application/pdf", "buffer": content}
        label = re.compile(re.escape(slot).replace(re.escape("…"), ".*"))
        self.do(f"file-{name}", lambda: self.page.get_by_label(label).set_input_files(files))


def login(page: Page, base: str, username: str) -> None:
    """Sign in without counting (the other browser tests use it)."""
    Walk(page, None, "uncounted").login(base, username)


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def flash(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def test_first_dossier_from_login_to_the_office_counted(demo, live_server, page: Page, artifacts):
    base, folder = live_server, artifacts / "walkthrough"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counts = {}

    # The unit officer: a new dossier, a person and a collective, their documents, then to the unit head.
    officer = Walk(page, folder, "officer")
    officer.login(base, "canbo.pleikan")
    officer.do("new-dossier", lambda: page.get_by_role("link", name="Tạo hồ sơ mới").first.click())
    officer.do("summary", lambda: page.get_by_label("Trích yếu").fill("Đề nghị khen thưởng năm 2025"))
    officer.do("created", lambda: page.get_by_role("button", name="Tạo hồ sơ").click())
    expect(page.get_by_role("heading", level=1)).to_contain_text("HS-2025-")
    dossier_url = page.url

    form = page.get_by_test_id("add-nominee")
    officer.do("name", lambda: form.get_by_label("Họ tên / tên tập thể").fill("Nguyễn Văn An"))
    officer.do("born", lambda: form.get_by_label("Ngày sinh").fill("1985-03-12"))
    officer.do("title", lambda: form.get_by_label("Danh hiệu / hình thức đề nghị").select_option("LDTT"))
    officer.do("rating", lambda: form.get_by_label("Xếp loại mức độ hoàn thành").select_option("good"))
    officer.do("added", lambda: form.get_by_role("button", name="Thêm vào hồ sơ").click())
    flash(page, "Đã thêm")

    form = page.get_by_test_id("add-nominee")  # stays open for the next nominee
    officer.do("kind", lambda: form.get_by_label("Loại đối tượng").select_option("collective"))
    officer.do("name", lambda: form.get_by_label("Họ tên / tên tập thể").fill("Tổ Văn thư"))
    officer.do("title", lambda: form.get_by_label("Danh hiệu / hình thức đề nghị").select_option("TLDTT"))
    officer.do("rating", lambda: form.get_by_label("Xếp loại mức độ hoàn thành").select_option("excellent"))
    officer.do("added", lambda: form.get_by_role("button", name="Thêm vào hồ sơ").click())
    flash(page, "Đã thêm")

    officer.pdf("Chọn tệp — Tờ trình", "To trinh.pdf")
    officer.pdf("Chọn tệp — Biên bản", "Bien ban hop xet.pdf")
    officer.pdf("Chọn tệp — Báo cáo thành tích…— Nguyễn Văn An", "Bao cao An.pdf")
    officer.pdf("Chọn tệp — Báo cáo thành tích…— Tổ Văn thư", "Bao cao To Van thu.pdf")
    officer.do("uploaded", lambda: page.get_by_test_id("upload-all").click())
    flash(page, "Đã tải lên 4 tài liệu")
    expect(page.get_by_test_id("checklist").locator('[data-status="missing"]')).to_have_count(0)
    officer.do("to-head", lambda: page.get_by_role("button", name="Trình Thủ trưởng ký").click())
    flash(page, "Đã thực hiện: Trình Thủ trưởng ký")
    counts["officer: login → sent to the unit head"] = officer.count
    logout(page)

    # The unit head reads the achievements and signs.
    head = Walk(page, folder, "head")
    head.login(base, "truong.pleikan")
    head.do("dossier", lambda: page.get_by_role("link", name=re.compile("HS-2025-")).first.click())
    expect(page.get_by_test_id("nominees")).to_contain_text("Tổ Văn thư")
    head.do("signed", lambda: page.get_by_label("Tôi đã ký tờ trình đề nghị của đơn vị").check())
    head.do("submitted", lambda: page.get_by_role("button", name="Ký và nộp Phòng Nội vụ").click())
    flash(page, "Đã thực hiện: Ký và nộp Phòng Nội vụ")
    counts["head: login → signed and submitted"] = head.count
    logout(page)

    # Phòng Nội vụ returns it once, naming the one missing item.
    office = Walk(page, folder, "office")
    office.login(base, "noivu")
    office.do("dossier", lambda: page.get_by_role("link", name=re.compile("HS-2025-")).first.click())
    action = page.locator("details[data-action=return_for_supplement]")
    office.do("open-return", lambda: action.locator("summary").click())
    office.do("tick", lambda: action.get_by_label(re.compile("^Biên bản")).check())
    office.do("comment", lambda: action.get_by_label("Ý kiến / lý do").fill("Biên bản chưa có chữ ký thư ký."))
    office.do("returned", lambda: action.get_by_role("button", name="Trả lại để bổ sung").click())
    flash(page, "Đã thực hiện: Trả lại để bổ sung")
    counts["office: login → returned with one item"] = office.count
    logout(page)

    # The unit supplies exactly that item and resubmits.
    again = Walk(page, folder, "officer-again")
    again.login(base, "canbo.pleikan")
    again.do("dossier", lambda: page.goto(dossier_url))
    expect(page.get_by_test_id("missing-items")).to_contain_text("Biên bản")
    expect(page.get_by_test_id("checklist").locator('[data-status="asked"]')).to_have_count(1)
    again.pdf("Thay bản mới — Biên bản", "Bien ban co chu ky.pdf", PDF_BYTES + b"% signed\n")
    again.do("uploaded", lambda: page.get_by_test_id("upload-all").click())
    expect(page.get_by_test_id("missing-items").locator('[data-supplied="yes"]')).to_have_count(1)
    again.do("resubmitted", lambda: page.get_by_role("button", name="Nộp lại sau bổ sung").click())
    flash(page, "Đã thực hiện: Nộp lại sau bổ sung")
    counts["officer: login → supplemented and resubmitted"] = again.count
    logout(page)

    # Phòng Nội vụ sees what changed since its return, and accepts; the legal clock starts.
    accept = Walk(page, folder, "office-again")
    accept.login(base, "noivu")
    accept.do("dossier", lambda: page.goto(dossier_url))
    expect(page.get_by_test_id("since-return")).to_contain_text("Bien ban co chu ky.pdf")
    accept.do("accepted", lambda: page.get_by_role("button", name="Tiếp nhận hồ sơ").click())
    flash(page, "Đã thực hiện: Tiếp nhận hồ sơ")
    expect(page.get_by_test_id("due-on")).to_be_visible()
    counts["office: login → accepted"] = accept.count

    page.get_by_role("link", name="Lịch sử xử lý").click()
    timeline = page.get_by_test_id("timeline")
    for step in ("Tạo hồ sơ", "Trình Thủ trưởng ký", "Ký và nộp Phòng Nội vụ", "Trả lại để bổ sung", "Tiếp nhận hồ sơ"):
        expect(timeline).to_contain_text(step)
    expect(timeline).to_contain_text("Biên bản chưa có chữ ký thư ký.")

    report = artifacts / f"action-counts-{db.engine.dialect.name}.json"
    report.write_text(json.dumps(counts, ensure_ascii=False, indent=2), encoding="utf-8")
    assert counts["officer: login → sent to the unit head"] <= OFFICER_TARGET, counts


def test_a_file_over_the_limit_is_refused_in_the_browser_before_it_is_sent(
    make_dossier, live_server, page: Page, monkeypatch
):
    """The page hands the server's limit (20 MB) to the browser; lowered to 1 MB here so the test need not push 20 MB
    through the browser."""
    monkeypatch.setattr("web.presenters.MAX_BYTES", 1024 * 1024)
    dossier = make_dossier(complete=False)
    Walk(page, None, "officer").login(live_server, "canbo.pleikan")
    page.goto(f"{live_server}/dossiers/{dossier.id}")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    big = {"name": "Bien ban.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES + b"0" * (1024 * 1024)}
    page.get_by_label(re.compile("^Chọn tệp — Biên bản")).set_input_files(big)
    expect(page.locator(".size-error")).to_have_text(
        "Tệp Bien ban.pdf lớn hơn 20 MB: hãy nén hoặc chia nhỏ rồi chọn lại."
    )
    page.get_by_test_id("upload-all").click()
    expect(page).to_have_url(f"{live_server}/dossiers/{dossier.id}")
    assert posts == []
