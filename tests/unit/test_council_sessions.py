"""Council sessions through the services: scheduling builds the agenda from eligible nominations and moves each
dossier to in_council (one audit entry and outbox event each), the attendance, the quorum at its boundary
(docs/DOMAIN.md §6: at least two thirds of the voting members, stored as 0.6666), opening and closing through the
engine. Expected values are worked out by hand from DOMAIN §6 and the demo council (8 voting members: the chair,
the standing member and six members; the secretary does not vote)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from models import AgendaItem, Attendance, AuditEntry, Council, CouncilSession, OutboxMessage, Poll, db
from tests.workflow_helpers import audit_and_outbox_counts, table_counts
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflow.council import sessions as service
from workflow.dossiers import transitions as steps
from workflow.notify.audiences import recipients

# 20 June 2025, 08:00 in Vietnam: four days after the suite's day, within the district council's term.
MEETING = datetime(2025, 6, 20, 1, 0, tzinfo=UTC)
VOTING = ["chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5", "uyvien6", "uyvien7"]


def _schedule(council, user, dossiers=(), actor="thuky", at=MEETING):
    return service.schedule_session(
        db.session, council, actor=user(actor), scheduled_at=at, location="Phòng họp số 1",
        title="Phiên họp xét khen thưởng năm 2024", dossiers=list(dossiers),
    )  # fmt: skip


def _attend(council_session, user, present: int):
    """The first `present` voting members present, the others absent."""
    statuses = {user(name).id: "present" if i < present else "absent" for i, name in enumerate(VOTING)}
    service.record_attendance(db.session, council_session, actor=user("thuky"), statuses=statuses)


def test_scheduling_builds_the_agenda_by_title_then_nominee_and_moves_each_dossier_in_council(
    district_council, accepted, user
):
    first = accepted(nominees=("Trần Thị Bình", "Đỗ Văn Cường", "Nguyễn Văn An"))
    second = accepted(nominees=("Y Thương",), officer="canbo.dakxu")
    audit_before, outbox_before = audit_and_outbox_counts()
    council_session = _schedule(district_council, user, [first, second])
    db.session.commit()

    assert (first.state, second.state, council_session.state) == ("in_council", "in_council", "scheduled")
    agenda = db.session.scalars(
        select(AgendaItem).where(AgendaItem.session_id == council_session.id).order_by(AgendaItem.position)
    ).all()
    names = [db.session.get(type(first.nominations[0]), a.nomination_id).nominee.full_name for a in agenda]
    # One title (LĐTT) for all four: the nominees in Vietnamese alphabetical order of the given name (An, Bình,
    # Cường, Thương; "Đ" is not put after "Y"), positions 1 to 4.
    assert names == ["Nguyễn Văn An", "Trần Thị Bình", "Đỗ Văn Cường", "Y Thương"]
    assert [a.position for a in agenda] == [1, 2, 3, 4]
    # The session's creation and one `schedule` per dossier; an outbox event per dossier.
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.id > audit_before).order_by(AuditEntry.id)
    ).all()
    assert sorted(actions) == ["schedule", "schedule", "schedule_session"]
    assert audit_and_outbox_counts() == (audit_before + 3, outbox_before + 2)
    event = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert event.topic == "dossier.scheduled" and "council_members" in event.payload["audiences"]
    told = {u.username for u in recipients(db.session, ["council_members"], event.payload)}
    # The whole council of the session day, the secretary who scheduled it left out.
    assert told == set(VOTING)


def test_a_dossier_without_eligible_nominations_is_refused_and_nothing_is_written(district_council, accepted, user):
    ready = accepted()
    proposed = accepted(nominees=("Lê Văn Cường",), appraised=False)
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _schedule(district_council, user, [ready, proposed])
    db.session.rollback()
    assert str(proposed.code) in str(refused.value.errors["dossiers"][0])
    assert table_counts() == before
    assert (db.session.get(type(ready), ready.id).state, proposed.state) == ("accepted", "accepted")


def test_a_session_in_the_past_or_of_another_authority_is_refused(district_council, accepted, user):
    dossier = accepted()
    with pytest.raises(InvalidInput) as past:
        _schedule(district_council, user, [dossier], at=datetime(2025, 6, 15, 1, 0, tzinfo=UTC))
    assert set(past.value.errors) == {"scheduled_at"}
    db.session.rollback()
    successor = db.session.scalar(select(Council).where(Council.name.like("%Plei Kần%")))
    with pytest.raises(PermissionDenied):
        _schedule(successor, user, [dossier])
    db.session.rollback()
    with pytest.raises(InvalidInput) as foreign:
        _schedule(successor, user, [dossier], actor="thuky.xa", at=datetime(2025, 7, 2, 1, 0, tzinfo=UTC))
    assert "không thuộc thẩm quyền" in str(foreign.value.errors["dossiers"][0])


def test_the_dossier_page_adds_a_dossier_to_a_scheduled_session(district_council, accepted, user):
    council_session = _schedule(district_council, user)
    db.session.commit()
    dossier = accepted()
    with pytest.raises(InvalidInput):
        service.schedule(db.session, dossier, actor=user("noivu"), council_session_id=None)
    service.schedule(db.session, dossier, actor=user("noivu"), council_session_id=council_session.id)
    db.session.commit()
    assert dossier.state == "in_council" and len(council_session.agenda_items) == 2


@pytest.mark.parametrize(("present", "reached"), [(6, True), (5, False)])
def test_quorum_at_the_two_thirds_boundary(district_council, user, present, reached):
    """8 voting members × 0.6666 = 5.33: six present reach it, five do not; six is what is needed."""
    council_session = _schedule(district_council, user)
    _attend(council_session, user, present)
    db.session.commit()
    quorum = service.session_quorum(db.session, council_session)
    assert (quorum.present, quorum.members, quorum.needed, quorum.reached) == (present, 8, 6, reached)


def test_attendance_is_recorded_and_can_be_corrected_until_the_session_closes(district_council, user):
    council_session = _schedule(district_council, user)
    _attend(council_session, user, 6)
    service.record_attendance(
        db.session, council_session, actor=user("thuky"), statuses={user("uyvien7").id: "written"},
        notes={user("uyvien7").id: "Gửi ý kiến bằng văn bản"},
    )  # fmt: skip
    db.session.commit()
    rows = {a.user_id: (a.status, a.note) for a in db.session.scalars(select(Attendance))}
    assert len(rows) == 8 and rows[user("uyvien7").id] == ("written", "Gửi ý kiến bằng văn bản")
    assert rows[user("chutich").id] == ("present", "")
    with pytest.raises(InvalidInput):
        service.record_attendance(db.session, council_session, actor=user("thuky"), statuses={user("thuky").id: "x"})
    with pytest.raises(PermissionDenied):
        service.record_attendance(db.session, council_session, actor=user("uyvien1"), statuses={})


def test_open_and_close_through_the_engine(district_council, user):
    council_session = _schedule(district_council, user)
    _attend(council_session, user, 5)
    db.session.commit()
    quorum = service.open_session(db.session, council_session, actor=user("chutich"))
    db.session.commit()
    # Opening does not need the quorum; it is shown (and recorded) and polls will wait for it.
    assert council_session.state == "open" and council_session.opened_at is not None and not quorum.reached
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.entity_type, entry.action, entry.from_state, entry.to_state) == (
        "council_session", "open", "scheduled", "open",
    )  # fmt: skip
    assert entry.data == {"present": 5, "members": 8, "quorum_reached": False}
    with pytest.raises(TransitionNotAllowed):
        service.open_session(db.session, council_session, actor=user("chutich"))
    db.session.rollback()
    service.close_session(db.session, council_session, actor=user("thuky"))
    db.session.commit()
    assert council_session.state == "closed" and council_session.closed_at is not None
    with pytest.raises(InvalidInput):
        service.record_attendance(db.session, council_session, actor=user("thuky"), statuses={})


def test_a_session_with_a_poll_under_way_does_not_close(district_council, accepted, user):
    council_session = _schedule(district_council, user, [accepted()])
    db.session.commit()
    service.open_session(db.session, council_session, actor=user("thuky"))
    item = council_session.agenda_items[0]
    db.session.add(Poll(agenda_item_id=item.id, version=1))
    db.session.flush()
    # Test setup: a started poll written directly, as the poll service would leave it.
    db.session.execute(update(Poll).values(state="started", entitled_count=8))
    db.session.commit()
    with pytest.raises(GuardFailed) as refused:
        service.close_session(db.session, council_session, actor=user("thuky"))
    assert refused.value.failures == ["Còn 1 cuộc bỏ phiếu chưa kết thúc."]
    db.session.rollback()
    assert db.session.get(CouncilSession, council_session.id).state == "open"


def test_a_simplified_dossier_skips_the_council_and_a_regular_one_cannot(make_dossier, user):
    dossiers = {}
    for procedure in ("simplified", "regular"):
        dossier = make_dossier(procedure=procedure, year=2024)
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        steps.accept(db.session, dossier, actor=user("noivu"))
        db.session.commit()
        dossiers[procedure] = dossier
    service.skip_council(db.session, dossiers["simplified"], actor=user("noivu"))
    db.session.commit()
    assert dossiers["simplified"].state == "awaiting_decision"
    with pytest.raises(GuardFailed):
        service.skip_council(db.session, dossiers["regular"], actor=user("noivu"))
