"""A national ID never opens another unit's person to a unit user: the unit's answer is the same whether the number
is new or already someone else's, nothing links the other person to the unit, and the standing office decides.

Scenario from the review: Phan Văn Dũng (Đắk Tô, CCCD 062079004321, CSTĐCS 2023) is typed into a Plei Kần dossier
under another name and birth date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import IdentityMatch, Nomination, Nominee, NomineeYear, Notification, db
from models.base import utcnow
from tests.conftest import AuthActions, csrf_token_from
from workflow.accounts.tokens import issue_token
from workflow.core.errors import GuardFailed
from workflow.dossiers import editing as service
from workflow.notify.dispatcher import dispatch_pending
from workflow.registry import identity

TAKEN_ID = "062079004321"
NEW_ID = "062090001111"


def bearer(user, username: str) -> dict[str, str]:
    token = issue_token(db.session, user(username)).token
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def propose(client, user, dossier_id: int, national_id: str, name: str = "Trần Văn Giả"):
    body = {"kind": "person", "full_name": name, "title_code": "LDTT", "date_of_birth": "1990-01-01",
            "national_id": national_id, "annual_rating": "good", "months_of_service": 12}
    return client.post(f"/api/v1/dossiers/{dossier_id}/nominations", json=body,
                       headers=bearer(user, "canbo.pleikan"))


@pytest.fixture
def plei_kan_dossier(other_authority, user):
    dossier = service.create_dossier(db.session, actor=user("canbo.pleikan"), procedure="regular", year=2024,
                                     title="Đề nghị khen thưởng năm 2024")
    db.session.commit()
    return dossier


def test_a_taken_national_id_answers_exactly_like_a_new_one(plei_kan_dossier, other_authority, client, user):
    taken = propose(client, user, plei_kan_dossier.id, TAKEN_ID).json
    new = propose(client, user, plei_kan_dossier.id, NEW_ID, name="Trần Văn Mới").json
    assert taken["nominee"]["full_name"] == "Trần Văn Giả"  # what the unit typed, not Phan Văn Dũng
    assert taken["nominee"]["date_of_birth"] == "1990-01-01"
    assert set(taken) == set(new) and set(taken["nominee"]) == set(new["nominee"])
    assert taken["nominee"]["id"] != other_authority["people"]["dung"].id


def test_nothing_links_the_other_person_to_the_unit(plei_kan_dossier, other_authority, client, user, app):
    propose(client, user, plei_kan_dossier.id, TAKEN_ID)
    dung = other_authority["people"]["dung"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Nomination).where(Nomination.nominee_id == dung.id)) == 0
    units = set(db.session.scalars(select(NomineeYear.unit_id).where(NomineeYear.nominee_id == dung.id)))
    assert units == {other_authority["commune"].id}
    # … so the officer can neither open nor list the other person's awards.
    officer = app.test_client()
    AuthActions(officer).login("canbo.pleikan")
    assert officer.get(f"/registry/nominees/{dung.id}").status_code == 403
    assert "Phan Văn Dũng" not in officer.get("/registry").get_data(as_text=True)
    listed = client.get("/api/v1/registry", headers=bearer(user, "canbo.pleikan")).json["items"]
    assert all(entry["nominee"]["id"] != dung.id for entry in listed)


def test_the_edit_form_shows_the_number_the_unit_gave(plei_kan_dossier, client, user, app):
    nomination_id = propose(client, user, plei_kan_dossier.id, TAKEN_ID).json["id"]
    officer = app.test_client()
    AuthActions(officer).login("canbo.pleikan")
    assert f'value="{TAKEN_ID}"' in officer.get(f"/nominations/{nomination_id}/edit").get_data(as_text=True)


def test_saving_again_with_the_same_number_reuses_the_provisional_identity(plei_kan_dossier, client, user):
    first = propose(client, user, plei_kan_dossier.id, TAKEN_ID).json
    nomination = db.session.get(Nomination, first["id"])
    data = service.NomineeInput(kind="person", full_name="Trần Văn Giả", title_code="LDTT",
                                date_of_birth=date(1990, 1, 1), national_id=TAKEN_ID, achievement="Sửa lại")
    service.update_nomination(db.session, nomination, actor=user("canbo.pleikan"), data=data)
    db.session.commit()
    assert nomination.nominee_id == first["nominee"]["id"]
    assert db.session.scalar(select(func.count()).select_from(IdentityMatch)) == 1


def test_the_office_confirms_one_person_and_the_nomination_joins_their_history(
    plei_kan_dossier, other_authority, client, user
):
    nomination_id = propose(client, user, plei_kan_dossier.id, TAKEN_ID).json["id"]
    # Ngọc Hồi's office cannot see Đắk Tô's person: only the administrator decides across authorities.
    assert identity.pending_matches(db.session, user("noivu")) == []
    (match,) = identity.pending_matches(db.session, user("admin"))
    identity.confirm_identity(db.session, match, actor=user("admin"))
    db.session.commit()
    dung = other_authority["people"]["dung"]
    assert db.session.get(Nomination, nomination_id).nominee_id == dung.id
    assert db.session.get(Nominee, match.nominee_id).merged_into_id == dung.id
    assert match.state == "confirmed" and match.resolved_at is not None


def test_a_match_inside_the_offices_authority_is_the_offices_to_decide(demo, make_dossier, user, app):
    """A Plei Kần officer types the ID of a Đắk Xú person: both in Ngọc Hồi, so its office decides."""
    dakxu = make_dossier(officer="canbo.dakxu", nominees=(), complete=False)
    service.add_nomination(db.session, dakxu, actor=user("canbo.dakxu"), data=service.NomineeInput(
        kind="person", full_name="Lê Thị Hoa", title_code="LDTT", date_of_birth=date(1988, 8, 8), national_id=NEW_ID))
    pleikan = make_dossier(nominees=(), complete=False)
    service.add_nomination(db.session, pleikan, actor=user("canbo.pleikan"), data=service.NomineeInput(
        kind="person", full_name="Lê Thị Hoa", title_code="LDTT", date_of_birth=date(1988, 8, 8), national_id=NEW_ID))
    db.session.commit()
    office = app.test_client()
    AuthActions(office).login("noivu")
    page = office.get("/registry/matches").get_data(as_text=True)
    assert "Lê Thị Hoa" in page and "Xã Đắk Xú" in page and NEW_ID in page
    match = db.session.scalar(select(IdentityMatch))
    response = office.post(f"/registry/matches/{match.id}/reject_identity",
                           data={"csrf_token": csrf_token_from(page), "version": match.version,
                                 "comment": "Khác người: kiểm tra lại căn cước"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(IdentityMatch, match.id).state == "rejected"
    assert pleikan.nominations[0].nominee.national_id is None
    dispatch_pending(db.session, utcnow())
    told = db.session.scalars(select(Notification).join(Notification.user)).all()
    assert any(n.user.username == "canbo.pleikan" and "Lê Thị Hoa" in n.title for n in told)


def test_a_reason_is_required_to_say_two_people(demo, make_dossier, user):
    dakxu = make_dossier(officer="canbo.dakxu", nominees=(), complete=False)
    facts = dict(kind="person", full_name="Lê Thị Hoa", title_code="LDTT", date_of_birth=date(1988, 8, 8),
                 national_id=NEW_ID)
    service.add_nomination(db.session, dakxu, actor=user("canbo.dakxu"), data=service.NomineeInput(**facts))
    pleikan = make_dossier(nominees=(), complete=False)
    service.add_nomination(db.session, pleikan, actor=user("canbo.pleikan"), data=service.NomineeInput(**facts))
    match = db.session.scalar(select(IdentityMatch))
    with pytest.raises(GuardFailed):
        identity.reject_identity(db.session, match, actor=user("noivu"), comment="  ")


def test_the_same_number_in_the_units_own_people_links_directly(make_dossier, user):
    first = make_dossier(nominees=(), complete=False)
    facts = dict(kind="person", full_name="Lê Thị Hoa", title_code="LDTT", date_of_birth=date(1988, 8, 8),
                 national_id=NEW_ID)
    service.add_nomination(db.session, first, actor=user("canbo.pleikan"), data=service.NomineeInput(**facts))
    second = make_dossier(nominees=(), complete=False, year=2024)
    service.add_nomination(db.session, second, actor=user("canbo.pleikan"), data=service.NomineeInput(**facts))
    assert first.nominations[0].nominee_id == second.nominations[0].nominee_id
    assert db.session.scalar(select(func.count()).select_from(IdentityMatch)) == 0


@pytest.mark.parametrize("national_id", ["٠٦٢٠٧٩٠٠٤٣٢١", "06207900432¹", "06207900432"])
def test_a_national_id_is_twelve_ascii_digits(plei_kan_dossier, client, user, national_id):
    response = propose(client, user, plei_kan_dossier.id, national_id)
    assert response.status_code == 422
    assert "national_id" in response.json["errors"]
