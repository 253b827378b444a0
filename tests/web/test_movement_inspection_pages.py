"""Inspection pages (kiểm tra, đôn đốc phong trào, Nghị định 98/2023 Điều 4): a council member records an inspection
of a unit with its findings and follow-ups; the unit reads it and answers once; the office and the council read
every inspection of the movement, another unit none of Plei Kần's. Bad input comes back beside its fields with
nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Inspection, Unit, db
from tests.conftest import AuthActions, csrf_token_from
from tests.workflow_helpers import launched_movement


@pytest.fixture
def movement(demo, user):
    row = launched_movement(
        user("noivu").unit.authority_id, "Phong trào thi đua “Dân vận khéo”", ["Dân vận chính quyền"]
    )
    db.session.commit()
    return row


@pytest.fixture
def browser(app):
    def login(username: str):
        client = app.test_client()
        AuthActions(client).login(username)
        return client

    return login


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def post(client, url: str, data: dict, page: str):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def plei_kan() -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))


def inspections_of(movement) -> int:
    return db.session.scalar(select(func.count()).where(Inspection.movement_id == movement.id))


def test_a_member_records_the_unit_answers_once_and_the_office_and_council_read_it(movement, browser, user):
    member = browser("uyvien2")
    new = f"/movements/{movement.id}/inspections/new"
    form = text_of(member.get(new))
    assert "Thị trấn Plei Kần" in form and "Đinh Văn Long" in form  # uyvien1 may go along; the recorder always does
    response = post(member, new, {
        "unit_id": str(plei_kan().id), "inspected_on": "2025-06-10", "inspector_ids": str(user("uyvien1").id),
        "findings": "Chưa lập kế hoạch thi đua năm 2025", "item_0": "Nộp kế hoạch thi đua năm 2025",
        "due_0": "2025-07-01",
    }, new)  # fmt: skip
    assert response.status_code == 302
    page = text_of(member.get(response.headers["Location"]))
    assert "Đã ghi biên bản kiểm tra" in page
    assert "Thị trấn Plei Kần · 10/06/2025" in page
    assert "Y Hoa" in page and "Đinh Văn Long" in page
    assert "Nộp kế hoạch thi đua năm 2025 – hạn 01/07/2025" in page

    index = f"/movements/{movement.id}/inspections"
    for reader in ("noivu", "thuky", "chutich", "uyvien3", "truong.pleikan"):
        assert "Chưa lập kế hoạch thi đua năm 2025" in text_of(browser(reader).get(index)), reader
    assert "Chưa có cuộc kiểm tra nào." in text_of(browser("canbo.dakxu").get(index))
    # Only the inspected unit is offered the answer box.
    assert 'data-testid="answer-form"' not in browser("noivu").get(index).get_data(as_text=True)

    unit = browser("canbo.pleikan")
    assert 'data-testid="answer-form"' in unit.get(index).get_data(as_text=True)
    inspection = db.session.scalar(select(Inspection).where(Inspection.movement_id == movement.id))
    answer = f"/inspections/{inspection.id}/answer"
    response = post(unit, answer, {"answer": "Đã nộp kế hoạch ngày 25/6"}, index)
    assert response.status_code == 302
    page = unit.get(index)
    assert "Đã nộp kế hoạch ngày 25/6" in text_of(page) and 'data-testid="answer-form"' not in page.get_data(
        as_text=True
    )
    assert "Đã nộp kế hoạch ngày 25/6" in text_of(browser("noivu").get(index))
    # Answered once: the head cannot answer again.
    head = browser("truong.pleikan")
    assert post(head, answer, {"answer": "Bổ sung"}, index).status_code == 403
    db.session.refresh(inspection)
    assert inspection.answer == "Đã nộp kế hoạch ngày 25/6"


def test_a_bad_inspection_comes_back_with_every_error_and_nothing_written(movement, browser):
    member = browser("uyvien2")
    new = f"/movements/{movement.id}/inspections/new"
    response = post(member, new, {"unit_id": "", "inspected_on": "", "findings": " ", "item_0": "Nộp kế hoạch"}, new)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="unit_id-error">Vui lòng chọn một đơn vị', html)
    assert re.search(r'id="inspected_on-error">Vui lòng nhập ngày kiểm tra\.', html)
    assert re.search(r'id="findings-error">Vui lòng ghi kết quả kiểm tra\.', html)
    assert "Mỗi việc cần khắc phục cần một hạn không sớm hơn ngày kiểm tra." in text_of(response)
    assert 'value="Nộp kế hoạch"' in html  # what was typed stays
    # A day after the suite's day (16 June 2025) is not an inspection that happened.
    response = post(member, new, {"unit_id": str(plei_kan().id), "inspected_on": "2025-06-17", "findings": "Tốt"}, new)
    assert response.status_code == 422
    assert re.search(r'id="inspected_on-error">Ngày kiểm tra phải từ ngày bắt đầu phong trào \(01/01/2020\)',
                     response.get_data(as_text=True))  # fmt: skip
    assert inspections_of(movement) == 0


def test_an_empty_answer_is_refused_beside_the_box(movement, browser, user):
    from workflow.movements.inspections import record_inspection

    inspection = record_inspection(
        db.session, movement, actor=user("uyvien1"), unit_id=plei_kan().id, inspected_on=date(2025, 6, 2),
        inspector_ids=[], findings="Hồ sơ đầy đủ", follow_ups=[],
    )  # fmt: skip
    db.session.commit()
    unit = browser("canbo.pleikan")
    index = f"/movements/{movement.id}/inspections"
    response = post(unit, f"/inspections/{inspection.id}/answer", {"answer": "  "}, index)
    assert response.status_code == 422
    assert re.search(
        rf'id="i{inspection.id}-answer-error">Vui lòng nhập nội dung trả lời\.', response.get_data(as_text=True)
    )
    db.session.refresh(inspection)
    assert inspection.answered_at is None


def test_only_council_members_record(movement, browser):
    new = f"/movements/{movement.id}/inspections/new"
    for username in ("noivu", "thuky", "canbo.pleikan"):
        assert browser(username).get(new).status_code == 403, username
    assert 'data-testid="new-inspection"' not in browser("noivu").get(f"/movements/{movement.id}/inspections").get_data(
        as_text=True
    )
