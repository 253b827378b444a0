"""A decision from drafting to certificates, in Chromium, on the demo data: the office picks the approved nominations
of the dossiers the council passed on 10 June 2025 (the demo's first session), drafts the decision and sends it for
signature; the chairman, on a phone, signs it as chairman and it gets the year's first number; the office downloads
an awardee's certificate, whose text names the awardee and the decision. Each page is also looked at on a desktop
(1280 px) and a phone (390 px) width, where nothing may run off the side of the page."""

import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from models import Decision, Dossier, Nomination, db
from models.dossier import DossierState, NominationState
from tests.e2e.test_council_vote import login

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390)


@pytest.fixture
def waiting(demo_story):
    """The demo, and the approved nominations of its dossiers awaiting the district's decision: the demo's first
    council session (workflow/demo/council.py) brings them there through the services (appraisal, scheduling,
    attendance, polls, votes, results), so no setup of this test's own is needed."""
    nominations = list(
        db.session.scalars(
            select(Nomination)
            .join(Dossier)
            .where(Dossier.state == DossierState.AWAITING_DECISION, Nomination.state == NominationState.APPROVED)
            .order_by(Nomination.id)
        )
    )
    assert nominations, "the demo's first council session should leave approved nominations awaiting a decision"
    return nominations


# The demo's chairman already signed 1/QĐ-UBND of 2025 on 12 June (workflow/demo/decisions.py): this one is the
# register's second of the year.
NUMBER = "2/QĐ-UBND"


def look(page: Page, artifacts, name: str) -> None:
    """The page at each width: a screenshot kept, and no horizontal scroll of the page itself (wide tables scroll
    inside their own box)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"decision-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_office_drafts_the_chairman_signs_and_a_certificate_downloads(
    waiting, live_server, browser: Browser, artifacts, tmp_path
):
    base = live_server
    office = login(browser, base, "noivu")
    office.get_by_role("link", name="Quyết định", exact=True).click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Quyết định khen thưởng")
    look(office, artifacts, "list-empty")
    office.get_by_role("link", name="Soạn quyết định").click()
    look(office, artifacts, "new")
    form = office.get_by_test_id("draft-form")
    for nomination in waiting:
        form.get_by_label(nomination.nominee.full_name, exact=True).check()
    form.get_by_role("button", name="Soạn dự thảo").click()
    expect(office.get_by_role("alert").filter(has_text="Đã soạn dự thảo quyết định")).to_be_visible()
    expect(office.get_by_test_id("decision-state")).to_have_text("Dự thảo")
    preview = office.get_by_test_id("decision-preview")
    for nomination in waiting:
        expect(preview).to_contain_text(nomination.nominee.full_name)
    expect(preview.get_by_test_id("number-line")).to_have_text("Số: …… /QĐ-UBND")
    look(office, artifacts, "draft")

    office.get_by_test_id("edit-link").click()
    look(office, artifacts, "edit")
    office.get_by_label("Nơi nhận (mỗi dòng một)").fill("Như Điều 2\nChủ tịch, các PCT UBND huyện\nLưu: VT, NV")
    office.get_by_role("button", name="Lưu dự thảo").click()
    expect(office.get_by_role("alert").filter(has_text="Đã lưu dự thảo")).to_be_visible()
    expect(preview).to_contain_text("- Chủ tịch, các PCT UBND huyện;")

    office.locator("summary", has_text="Trình ký quyết định").click()
    office.get_by_role("button", name="Trình ký quyết định").click()
    expect(office.get_by_test_id("decision-state")).to_have_text("Chờ ký")

    chairman = login(browser, base, "chutich", 390)
    chairman.goto(f"{base}/decisions")
    chairman.get_by_role("link", name="Dự thảo #").first.click()
    chairman.locator("summary", has_text="Ký quyết định").click()
    chairman.get_by_label("Ký với tư cách").select_option("chairman")
    look(chairman, artifacts, "awaiting-signature")
    chairman.get_by_role("button", name="Ký quyết định").click()
    expect(chairman.get_by_role("alert").filter(has_text=f"Đã ký quyết định số {NUMBER}")).to_be_visible()
    expect(chairman.get_by_test_id("decision-state")).to_have_text("Đã ký")
    expect(chairman.get_by_test_id("number-line")).to_have_text(f"Số: {NUMBER}")
    expect(chairman.get_by_test_id("decision-preview")).to_contain_text("TM. ỦY BAN NHÂN DÂN")

    db.session.expire_all()
    decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert (decision.state, decision.number_text, decision.signer_capacity) == ("signed", NUMBER, "chairman")
    first = decision.items[0].nomination.nominee.full_name

    office.reload()
    look(office, artifacts, "signed")
    with office.expect_download() as download:
        office.get_by_test_id("certificate-1").click()
    pdf = tmp_path / "giay-khen.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "giay-khen-2-2025-1.pdf"
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert first in text and f"Quyết định số {NUMBER}" in text

    office.get_by_role("link", name="Quyết định", exact=True).click()
    look(office, artifacts, "list")
