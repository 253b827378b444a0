"""A user who chose English reads the labels that come from data in English: the workflow buttons and the timeline's
steps (each workflow definition's labels), the award titles and the dossier states, on the dossier, council,
voting, decision, registry, forwarding and home pages; a Vietnamese user still reads Vietnamese. The English is
written out here from config/rulesets/2024-2025.yaml (name_en) and the catalogue, not read from the code, so a
missing or wrong translation fails."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from models import CouncilSession, Decision, Dossier, Unit, db
from tests.conftest import AuthActions
from workflow.core.machines import WORKFLOWS

# name_vi → name_en of the titles the demo uses (config/rulesets/2024-2025.yaml).
LDTT = ("Lao động tiên tiến", "Advanced Worker")
CSTDCS = ("Chiến sĩ thi đua cơ sở", "Grassroots Emulation Fighter")
CSTD_TINH = ("Chiến sĩ thi đua cấp tỉnh", "Provincial Emulation Fighter")


@pytest.fixture
def reader(app, demo_story, user):
    """A logged-in client of a demo user who reads `language`."""

    def login(username: str, language: str = "en"):
        account = user(username)
        account.language = language
        db.session.commit()
        client = app.test_client()
        AuthActions(client).login(username)
        return client

    return login


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def plei_kan_dossier(state: str) -> int:
    """The demo's dossier of Thị trấn Plei Kần in that state (one per state)."""
    return db.session.scalar(
        select(Dossier.id).join(Unit).where(Unit.name == "Thị trấn Plei Kần", Dossier.state == state)
    )


def session_id(title_start: str) -> int:
    return db.session.scalar(select(CouncilSession.id).where(CouncilSession.title.startswith(title_start)))


def test_every_workflow_button_has_an_english_label(app):
    untranslated = []
    with app.test_request_context(), force_locale("en"):
        for name, workflow in WORKFLOWS.items():
            labels = {t.trigger: t.label for t in workflow.transitions.values()}
            untranslated += [f"{name}.{trigger}" for trigger, label in labels.items() if gettext(label) == label]
    assert untranslated == []


def test_the_officer_reads_the_dossier_button_and_titles_in_english(reader):
    client = reader("canbo.pleikan")
    text = page(client, f"/dossiers/{plei_kan_dossier('draft')}")  # three Lao động tiên tiến
    assert "Send to the unit head for signature" in text and "Trình Thủ trưởng ký" not in text
    title = '<span class="nominee-title">{}</span>'
    assert text.count(title.format(LDTT[1])) == 3 and title.format(LDTT[0]) not in text


def test_the_head_reads_the_sign_off_buttons_in_english(reader):
    client = reader("truong.pleikan")
    text = page(client, f"/dossiers/{plei_kan_dossier('awaiting_head')}")
    for english, vietnamese in [
        ("Sign and submit to the Home Affairs Office", "Ký và nộp Phòng Nội vụ"),
        ("Send back to the drafting officer", "Trả lại cán bộ soạn"),
    ]:
        assert english in text and vietnamese not in text


def test_the_timeline_names_each_step_and_state_in_english(reader):
    client = reader("noivu")
    text = page(client, f"/dossiers/{plei_kan_dossier('in_council')}/timeline")
    steps = re.findall(r"<strong>(.*?)</strong>", text)
    for english in [
        "Send to the unit head for signature",
        "Sign and submit to the Home Affairs Office",
        "Accept the dossier",
        "Put before the council",
    ]:
        assert english in steps
    assert "Draft → Awaiting the unit head" in text and "Accepted → In council review" in text
    for vietnamese in ["Trình Thủ trưởng ký", "Tiếp nhận hồ sơ", "Đưa ra Hội đồng", "Đang soạn", "Đã tiếp nhận"]:
        assert vietnamese not in text


def test_the_dossier_list_and_the_office_worklists_show_english_states(reader):
    client = reader("noivu")
    listing = page(client, "/dossiers")
    assert "In council review" in listing and "Awaiting decision" in listing
    home = page(client, "/office")
    assert "Submitted" in home
    for text in (listing, home):
        assert "Đang xét tại Hội đồng" not in text and "Đã nộp" not in text and "Chờ quyết định" not in text


def test_the_agenda_groups_by_english_title_and_the_session_button_is_english(reader):
    client = reader("thuky")
    text = page(client, f"/council/sessions/{session_id('Phiên họp xét khen thưởng đợt 2')}")
    headings = re.findall(r'<div class="card-header fw-semibold">(.*?) <span', text)
    assert sorted(headings) == [LDTT[1], CSTDCS[1]]
    assert "Open the session" in text and "Khai mạc phiên họp" not in text


def test_the_votes_page_names_each_nominee_s_title_in_english(reader):
    client = reader("thuky")
    text = page(client, f"/council/sessions/{session_id('Phiên họp xét khen thưởng đợt 1')}/polls")
    assert f"A Tuấn · {LDTT[1]}</h2>" in text and f"· {LDTT[0]}" not in text


def test_registry_titles_and_the_title_filter_are_english(reader):
    client = reader("noivu")
    text = page(client, "/registry")
    assert f">{LDTT[1]}</option>" in text and f">{CSTD_TINH[1]}</option>" in text
    assert f"<td>{LDTT[1]} <span" in text
    assert f">{LDTT[0]}</option>" not in text and f"<td>{LDTT[0]} <span" not in text


def test_a_vietnamese_reader_keeps_the_vietnamese_names(reader):
    client = reader("noivu", "vi")
    text = page(client, "/registry")
    assert f">{LDTT[0]}</option>" in text and f"<td>{LDTT[0]} <span" in text and LDTT[1] not in text
    timeline = page(client, f"/dossiers/{plei_kan_dossier('in_council')}/timeline")
    assert "Tiếp nhận hồ sơ" in timeline and "Accept the dossier" not in timeline


def test_decision_pages_name_the_titles_in_english(reader):
    client = reader("noivu")
    candidates = page(client, "/decisions/new")  # the approved Lao động tiên tiến awaiting a decision
    assert f"<td>{LDTT[1]} year 2024</td>" in candidates and f"<td>{LDTT[0]}" not in candidates
    decision = db.session.scalar(select(Decision).where(Decision.number == 1))
    public = page(client, f"/quyet-dinh/{decision.id}")
    assert public.count(f"<td>{LDTT[1]}</td>") == 4 and f"<td>{LDTT[0]}</td>" not in public


def test_the_forwarding_page_names_the_provincial_title_in_english(reader):
    client = reader("noivu")
    text = page(client, "/forwarding/")
    assert CSTD_TINH[1] in text and CSTD_TINH[0] not in text.replace("Đề nghị tặng danh hiệu " + CSTD_TINH[0], "")
