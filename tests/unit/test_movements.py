"""Movements: the office of the launching authority drafts the plan (every problem at once), launches it through
the engine (a plan without contents or targets is refused, naming what is missing) and every unit of the authority
hears of it once; the demo's 2020–2025 movement carries its whole plan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Movement, OutboxMessage, Role, Unit, User, UserRole, db
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflow.movements import plans, transitions
from workflow.notify.audiences import recipients

PLAN = plans.Plan(
    name="Phong trào thi đua “Chuyển đổi số” năm 2025",
    period_start=date(2025, 1, 1),
    period_end=date(2025, 12, 31),
    purposes=["Đẩy mạnh chuyển đổi số"],
    contents=[{"title": "Dịch vụ công trực tuyến", "targets": ["80% hồ sơ nộp trực tuyến"]}],
    organisation=[{"who": "Phòng Nội vụ", "what": "Theo dõi, tổng hợp", "when": "Hằng quý"}],
    clusters=[{"name": "Khối xã", "units": ["Thị trấn Plei Kần", "Xã Đắk Xú"]}],
)


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def draft(plan: plans.Plan = PLAN) -> Movement:
    movement = plans.create_movement(db.session, actor=user("noivu"), plan=plan)
    db.session.commit()
    return movement


def test_the_office_drafts_a_plan_with_numbered_keyed_contents_and_clusters(demo):
    movement = draft()
    assert movement.state == "draft"
    item = {"key": "c1", "title": "Dịch vụ công trực tuyến", "targets": ["80% hồ sơ nộp trực tuyến"]}
    assert movement.contents == [item]
    assert [name for name, _ in plans.cluster_units(db.session, movement)] == ["Khối xã"]
    assert plans.cluster_units(db.session, movement)[0][1] == ["Thị trấn Plei Kần", "Xã Đắk Xú"]


def test_every_problem_of_a_plan_is_reported_at_once(demo):
    bad = plans.Plan(
        name="", period_start=date(2025, 6, 1), period_end=date(2025, 1, 1),
        contents=[{"title": "", "targets": []}], organisation=[{"who": "", "what": "x"}],
        clusters=[{"name": "Khối A", "units": ["Không có đơn vị này"]}],
    )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        plans.create_movement(db.session, actor=user("noivu"), plan=bad)
    assert set(caught.value.errors) == {"name", "period_end", "contents", "organisation", "clusters"}
    assert "Không có đơn vị này" in caught.value.errors["clusters"][0]


def test_a_unit_officer_cannot_draft_a_movement(demo):
    with pytest.raises(PermissionDenied):
        plans.create_movement(db.session, actor=user("canbo.pleikan"), plan=PLAN)


def test_an_item_keeps_its_key_when_the_plan_is_edited_and_a_new_one_gets_the_next(demo):
    movement = draft()
    edited = plans.Plan(**{**PLAN.__dict__, "contents": [
        {"title": "An toàn giao thông", "targets": ["Giảm 5% số vụ tai nạn"]},
        {"title": "Dịch vụ công trực tuyến", "targets": ["90% hồ sơ nộp trực tuyến"]},
    ]})  # fmt: skip
    plans.update_movement(db.session, movement, actor=user("noivu"), plan=edited)
    assert [(item["key"], item["title"]) for item in movement.contents] == [
        ("c2", "An toàn giao thông"), ("c1", "Dịch vụ công trực tuyến"),
    ]  # fmt: skip


def test_a_plan_without_contents_cannot_be_launched_and_the_message_says_so(demo):
    movement = draft(plans.Plan(**{**PLAN.__dict__, "contents": []}))
    with pytest.raises(GuardFailed) as caught:
        transitions.launch(db.session, movement, actor=user("noivu"))
    assert any("chưa có nội dung thi đua" in failure for failure in caught.value.failures)


def test_a_content_without_targets_cannot_be_launched(demo):
    movement = draft(plans.Plan(**{**PLAN.__dict__, "contents": [{"title": "A", "targets": ["x"]}, {"title": "B"}]}))
    with pytest.raises(GuardFailed) as caught:
        transitions.launch(db.session, movement, actor=user("noivu"))
    assert caught.value.failures == ["Nội dung 2 chưa có chỉ tiêu, tiêu chí."]


@pytest.mark.parametrize("username", ["canbo.pleikan", "truong.pleikan", "chutich", "vanphong.xa", "admin"])
def test_only_the_office_of_the_launching_authority_launches(demo, username):
    movement = draft()
    with pytest.raises(PermissionDenied):
        transitions.launch(db.session, movement, actor=user(username))


def test_launching_writes_one_event_that_reaches_each_unit_officer_and_head_once(demo):
    movement = draft()
    transitions.launch(db.session, movement, actor=user("noivu"))
    db.session.commit()
    assert (movement.state, movement.launched_on) == ("launched", date(2025, 6, 16))
    events = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "movement.launched")).all()
    assert len(events) == 1
    told = recipients(db.session, events[0].payload["audiences"], events[0].payload)
    # By hand: the officers and heads whose unit belongs to UBND huyện Ngọc Hồi.
    expected = db.session.scalars(
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Unit, Unit.id == User.unit_id)
        .where(Unit.authority_id == movement.authority_id, UserRole.role.in_((Role.UNIT_OFFICER, Role.UNIT_HEAD)))
        .distinct()
    ).all()
    assert sorted(u.username for u in told) == sorted(expected)
    assert {"canbo.pleikan", "truong.pleikan", "canbo.dakxu", "truong.dakxu", "canbo.pgddt", "truong.pgddt",
            "truong.noivu"} == set(expected)  # fmt: skip
    assert "canbo.vhxh" not in expected  # the successor commune's officer works for another authority


def test_a_launched_plan_is_closed_by_the_office_and_cannot_be_edited_or_launched_again(demo):
    movement = draft()
    transitions.launch(db.session, movement, actor=user("noivu"))
    with pytest.raises(InvalidInput):
        plans.update_movement(db.session, movement, actor=user("noivu"), plan=PLAN)
    with pytest.raises(TransitionNotAllowed):
        transitions.launch(db.session, movement, actor=user("noivu"))
    transitions.close(db.session, movement, actor=user("noivu"), comment="Đã tổng kết")
    db.session.commit()
    assert (movement.state, movement.closed_on) == ("closed", date(2025, 6, 16))
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "movement", AuditEntry.entity_id == movement.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["movement_created", "launch", "close"]


def test_the_demo_movement_is_launched_with_six_numbered_contents_each_with_targets(demo):
    movement = db.session.scalar(select(Movement).where(Movement.name.startswith("Phong trào thi đua yêu nước")))
    assert (movement.state, movement.launched_on) == ("launched", date(2020, 3, 1))
    assert [item["key"] for item in movement.contents] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert all(item["targets"] for item in movement.contents)
    assert movement.purposes and movement.requirements and movement.forms and movement.organisation
    clusters = dict(plans.cluster_units(db.session, movement))
    assert "Thị trấn Plei Kần" in clusters["Khối các xã, thị trấn"]
    assert "Phòng Nội vụ" in clusters["Khối các phòng, ban chuyên môn"]
    assert db.session.scalar(select(func.count()).select_from(Movement)) == 1
