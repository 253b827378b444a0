"""The pages anyone may open without logging in, and the office's pages behind them: state-level nominations open
for public comment (docs/DOMAIN.md §5) with the comment form, the signed decisions and their PDF, and revocation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from models import Dossier, Nomination, Nominee, PublicComment, RegistryEntry, db
from tests.conftest import csrf_token_from
from tests.decision_helpers import awaiting_decision, awaiting_signature, district
from tests.unit.test_minutes_pdf import pdf_text
from workflow.decisions import drafting, signing


@pytest.fixture
def open_for_comment(accepted):
    """An accepted dossier whose first nomination is for the Prime Minister's certificate, accepted on Thursday
    29 August 2024: open for comment up to Monday 16 September 2024 (tests/unit/test_public_comment.py counts it)."""
    dossier = accepted()
    nomination = dossier.nominations[0]
    db.session.execute(
        update(Nomination).where(Nomination.id == nomination.id).values(title_code="BANG_KHEN_TTG", state="eligible")
    )
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(accepted_on=date(2024, 8, 29)))
    db.session.execute(
        update(Nominee)
        .where(Nominee.id == nomination.nominee_id)
        .values(national_id="062085001234", date_of_birth=date(1985, 3, 14))
    )
    db.session.commit()
    return db.session.get(Nomination, nomination.id)


def _send(client, nomination_id: int, **fields):
    page = client.get(f"/cong-khai/{nomination_id}")
    data = {"name": "Lê Văn Dân", "contact": "0905 123 456", "text": "Tôi đồng ý với đề nghị.", **fields}
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/cong-khai/{nomination_id}", data=data, environ_base={"REMOTE_ADDR": "203.0.113.7"})


@pytest.mark.today("2024-09-16")
def test_anyone_sees_the_open_nomination_without_its_private_data(client, open_for_comment):
    html = client.get("/cong-khai").get_data(as_text=True)
    assert open_for_comment.nominee.full_name in html
    assert "Bằng khen của Thủ tướng Chính phủ" in html and "16/09/2024" in html
    # The LĐTT of the same dossier is not a state-level title: it is not listed.
    assert open_for_comment.dossier.nominations[1].nominee.full_name not in html
    page = client.get(f"/cong-khai/{open_for_comment.id}").get_data(as_text=True)
    assert "062085001234" not in page and "14/03/1985" not in page and "1985" not in page


@pytest.mark.today("2024-09-17")
def test_the_page_closes_after_the_period(client, open_for_comment):
    assert open_for_comment.nominee.full_name not in client.get("/cong-khai").get_data(as_text=True)
    assert client.get(f"/cong-khai/{open_for_comment.id}").status_code == 404


@pytest.mark.today("2024-09-16")
def test_a_comment_is_received_then_the_address_is_slowed_down(client, open_for_comment, auth):
    for _ in range(3):
        assert _send(client, open_for_comment.id).status_code == 302
    throttled = _send(client, open_for_comment.id, text="Lần thứ tư")
    assert throttled.status_code == 429 and "Vui lòng gửi lại sau" in throttled.get_data(as_text=True)
    assert db.session.scalar(select(PublicComment).where(PublicComment.text == "Lần thứ tư")) is None
    # The office reads them, with the sender's contact.
    auth.login("noivu")
    office = client.get("/cong-khai/y-kien").get_data(as_text=True)
    assert office.count("Tôi đồng ý với đề nghị.") == 3 and "0905 123 456" in office


@pytest.mark.today("2024-09-16")
def test_an_empty_comment_or_one_without_csrf_is_refused(client, open_for_comment):
    empty = _send(client, open_for_comment.id, name="", text="")
    assert empty.status_code == 422
    body = empty.get_data(as_text=True)
    assert "Vui lòng nhập họ tên." in body and "Vui lòng nhập nội dung ý kiến." in body
    forged = client.post(f"/cong-khai/{open_for_comment.id}", data={"name": "A", "contact": "B", "text": "C"})
    assert forged.status_code in (400, 422)
    assert db.session.scalar(select(PublicComment)) is None


def test_the_public_list_shows_signed_decisions_only_with_what_they_print(client, demo, user):
    signed = awaiting_signature(user, awaiting_decision(names=("Nguyễn Văn An",)))
    signing.sign_decision(db.session, signed, actor=user("chutich"))
    db.session.commit()
    awaiting_signature(user, awaiting_decision(names=("Trần Thị Bình",)))
    html = client.get("/quyet-dinh").get_data(as_text=True)
    assert "1/QĐ-UBND" in html and "Nguyễn Văn An" in html
    assert "Trần Thị Bình" not in html
    page = client.get(f"/quyet-dinh/{signed.id}").get_data(as_text=True)
    assert "16/06/2025" in page and "Thị trấn Plei Kần" in page and "Lao động tiên tiến" in page
    # The decision still awaiting signature has no public page.
    assert client.get(f"/quyet-dinh/{signed.id + 1}").status_code == 404


def test_the_office_proposes_and_the_chairman_signs_a_revocation(client, auth, demo, user):
    decision = awaiting_signature(user, awaiting_decision(names=("Nguyễn Văn An",)))
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    entry = db.session.scalar(select(RegistryEntry).where(RegistryEntry.decision_id == decision.id))
    auth.login("noivu")
    person = client.get(f"/registry/nominees/{entry.nominee_id}").get_data(as_text=True)
    assert "Đề nghị thu hồi khen thưởng" in person
    form = client.get(f"/revocations/nominees/{entry.nominee_id}/new")
    token = csrf_token_from(form.get_data(as_text=True))
    url = f"/revocations/nominees/{entry.nominee_id}/new"
    missing = client.post(url, data={"csrf_token": token, "registry_entry_id": entry.id, "reason_category": ""})
    assert missing.status_code == 422 and "Vui lòng ghi rõ lý do thu hồi." in missing.get_data(as_text=True)
    sent = client.post(
        url,
        data={"csrf_token": token, "registry_entry_id": entry.id, "reason_category": "fraud", "comment": "Khai man"},
    )
    assert sent.status_code == 302
    auth.logout()
    auth.login("chutich")
    listing = client.get("/revocations").get_data(as_text=True)
    assert "Ký quyết định thu hồi" in listing and "710.000" in listing
    proposal_id = int(listing.split("/revocations/")[1].split("/sign")[0])
    signed = client.post(
        f"/revocations/{proposal_id}/sign",
        data={"csrf_token": csrf_token_from(listing), "capacity": "chairman"},
        follow_redirects=True,
    )
    assert "Đã ký quyết định thu hồi số 2/QĐ-UBND" in signed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RegistryEntry, entry.id).revoked_at is not None
    assert db.session.get(Nomination, entry.nomination_id).state == "revoked"


def test_the_public_page_links_the_signed_decision_as_a_pdf_shown_in_the_browser(client, demo, user, tmp_path):
    """Anyone reads the decision's text itself, not only the page's summary of it: inline, so the browser shows it."""
    signed = awaiting_signature(user, awaiting_decision(names=("Nguyễn Văn An",)))
    signing.sign_decision(db.session, signed, actor=user("chutich"))
    db.session.commit()
    page = client.get(f"/quyet-dinh/{signed.id}").get_data(as_text=True)
    assert "Xem văn bản (PDF)" in page and f'href="/quyet-dinh/{signed.id}/van-ban.pdf"' in page
    pdf = client.get(f"/quyet-dinh/{signed.id}/van-ban.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    text = pdf_text(pdf.data, tmp_path)
    assert "1/QĐ-UBND" in text and "Nguyễn Văn An" in text


def test_a_draft_or_a_decision_awaiting_signature_has_neither_page_nor_pdf(client, demo, user):
    """Before signing the text may still change and has no number: nothing of it is public."""
    awaiting = awaiting_signature(user, awaiting_decision(names=("Trần Thị Bình",)))
    draft = drafting.draft_decision(
        db.session, district(), awaiting_decision(names=("Lê Văn Cường",)).nominations, user("noivu")
    )
    db.session.commit()
    for decision in (awaiting, draft):
        assert client.get(f"/quyet-dinh/{decision.id}").status_code == 404
        assert client.get(f"/quyet-dinh/{decision.id}/van-ban.pdf").status_code == 404
