"""Inspections (kiểm tra, đôn đốc): a council member of the movement's authority records one, the inspected unit
answers it, and nobody else may do either."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Movement, Unit, db
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.movements import inspections as service
from workflow.movements.inspections import FollowUp


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


@pytest.fixture
def movement(demo):
    m = Movement(
        authority_id=unit("TT-PLEIKAN").authority_id, name="Phong trào thi đua yêu nước 2020–2025",
        period_start=date(2020, 1, 1), period_end=date(2025, 12, 31), contents=["Phát triển kinh tế"],
    )
    db.session.add(m)
    db.session.commit()
    return m


def record(movement, actor, **changes):
    data = dict(
        unit_id=unit("TT-PLEIKAN").id, inspected_on=date(2025, 5, 20), inspector_ids=[], findings="Chưa lập kế hoạch",
        follow_ups=[FollowUp("Nộp kế hoạch thi đua năm 2025", date(2025, 7, 1))],
    )
    data.update(changes)
    return service.record_inspection(db.session, movement, actor=actor, **data)


def test_a_council_member_records_and_the_unit_answers(movement, user):
    member, other = user("uyvien1"), user("uyvien2")
    inspection = record(movement, member, inspector_ids=[other.id])
    db.session.commit()
    assert {u.username for u in inspection.inspectors} == {"uyvien1", "uyvien2"}
    assert inspection.follow_ups == [{"item": "Nộp kế hoạch thi đua năm 2025", "due_on": "2025-07-01"}]
    assert inspection.answered_at is None

    service.answer_inspection(db.session, inspection, actor=user("canbo.pleikan"), answer="Đã nộp kế hoạch ngày 25/6")
    db.session.commit()
    assert inspection.answer == "Đã nộp kế hoạch ngày 25/6" and inspection.answered_at is not None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "inspection").order_by(AuditEntry.id)
    ).all()
    assert actions == ["record", "answer"]
    # Answered once: a second answer is refused.
    with pytest.raises(PermissionDenied):
        service.answer_inspection(db.session, inspection, actor=user("truong.pleikan"), answer="Bổ sung")


def test_a_unit_cannot_record_and_another_unit_cannot_answer(movement, user):
    with pytest.raises(PermissionDenied):
        record(movement, user("canbo.pleikan"))
    with pytest.raises(PermissionDenied):
        record(movement, user("noivu"))
    inspection = record(movement, user("uyvien1"))
    with pytest.raises(PermissionDenied):
        service.answer_inspection(db.session, inspection, actor=user("canbo.dakxu"), answer="Không phải đơn vị tôi")
    assert inspection.answer is None


def test_the_unit_sees_only_its_own_inspections_the_office_all(movement, user):
    record(movement, user("uyvien1"))
    record(movement, user("uyvien1"), unit_id=unit("XA-DAKXU").id)
    assert len(service.inspections(db.session, movement, user("noivu"))) == 2
    mine = service.inspections(db.session, movement, user("canbo.dakxu"))
    assert [i.unit.code for i in mine] == ["XA-DAKXU"]


def test_bad_input_names_every_field(movement, user):
    with pytest.raises(InvalidInput) as error:
        record(
            movement, user("uyvien1"), unit_id=None, inspected_on=date(2025, 7, 1), inspector_ids=[user("noivu").id],
            findings=" ", follow_ups=[FollowUp("Khắc phục", None)],
        )
    assert set(error.value.errors) == {"unit_id", "inspected_on", "inspector_ids", "findings", "follow_ups"}


def test_a_unit_that_has_ended_is_not_inspected(movement, user):
    # Thanh tra huyện is made to end on 31/05/2025: inspected before that day, not after.
    ended = unit("THANHTRA")
    db.session.execute(Unit.__table__.update().where(Unit.id == ended.id).values(valid_to=date(2025, 5, 31)))
    db.session.commit()
    with pytest.raises(InvalidInput) as error:
        record(movement, user("uyvien1"), unit_id=ended.id, inspected_on=date(2025, 6, 2))
    assert set(error.value.errors) == {"unit_id"}
    assert ended.id not in {u.id for u in service.units_of(db.session, movement, date(2025, 6, 2))}
    assert ended.id in {u.id for u in service.units_of(db.session, movement, date(2025, 5, 20))}
    assert record(movement, user("uyvien1"), unit_id=ended.id, inspected_on=date(2025, 5, 20)).unit_id == ended.id
