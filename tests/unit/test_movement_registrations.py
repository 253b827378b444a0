"""Unit registrations (đăng ký thi đua, Luật Thi đua, khen thưởng 2022 Điều 8 and Nghị định 98/2023 Điều 4): a unit
of the launching authority registers each year before the deadline; the standing office sees who has not and
reminds them through the outbox, once per unit and day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Movement, OutboxMessage, Unit, db
from tests.workflow_helpers import launched_movement
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.movements import registrations as service
from workflow.movements.contents import content_items
from workflow.movements.registrations import RegistrationInput


@pytest.fixture
def movement(demo, user):
    """A launched movement of the district, as the demo seed would store one, with two content items and a 2025
    registration deadline of 31 March."""
    office = user("noivu")
    row = launched_movement(
        office.unit.authority_id,
        "Phong trào thi đua “Chung sức xây dựng nông thôn mới”",
        ["Phát triển kinh tế", "Xây dựng nông thôn mới"],
    )
    service.set_year(db.session, row, 2025, actor=office, registration_due=date(2025, 3, 31), report_due=None)
    db.session.commit()
    return row


def test_contents_stored_as_strings_are_keyed_by_position(movement):
    assert [(item.key, item.text) for item in content_items(movement)] == [
        ("nd1", "Phát triển kinh tế"),
        ("nd2", "Xây dựng nông thôn mới"),
    ]


@pytest.mark.today("2025-03-31")
def test_a_unit_registers_on_the_last_day_with_its_titles_and_targets(movement, user):
    row = service.register(
        db.session,
        movement,
        RegistrationInput(2025, "TLDXS", {"CSTDCS": 3, "LDTT": 25}, {"nd1": "Thu ngân sách tăng 10%"}),
        actor=user("canbo.pleikan"),
        today=date(2025, 3, 31),
    )
    db.session.commit()
    assert (row.collective_title, row.individual_targets) == ("TLDXS", {"CSTDCS": 3, "LDTT": 25})
    assert row.content_targets == {"nd1": "Thu ngân sách tăng 10%"}


def test_a_title_for_the_wrong_subject_and_an_unknown_content_item_are_refused_together(movement, user):
    with pytest.raises(InvalidInput) as refused:
        service.register(
            db.session, movement, RegistrationInput(2025, "CSTDCS", {"TLDXS": 1}, {"nd9": "x"}),
            actor=user("canbo.pleikan"), today=date(2025, 3, 1),
        )  # fmt: skip
    assert set(refused.value.errors) == {"collective_title", "individual_targets", "content_targets"}


def test_registration_after_the_deadline_is_refused_naming_it(movement, user):
    # The suite's day is 16 June 2025; the 2025 deadline was 31 March 2025.
    with pytest.raises(InvalidInput) as refused:
        service.register(db.session, movement, RegistrationInput(2025), actor=user("canbo.pleikan"),
                         today=date(2025, 6, 16))  # fmt: skip
    assert "31/03/2025" in str(refused.value)
    assert "Đã hết hạn đăng ký thi đua năm 2025" in str(refused.value)
    assert service.registration_of(db.session, movement, user("canbo.pleikan").unit_id, 2025) is None


def test_the_office_cannot_register_and_a_unit_cannot_remind(movement, user):
    with pytest.raises(PermissionDenied):
        service.register(db.session, movement, RegistrationInput(2025), actor=user("noivu"), today=date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        service.remind(db.session, movement, 2025, actor=user("canbo.pleikan"), today=date(2025, 3, 1))


def test_who_has_not_registered_and_a_reminder_once_a_day(movement, user):
    pleikan = user("canbo.pleikan")
    service.register(
        db.session, movement, RegistrationInput(2025, content_targets={"nd2": "Hoàn thành 2 tiêu chí"}),
        actor=pleikan, today=date(2025, 3, 1),
    )  # fmt: skip
    db.session.commit()
    district_units = db.session.scalars(
        select(Unit).where(Unit.authority_id == movement.authority_id, Unit.valid_from <= date(2025, 12, 31))
    ).all()
    missing = service.not_registered(db.session, movement, 2025)
    assert pleikan.unit not in missing
    assert user("canbo.dakxu").unit in missing
    assert len(missing) == len(district_units) - 1

    office = user("noivu")
    first = service.remind(db.session, movement, 2025, actor=office, today=date(2025, 6, 16))
    db.session.commit()
    assert user("canbo.dakxu").unit in first
    dakxu_mail = select(func.count()).where(
        OutboxMessage.topic == "movement.registration_reminder",
        OutboxMessage.recipient.in_([user("canbo.dakxu").email, user("truong.dakxu").email]),
    )
    assert db.session.scalar(dakxu_mail) == 2  # the officer and the head of Đắk Xú
    again = service.remind(db.session, movement, 2025, actor=office, today=date(2025, 6, 16))
    assert again == []
    assert db.session.scalar(dakxu_mail) == 2
    next_day = service.remind(db.session, movement, 2025, actor=office, today=date(2025, 6, 17))
    assert user("canbo.dakxu").unit in next_day
    db.session.flush()
    assert db.session.scalar(dakxu_mail) == 4


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_deadlines_and_reminders_need_a_launched_movement(movement, user, state):
    office = user("noivu")
    db.session.execute(Movement.__table__.update().where(Movement.id == movement.id).values(state=state))
    db.session.expire_all()
    with pytest.raises(InvalidInput) as refused:
        service.set_year(db.session, movement, 2024, actor=office, registration_due=date(2024, 3, 31), report_due=None)
    assert str(refused.value.errors["year"][0]) == "Phong trào chưa phát động hoặc đã kết thúc."
    with pytest.raises(InvalidInput):
        service.remind(db.session, movement, 2025, actor=office, today=date(2025, 3, 1))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
