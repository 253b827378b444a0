"""The administration page draws each workflow from its definition and lists every transition beneath it."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from workflow.core.machines import DOSSIER, NOMINATION

PAGE = "/admin/workflows"


def diagrams(html: str) -> list[str]:
    return [html_lib.unescape(text) for text in re.findall(r'<pre class="mermaid[^"]*"[^>]*>(.*?)</pre>', html, re.S)]


def test_admin_sees_a_diagram_and_a_table_for_each_workflow(demo, client, auth):
    auth.login("admin")
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    dossier_diagram, nomination_diagram = diagrams(html)
    for workflow, diagram in ((DOSSIER, dossier_diagram), (NOMINATION, nomination_diagram)):
        assert diagram.startswith("stateDiagram-v2\n")
        for trigger, spec in workflow.transitions.items():
            for source in spec.sources:
                assert f"{source} --> {spec.dest}: {spec.label}" in diagram
            assert f'data-trigger="{trigger}"' in html
            assert f"<code>{spec.permission.__name__}</code>" in html
    assert 'state "Chờ Thủ trưởng ký" as awaiting_head' in dossier_diagram
    assert "<code>has_required_documents</code>" in html and "<code>unit_heads</code>" in html
    assert "/static/vendor/mermaid.min.js" in html and "https://" not in html


@pytest.mark.parametrize("username", ["canbo.pleikan", "noivu", "chutich"])
def test_others_are_refused(demo, client, auth, username):
    auth.login(username)
    assert client.get(PAGE).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
