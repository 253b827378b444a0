"""The public decisions through the API: no token, the same fields as the page /quyet-dinh, nothing private (the
awardee below has a national ID and a date of birth on record), and no draft or decision awaiting signature."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from models import Nominee, db
from tests.decision_helpers import awaiting_decision, awaiting_signature, district
from tests.unit.test_minutes_pdf import pdf_text
from workflow.decisions import drafting, signing

LIST = "/api/v1/public/decisions"
NATIONAL_ID, BORN = "062085001234", date(1985, 3, 14)


def _signed(user, name: str):
    decision = awaiting_signature(user, awaiting_decision(names=(name,)))
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    return decision


@pytest.fixture
def decisions(demo, user):
    """Signed 1/QĐ-UBND (Nguyễn Văn An, with a national ID and a birth date) then 2/QĐ-UBND (Phạm Thị Dung), both
    on 16/06/2025; one awaiting signature (Trần Thị Bình) and a draft (Lê Văn Cường)."""
    first = _signed(user, "Nguyễn Văn An")
    nominee_id = first.items[0].nomination.nominee_id
    db.session.execute(
        update(Nominee).where(Nominee.id == nominee_id).values(national_id=NATIONAL_ID, date_of_birth=BORN)
    )
    db.session.commit()
    second = _signed(user, "Phạm Thị Dung")
    awaiting = awaiting_signature(user, awaiting_decision(names=("Trần Thị Bình",)))
    draft = drafting.draft_decision(
        db.session, district(), awaiting_decision(names=("Lê Văn Cường",)).nominations, user("noivu")
    )
    db.session.commit()
    return first, second, awaiting, draft


def test_anyone_lists_the_signed_decisions_newest_first_without_a_token(client, decisions):
    first = decisions[0]
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.get_json()
    assert body["meta"]["total"] == 2 and body["meta"]["page"] == 1
    # Same day: the later number first.
    assert [d["number"] for d in body["items"]] == ["2/QĐ-UBND", "1/QĐ-UBND"]
    item = body["items"][1]
    assert item == {
        "id": first.id,
        "number": "1/QĐ-UBND",
        "signed_on": "2025-06-16",
        "authority": "Ủy ban nhân dân huyện Ngọc Hồi",
        "summary": first.summary,
        "awardees": [{"name": "Nguyễn Văn An", "unit": "Thị trấn Plei Kần", "title": "Lao động tiên tiến"}],
        "pdf_url": f"http://localhost/quyet-dinh/{first.id}/van-ban.pdf",
    }


def test_nothing_private_and_nothing_unsigned_is_in_the_json(client, decisions):
    text = client.get(f"{LIST}?per_page=100").get_data(as_text=True)
    text += client.get(f"{LIST}/{decisions[0].id}").get_data(as_text=True)
    assert NATIONAL_ID not in text and "1985" not in text and "14/03" not in text
    assert "Trần Thị Bình" not in text and "Lê Văn Cường" not in text


def test_the_list_is_paged(client, decisions):
    body = client.get(f"{LIST}?per_page=1&page=2").get_json()
    assert [d["number"] for d in body["items"]] == ["1/QĐ-UBND"]
    assert body["meta"] == {"page": 2, "per_page": 1, "total": 2, "pages": 2}


def test_one_decision_is_what_the_list_shows_and_its_pdf_opens_without_login(client, decisions, tmp_path):
    first = decisions[0]
    one = client.get(f"{LIST}/{first.id}")
    assert one.status_code == 200 and one.get_json() == client.get(LIST).get_json()["items"][1]
    pdf = client.get(one.get_json()["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert "1/QĐ-UBND" in text and "Nguyễn Văn An" in text and NATIONAL_ID not in text


def test_a_draft_or_a_decision_awaiting_signature_is_not_found(client, decisions):
    for decision in decisions[2:]:
        response = client.get(f"{LIST}/{decision.id}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_openapi_document_lists_both_operations_as_needing_no_token(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths[LIST]["get"]["security"] == []
    assert paths[LIST + "/{decision_id}"]["get"]["security"] == []
    properties = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["PublicDecision"]
    assert set(properties["properties"]) == {"id", "number", "signed_on", "authority", "summary", "awardees", "pdf_url"}
