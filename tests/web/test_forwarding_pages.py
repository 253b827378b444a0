"""The office's forwarding page: a CSTĐ tỉnh approved by the council goes up from the list, and the province's
answer typed into its form lands in the registry."""

from __future__ import annotations

from sqlalchemy import select

from models import RegistryEntry, db
from tests.conftest import AuthActions, csrf_token_from
from tests.decision_helpers import awaiting_decision
from tests.forwarding_helpers import forwardable


def test_the_office_forwards_from_the_list_and_records_the_answer(demo, client):
    dossier = forwardable()
    nomination = dossier.nominations[0]
    AuthActions(client).login("noivu")
    page = client.get("/forwarding/").get_data(as_text=True)
    assert "Lò Thị Hoa" in page and "Chiến sĩ thi đua cấp tỉnh" in page
    download = client.get(f"/forwarding/package.zip?n={nomination.id}")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    token = csrf_token_from(page)
    sent = client.post("/forwarding/send", data={"csrf_token": token, "n": nomination.id}, follow_redirects=True)
    assert "Đã trình cấp trên" in sent.get_data(as_text=True)
    db.session.expire_all()
    assert dossier.state == "forwarded"
    refused = client.post(
        f"/forwarding/nominations/{nomination.id}/answer",
        data={"csrf_token": token, "outcome": "declined", "decision_number": "56/UBND-TĐKT",
              "decision_date": "2025-06-12", "deciding_authority": "UBND tỉnh Kon Tum"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Cần chọn lý do cấp trên không khen thưởng" in refused.get_data(as_text=True)
    client.post(
        f"/forwarding/nominations/{nomination.id}/answer",
        data={"csrf_token": token, "outcome": "awarded", "decision_number": "1234/QĐ-UBND",
              "decision_date": "2025-06-12", "deciding_authority": "Ủy ban nhân dân tỉnh Kon Tum"},
    )  # fmt: skip
    entry = db.session.scalar(select(RegistryEntry).where(RegistryEntry.nomination_id == nomination.id))
    assert entry.decision_number == "1234/QĐ-UBND"
    db.session.expire_all()
    assert dossier.state == "closed"


def test_the_office_finds_the_page_from_the_menu_and_from_the_dossier(demo, client):
    dossier = forwardable()
    plain = awaiting_decision(names=("Nguyễn Văn An",), title="LDTT")  # the district decides a LĐTT itself
    AuthActions(client).login("noivu")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/forwarding/">Trình cấp trên</a>' in home
    assert 'data-testid="to-forwarding"' in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'data-testid="to-forwarding"' not in client.get(f"/dossiers/{plain.id}").get_data(as_text=True)


def test_a_unit_officer_sees_no_way_to_the_page(demo, client):
    dossier = forwardable()
    AuthActions(client).login("canbo.pleikan")
    assert "Trình cấp trên" not in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
