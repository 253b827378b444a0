"""A collective's member counts on the dossier page: entered with the nomination, shown again in the edit form,
judged by E9, and refused with the field's own error (nothing written) when they do not add up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Nomination, Nominee, NomineeYear, db
from tests.conftest import AuthActions, csrf_token_from
from workflow.dossiers.appraisal import evaluate

COLLECTIVE = {
    "kind": "collective", "full_name": "Tổ Một cửa", "title_code": "TLDXS", "gender": "", "annual_rating": "",
    "discipline_status": "reprimand", "member_count": "10", "members_ldtt": "7", "members_cstdcs": "1",
    "members_completed": "10", "members_disciplined": "1",
}  # fmt: skip


@pytest.fixture
def officer(app, make_dossier):
    client = app.test_client()
    AuthActions(client).login("canbo.pleikan")
    client.dossier = make_dossier(nominees=(), complete=False)
    return client


def post_nomination(client, form: dict):
    page = client.get(f"/dossiers/{client.dossier.id}").get_data(as_text=True)
    return client.post(f"/dossiers/{client.dossier.id}/nominations", data={**form, "csrf_token": csrf_token_from(page)})


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nomination, Nominee, NomineeYear))


def test_the_form_offers_the_member_counts_to_collectives(officer):
    page = officer.get(f"/dossiers/{officer.dossier.id}").get_data(as_text=True)
    for label in ("Tổng số thành viên", "Số đạt LĐTT", "Số đạt CSTĐCS", "Số hoàn thành nhiệm vụ", "Số bị kỷ luật"):
        assert label in page
    assert 'class="col-12 collective-only"' in page and "Mức kỷ luật cao nhất" in page


def test_counts_entered_on_the_page_are_stored_shown_again_and_judged(officer):
    response = post_nomination(officer, COLLECTIVE)
    assert response.status_code == 302
    nomination = db.session.scalar(select(Nomination).where(Nomination.dossier_id == officer.dossier.id))
    facts = nomination.year_facts
    assert (facts.member_count, facts.members_ldtt, facts.members_cstdcs) == (10, 7, 1)
    assert (facts.members_completed, facts.members_disciplined, facts.discipline_status) == (10, 1, "reprimand")
    edit = officer.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    for name, value in (("member_count", 10), ("members_ldtt", 7), ("members_completed", 10)):
        assert f'id="{name}" name="{name}" type="number" value="{value}"' in edit
    judged = evaluate(db.session, nomination, today=date(2025, 6, 16), basis="review")
    e9 = next(f for f in judged.findings if f.rule == "E9")
    assert "1 thành viên bị kỷ luật, cao nhất: khiển trách" in e9.message
    assert "có (10/10 hoàn thành nhiệm vụ)" in e9.message


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"members_ldtt": "11"}, "members_ldtt", "Không được lớn hơn tổng số thành viên (10)."),
        ({"member_count": "-1"}, "member_count", "Số người không được âm."),
        ({"members_completed": "mười"}, "members_completed", "Nhập số người bằng chữ số, ví dụ 12."),
    ],
    ids=["ldtt-over-total", "negative-total", "not-a-number"],
)
def test_bad_counts_on_the_page_are_the_fields_error_and_nothing_is_written(officer, changes, field, message):
    before = counts()
    response = post_nomination(officer, {**COLLECTIVE, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}</div>' in html
    assert counts() == before


def test_the_english_page_names_the_field_error_in_english(officer):
    page = officer.get("/account/language").get_data(as_text=True)
    officer.post("/account/language", data={"language": "en", "csrf_token": csrf_token_from(page)})
    response = post_nomination(officer, {**COLLECTIVE, "members_cstdcs": "12"})
    assert response.status_code == 422
    assert 'id="members_cstdcs-error">Must not exceed the total number of members (10).</div>' in (
        response.get_data(as_text=True)
    )
