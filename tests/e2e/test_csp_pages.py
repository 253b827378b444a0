"""The pages that run third-party scripts still work in Chromium under the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dossier_walkthrough import login, logout

pytestmark = pytest.mark.e2e

# Playwright's init scripts are not subject to the page's policy; the listener sees every violation from the start.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture
def violations(page: Page):
    """Every CSP violation the page reports, as events and as console errors."""
    console: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)

    def collected() -> list[str]:
        return page.evaluate("window.cspViolations") + console

    return collected


def test_diagrams_api_docs_and_a_dossier_render_without_csp_violations(
    make_dossier, live_server, page: Page, violations, artifacts
):
    dossier = make_dossier()

    login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/workflows")
    expect(page.locator("pre.mermaid svg")).to_have_count(2)
    expect(page.get_by_test_id("workflow-dossier").locator("svg")).to_contain_text("Chờ Thủ trưởng ký")
    page.screenshot(path=str(artifacts / "csp-workflows.png"), full_page=True)
    assert violations() == []

    page.goto(f"{live_server}/api/v1/docs")
    operation = page.locator(".opblock", has_text="/api/v1/dossiers/{dossier_id}/transitions")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.get_by_role("button", name="Try it out")).to_be_visible()
    page.screenshot(path=str(artifacts / "csp-api-docs.png"), full_page=True)
    assert violations() == []

    page.goto(f"{live_server}/admin")
    logout(page)
    login(page, live_server, "canbo.pleikan")
    page.goto(f"{live_server}/dossiers/{dossier.id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator("summary", has_text="Tài liệu khác").click()
    expect(page.locator("#document-file")).to_be_visible()
    assert page.evaluate("htmx.config.allowEval") is False
    page.screenshot(path=str(artifacts / "csp-dossier.png"), full_page=True)
    assert violations() == []
