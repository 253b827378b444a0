"""A dossier names the movement its achievements came from: offered on the new-dossier form (launched or closed
movements of the unit's own authority), refused with the field named otherwise, shown on the dossier page with a
link, and through the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Authority, Dossier, Movement, db
from models.movement import MovementState
from tests.conftest import csrf_token_from
from workflow.accounts.tokens import issue_token
from workflow.core.errors import InvalidInput
from workflow.dossiers import editing as service

DEMO_MOVEMENT = "Phong trào thi đua yêu nước giai đoạn 2020–2025"


def demo_movement() -> Movement:
    return db.session.scalar(select(Movement).where(Movement.name == DEMO_MOVEMENT))


def other_movement(state: str, *, authority: Authority | None = None) -> Movement:
    movement = Movement(
        authority_id=(authority or demo_movement().authority).id, name=f"Phong trào {state}",
        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), state=state,
    )
    db.session.add(movement)
    db.session.commit()
    return movement


def create(user, movement_id, year=2024):
    return service.create_dossier(
        db.session, actor=user("canbo.pleikan"), procedure="regular", year=year, title="Đề nghị khen thưởng",
        movement_id=movement_id,
    )


def test_a_dossier_of_the_movements_authority_names_it(demo, user):
    dossier = create(user, demo_movement().id)
    db.session.commit()
    assert db.session.get(Dossier, dossier.id).movement.name == DEMO_MOVEMENT


@pytest.mark.parametrize("case", ["draft", "other_authority", "unknown"])
def test_a_movement_not_launched_or_of_another_authority_is_refused(demo, user, case):
    if case == "unknown":
        movement_id = 987654
    elif case == "draft":
        movement_id = other_movement(MovementState.DRAFT).id
    else:
        successor = db.session.scalar(select(Authority).where(Authority.name.contains("Plei Kần")))
        movement_id = other_movement(MovementState.LAUNCHED, authority=successor).id
    with pytest.raises(InvalidInput) as refused:
        create(user, movement_id)
    assert "đã phát động" in str(refused.value.errors["movement_id"][0])


@pytest.mark.parametrize("year", [2019, 2026])
def test_an_achievement_year_outside_the_movement_names_its_period(demo, user, year):
    with pytest.raises(InvalidInput) as refused:
        create(user, demo_movement().id, year=year)
    assert str(refused.value.errors["movement_id"][0]) == (
        f"Năm thành tích {year} nằm ngoài thời gian của phong trào (2020–2025)."
    )


def test_the_form_offers_the_movement_and_the_dossier_page_links_it(demo, client, auth):
    auth.login("canbo.pleikan")
    page = client.get("/dossiers/new")
    html = page.get_data(as_text=True)
    movement = demo_movement()
    assert f'<option value="{movement.id}">{DEMO_MOVEMENT}</option>' in html
    response = client.post("/dossiers/new", data={
        "csrf_token": csrf_token_from(html), "procedure": "regular", "year": "2024", "title": "Tổng kết phong trào",
        "movement_id": str(movement.id),
    })
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/movements/{movement.id}" data-testid="dossier-movement">{DEMO_MOVEMENT}</a>' in shown


def test_the_form_preselects_the_movement_named_in_the_link(demo, client, auth):
    auth.login("canbo.pleikan")
    movement = demo_movement()
    html = client.get(f"/dossiers/new?movement={movement.id}").get_data(as_text=True)
    assert f'<option selected value="{movement.id}">' in html


def test_the_api_takes_and_returns_the_movement(demo, client, user):
    headers = {"Authorization": f"Bearer {issue_token(db.session, user('canbo.pleikan')).token}"}
    db.session.commit()
    movement = demo_movement()
    made = client.post("/api/v1/dossiers", headers=headers, json={
        "procedure": "regular", "year": 2024, "title": "Tổng kết", "movement_id": movement.id,
    })
    assert made.status_code == 201 and made.json["movement_id"] == movement.id
    refused = client.post("/api/v1/dossiers", headers=headers, json={
        "procedure": "regular", "year": 2026, "title": "Tổng kết", "movement_id": movement.id,
    })
    assert refused.status_code == 422
    assert "movement_id" in str(refused.json)
