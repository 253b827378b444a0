"""The review page of a movement: the office sees the counts and downloads them, a unit is refused, a year outside
the movement is a clear 422, and the final review's button invites the units once."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import Movement, MovementRegistration, OutboxMessage, Unit, db
from tests.conftest import csrf_token_from
from workflow.movements.review import ROUND_TOPIC


@pytest.fixture
def movement(demo):
    pleikan = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    m = Movement(authority_id=pleikan.authority_id, name="Phong trào thi đua yêu nước 2020–2025",
                 period_start=date(2020, 1, 1), period_end=date(2025, 12, 31), contents=[])
    db.session.add(m)
    db.session.flush()
    for year in (2021, 2022):
        db.session.add(MovementRegistration(movement_id=m.id, unit_id=pleikan.id, year=year))
    db.session.commit()
    return m


def test_the_office_sees_and_downloads_the_review(client, auth, movement):
    auth.login("noivu")
    page = client.get(f"/movements/{movement.id}/review?year=2021")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tổng kết phong trào" in html and "Thị trấn Plei Kần" in html
    book = client.get(f"/movements/{movement.id}/review.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    column = [c.value for c in sheet[2]].index("Đăng ký thi đua") + 1
    values = [sheet.cell(r, column).value for r in range(3, sheet.max_row + 1)]
    assert sum(v for v in values if isinstance(v, int)) == 2
    assert client.get(f"/movements/{movement.id}/review.pdf").data.startswith(b"%PDF")
    assert client.get(f"/movements/{movement.id}/review?year=2019").status_code == 422


def test_a_unit_cannot_see_the_review(client, auth, movement):
    auth.login("canbo.pleikan")
    assert client.get(f"/movements/{movement.id}/review").status_code == 403


def test_the_round_button_invites_once(client, auth, movement):
    auth.login("noivu")
    html = client.get(f"/movements/{movement.id}/review").get_data(as_text=True)
    assert "Mở đợt khen thưởng tổng kết" in html
    token = csrf_token_from(html)
    answer = client.post(f"/movements/{movement.id}/review/round", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã mời" in answer.get_data(as_text=True)
    again = client.post(f"/movements/{movement.id}/review/round", data={"csrf_token": token}, follow_redirects=True)
    assert "đã được mở" in again.get_data(as_text=True)
    units = db.session.scalar(select(func.count(Unit.id)).where(Unit.authority_id == movement.authority_id))
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.topic == ROUND_TOPIC)) == units
