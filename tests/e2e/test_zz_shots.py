import pytest
from playwright.sync_api import Page
from models import db
from workflow.dossiers import transitions as steps

pytestmark = pytest.mark.e2e

def login(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()

def shot(page, name):
    for w in (1280, 390):
        page.set_viewport_size({"width": w, "height": 900})
        page.screenshot(path=f"/tmp/shots/{name}-{w}.png", full_page=True)
        sw = page.evaluate("document.documentElement.scrollWidth")
        print(name, w, "scrollWidth", sw)

def test_shots(make_dossier, user, live_server, page: Page):
    empty = make_dossier(nominees=(), complete=False)
    partial = make_dossier(complete=False)
    ret = make_dossier()
    steps.submit_to_head(db.session, ret, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, ret, actor=user("truong.pleikan"), sign_off=True)
    steps.return_for_supplement(db.session, ret, actor=user("noivu"), missing_items=["doc:bien_ban_hop_xet"], comment="Thiếu chữ ký")
    db.session.commit()
    login(page, live_server, "canbo.pleikan")
    page.goto(f"{live_server}/dossiers/{empty.id}"); shot(page, "empty")
    page.goto(f"{live_server}/dossiers/{partial.id}"); shot(page, "partial")
    page.goto(f"{live_server}/dossiers/{ret.id}"); shot(page, "returned")
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, live_server, "noivu")
    page.goto(f"{live_server}/dossiers/{partial.id}")
    steps.resubmit(db.session, ret, actor=user("canbo.pleikan"), explanations={"doc:bien_ban_hop_xet": "Đã ký"})
    db.session.commit()
    page.goto(f"{live_server}/dossiers/{ret.id}"); shot(page, "office-resubmitted")
