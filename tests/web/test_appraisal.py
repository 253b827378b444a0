"""The office's appraisal page: findings with their legal sources, the rule set and route, the registry history,
the money estimate; appraising and accepting a warning from the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from models import Dossier, NomineeYear, RegistryEntry, db
from tests.conftest import csrf_token_from
from workflow.demo.dossiers import seed_demo_dossiers
from workflow.dossiers import transitions as steps


@pytest.fixture
def submitted(make_dossier, user):
    """A 2025 LĐTT dossier of Plei Kần that has reached the standing office (today, under today's rule set)."""

    def make(**facts) -> Dossier:
        dossier = make_dossier(nominees=("Nguyễn Văn An",))
        for record in db.session.scalars(select(NomineeYear)):
            for key, value in facts.items():
                setattr(record, key, value)
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        db.session.commit()
        return dossier

    return make


def page_of(client, nomination_id: int):
    return client.get(f"/nominations/{nomination_id}/appraisal")


def post(client, url: str, **data):
    token = csrf_token_from(client.get(url.rsplit("/", 1)[0] + "/appraisal").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_office_sees_findings_with_legal_sources_for_the_demo_dossiers(client, auth, demo):
    seed_demo_dossiers(db.session, Path(current_app.config["UPLOAD_DIR"]))
    db.session.commit()
    auth.login("noivu")
    at_office = db.session.scalars(select(Dossier).where(Dossier.state.in_(("submitted", "accepted")))).all()
    assert len(at_office) == 6
    for dossier in at_office:
        html = page_of(client, dossier.nominations[0].id).get_data(as_text=True)
        assert dossier.rule_set.code in html
        for rule, source in (("E1", "Điều 24"), ("E2", "Thông tư 01/2024/TT-BNV"), ("E13", "Điều 80")):
            assert f'data-rule="{rule}"' in html and source in html
        # Accepted on 16 June, due 20 working days later, after the district's last day (30 June 2025): it goes up.
        # Not yet accepted, its expected decision day is today, when the district still decides LĐTT.
        route = "Trình cấp trên" if dossier.state == "accepted" else "Quyết định tại cấp này"
        assert route in html
        if dossier.state == "accepted":
            # A commune chairman decides LĐTT (Law 06/2022 Art. 80): the district's successor commune takes it.
            assert "Lao động tiên tiến do Chủ tịch Ủy ban nhân dân xã Plei Kần (minh hoạ) quyết định" in html
        assert "Tiền thưởng dự kiến" in html and "× " in html


def test_unit_users_cannot_open_the_appraisal_page(client, auth, submitted):
    nomination = submitted().nominations[0]
    auth.login("canbo.pleikan")
    assert page_of(client, nomination.id).status_code == 403


def test_the_page_shows_the_nominees_registry_history(client, auth, submitted):
    nomination = submitted().nominations[0]
    db.session.add(
        RegistryEntry(
            nominee_id=nomination.nominee_id,
            title_code="LDTT",
            year=2022,
            decision_number="45/QĐ-UBND",
            decision_date=date(2023, 1, 16),
            deciding_authority="UBND huyện Ngọc Hồi",
        )
    )
    db.session.commit()
    auth.login("noivu")
    html = page_of(client, nomination.id).get_data(as_text=True)
    assert "45/QĐ-UBND · 16/01/2023" in html and "Lao động tiên tiến" in html


def test_office_appraises_from_the_page(client, auth, submitted):
    nomination = submitted().nominations[0]
    auth.login("noivu")
    response = post(client, f"/nominations/{nomination.id}/appraisal", version=nomination.version)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã thẩm định: đủ điều kiện." in html and "Lần thẩm định gần nhất" in html
    db.session.refresh(nomination)
    assert nomination.state == "eligible"


def test_re_appraising_without_a_reason_shows_what_is_missing(client, auth, submitted):
    nomination = submitted().nominations[0]
    auth.login("noivu")
    post(client, f"/nominations/{nomination.id}/appraisal")
    response = post(client, f"/nominations/{nomination.id}/appraisal", comment="")
    assert response.status_code == 422
    assert "Vui lòng ghi rõ lý do." in response.get_data(as_text=True)
    db.session.refresh(nomination)
    assert nomination.state == "eligible"


def test_a_warning_is_accepted_only_with_a_written_reason(client, auth, submitted):
    nomination = submitted(annual_rating=None).nominations[0]
    auth.login("noivu")
    html = page_of(client, nomination.id).get_data(as_text=True)
    assert 'data-rule="E1" data-severity="warn"' in html and "Chấp nhận cảnh báo" in html

    refused = post(client, f"/nominations/{nomination.id}/overrides", rule="E1", reason="  ")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Vui lòng ghi rõ lý do chấp nhận cảnh báo." in body and '<details class="mt-2" open>' in body

    reason = "Đã đối chiếu bản nhận xét cuối năm."
    accepted = post(client, f"/nominations/{nomination.id}/overrides", rule="E1", reason=reason)
    assert accepted.status_code == 302
    html = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert f"Phòng Nội vụ chấp nhận: {reason}" in html
    db.session.refresh(nomination)
    assert nomination.state == "eligible"


def test_a_block_offers_no_override(client, auth, submitted):
    nomination = submitted(months_of_service=2).nominations[0]
    auth.login("noivu")
    html = page_of(client, nomination.id).get_data(as_text=True)
    assert 'data-rule="E2" data-severity="block"' in html and "Chấp nhận cảnh báo" not in html
    refused = post(client, f"/nominations/{nomination.id}/overrides", rule="E2", reason="Xin đặc cách.")
    assert refused.status_code == 422
    assert "Điều kiện E2 không đạt: không thể chấp nhận ngoại lệ." in refused.get_data(as_text=True)


def test_a_draft_shows_the_findings_but_cannot_be_appraised(client, auth, make_dossier):
    nomination = make_dossier().nominations[0]
    auth.login("noivu")
    html = page_of(client, nomination.id).get_data(as_text=True)
    assert 'data-rule="E1"' in html and 'data-testid="appraise-form"' not in html
    assert post(client, f"/nominations/{nomination.id}/appraisal").status_code == 422


def test_council_members_and_the_chairman_cannot_open_the_appraisal_page(client, auth, submitted):
    nomination = submitted().nominations[0]
    for username in ("uyvien1", "chutich"):
        auth.login(username)
        assert page_of(client, nomination.id).status_code == 403
        auth.logout()
