"""The council's vote (docs/DOMAIN.md §6, docs/DESIGN.md §3.4). The Ngọc Hồi council has 8 voting members (the
chairman and seven members; the secretary does not vote); two thirds is written 0.6666. On the total basis the
base is 8, so 6 agreeing pass (6 ≥ 5.33) and 5 fail; on the present basis with 6 present the base is 6, so 4 pass
(4 ≥ 3.9996) and 3 fail. The quorum is 6 of 8 present (5.33 rounded up)."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    Authority,
    Council,
    CouncilSession,
    Dossier,
    Nomination,
    Nominee,
    Poll,
    PollParticipation,
    User,
    db,
)
from tests.workflow_helpers import audit_and_outbox_counts, dossier_in_state
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject
from workflow.core.today import LOCAL_TZ
from workflow.council import polls as service

MEMBERS = ("chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5", "uyvien6", "uyvien7")


@pytest.fixture
def council(demo) -> Council:
    district = db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))
    return db.session.scalar(select(Council).where(Council.authority_id == district.id))


def open_session(council: Council, user, present=MEMBERS, absent=(), written=()) -> CouncilSession:
    """Test setup: a session already open, with its attendance."""
    council_session = CouncilSession(
        council_id=council.id,
        title="Phiên họp xét khen thưởng năm 2025",
        scheduled_at=datetime(2025, 6, 16, 8, 0, tzinfo=LOCAL_TZ),
        state="open",
    )
    db.session.add(council_session)
    db.session.flush()
    for names, status in ((present, "present"), (absent, "absent"), (written, "written")):
        for name in names:
            db.session.add(Attendance(session_id=council_session.id, user_id=user(name).id, status=status))
    db.session.commit()
    return council_session


def on_agenda(council_session: CouncilSession, *dossiers: Dossier) -> None:
    position = len(council_session.agenda_items)
    for dossier in dossiers:
        for nomination in dossier.nominations:
            position += 1
            db.session.add(AgendaItem(session_id=council_session.id, nomination_id=nomination.id, position=position))
    db.session.commit()
    db.session.refresh(council_session)


def dossier_in_council(unit_code: str = "TT-PLEIKAN", second: str | None = None) -> Dossier:
    """Test setup: a dossier already in council with eligible nominations (the first from the helper)."""
    dossier = dossier_in_state("in_council", unit_code=unit_code, nomination_state="eligible")
    if second:
        nominee = Nominee(kind="person", full_name=second, unit_id=dossier.unit_id)
        db.session.add(nominee)
        db.session.flush()
        db.session.add(
            Nomination(dossier_id=dossier.id, nominee_id=nominee.id, title_code="LDTT", year=2025, state="eligible")
        )
        db.session.commit()
        db.session.refresh(dossier)
    return dossier


def polls_for(council_session, user, mode="electronic") -> list[Poll]:
    created = service.create_polls(db.session, council_session, actor=user("thuky"), mode=mode)
    db.session.commit()
    return created


def run(poll: Poll, user, votes: dict[str, str]) -> Poll:
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    for name, choice in votes.items():
        service.cast_vote(db.session, poll, member=user(name), choice=choice)
        db.session.commit()
    service.finish_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    return poll


def votes(yes: int, no: int, voters=MEMBERS) -> dict[str, str]:
    return {name: "yes" if i < yes else "no" for i, name in enumerate(voters[: yes + no])}


@pytest.mark.parametrize(("yes", "passed"), [(6, True), (5, False)])
def test_on_the_total_basis_six_of_eight_pass_and_five_fail(council, user, yes, passed):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    run(poll, user, votes(yes, 8 - yes))
    assert (poll.base, poll.base_count, poll.entitled_count, poll.pass_ratio) == ("total", 8, 8, Decimal("0.6666"))
    assert (poll.yes_count, poll.no_count, poll.passed) == (yes, 8 - yes, passed)


@pytest.mark.parametrize(("yes", "passed"), [(4, True), (3, False)])
def test_on_the_present_basis_four_of_six_present_pass_and_three_fail(council, user, yes, passed):
    council.approval_base = "present"
    present = MEMBERS[:6]
    council_session = open_session(council, user, present=present, absent=MEMBERS[6:])
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    run(poll, user, votes(yes, 6 - yes, present))
    assert (poll.base, poll.base_count, poll.entitled_count) == ("present", 6, 8)
    assert poll.passed is passed


def test_written_opinions_count_as_present_voters_only_where_the_rules_allow(council, user):
    council.approval_base = "present"
    council_session = open_session(council, user, present=MEMBERS[:6], written=MEMBERS[6:])
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    # The 2024–2025 rules do not let absent members vote in writing.
    assert poll.base_count == 6
    with pytest.raises(InvalidInput):
        service.cast_vote(db.session, poll, member=user(MEMBERS[7]), choice="yes")
    db.session.rollback()

    council.absent_may_vote_in_writing = True
    db.session.commit()
    (second,) = polls_for(_second_item(council_session), user)
    service.start_poll(db.session, second, actor=user("thuky"))
    assert second.base_count == 8
    service.cast_vote(db.session, second, member=user(MEMBERS[7]), choice="yes")
    db.session.commit()
    assert second.yes_count == 1


def _second_item(council_session):
    on_agenda(council_session, dossier_in_council())
    return council_session


def test_a_member_of_the_proposing_unit_is_recused_and_not_entitled(council, user):
    # Võ Thị Mai (uyvien4) heads the finance office, whose own dossier is on the agenda.
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council("P-TCKH"))
    (poll,) = polls_for(council_session, user)
    service.declare_conflict(db.session, poll, actor=user("uyvien2"), member=user("uyvien2"), note="Người thân")
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    assert (poll.entitled_count, poll.base_count) == (6, 6)
    recused = {
        p.user_id: p.note for p in db.session.scalars(select(PollParticipation).where(PollParticipation.recused))
    }
    assert recused == {user("uyvien4").id: service.OWN_UNIT_NOTE, user("uyvien2").id: "Người thân"}
    for name in ("uyvien4", "uyvien2", "thuky"):
        with pytest.raises(PermissionDenied):
            service.cast_vote(db.session, poll, member=user(name), choice="yes")
        db.session.rollback()


def test_a_conflict_is_declared_only_before_the_start(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    with pytest.raises(InvalidInput):
        service.declare_conflict(db.session, poll, actor=user("uyvien2"), member=user("uyvien2"), note="Người thân")


def test_a_poll_cannot_start_without_quorum(council, user):
    council_session = open_session(council, user, present=MEMBERS[:5], absent=MEMBERS[5:])
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    before = audit_and_outbox_counts()
    with pytest.raises(GuardFailed) as refused:
        service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.rollback()
    assert "5/8" in str(refused.value) and "6" in str(refused.value)
    assert db.session.get(Poll, poll.id).state == "created"
    assert db.session.scalar(select(PollParticipation).where(PollParticipation.poll_id == poll.id)) is None
    assert audit_and_outbox_counts() == before


def test_only_the_secretary_and_the_chair_run_a_poll(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    with pytest.raises(PermissionDenied):
        service.create_polls(db.session, council_session, actor=user("uyvien2"))
    (poll,) = polls_for(council_session, user)
    with pytest.raises(PermissionDenied):
        service.start_poll(db.session, poll, actor=user("noivu"))
    db.session.rollback()
    service.start_poll(db.session, poll, actor=user("chutich"))


def test_a_second_vote_is_refused_and_nothing_changes(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    service.cast_vote(db.session, poll, member=user("uyvien1"), choice="yes")
    db.session.commit()
    with pytest.raises(InvalidInput):
        service.cast_vote(db.session, poll, member=user("uyvien1"), choice="no")
    db.session.rollback()
    assert (poll.yes_count, poll.no_count) == (1, 0)


def test_two_requests_racing_to_vote_for_one_member_count_once(app, council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    poll_id, member_id = poll.id, user("uyvien1").id
    db.session.remove()
    racers = 6
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def request(choice: str):
        with app.app_context():
            try:
                row = db.session.get(Poll, poll_id)
                member = db.session.get(User, member_id)
                _ = row.agenda_item.session.council, member.roles  # load before the race
                barrier.wait(timeout=30)
                service.cast_vote(db.session, row, member=member, choice=choice)
                db.session.commit()
                result = "counted"
            except (InvalidInput, StaleObject):
                db.session.rollback()
                result = "refused"
            except Exception as error:  # anything else would have been a 500
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=request, args=("yes" if i % 2 else "no",)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["counted"] + ["refused"] * (racers - 1), outcomes
    poll = db.session.get(Poll, poll_id)
    assert poll.yes_count + poll.no_count == 1
    assert db.session.get(PollParticipation, (poll_id, member_id)).voted


def test_members_voting_at_once_are_all_counted(app, council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    poll_id, member_ids = poll.id, [user(name).id for name in MEMBERS]
    db.session.remove()
    barrier = threading.Barrier(len(member_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def member_votes(member_id: int):
        with app.app_context():
            result = "counted"
            try:
                row = db.session.get(Poll, poll_id)
                member = db.session.get(User, member_id)
                _ = row.agenda_item.session.council, member.roles
                barrier.wait(timeout=30)
                for _attempt in range(20):  # SQLite may ask a simultaneous writer to try again
                    try:
                        service.cast_vote(db.session, row, member=member, choice="yes")
                        db.session.commit()
                        break
                    except StaleObject:
                        db.session.rollback()
                else:
                    result = "gave up"
            except Exception as error:
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=member_votes, args=(mid,)) for mid in member_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["counted"] * 8
    assert db.session.get(Poll, poll_id).yes_count == 8


def test_paper_totals_above_the_members_present_are_refused(council, user):
    council_session = open_session(council, user, present=MEMBERS[:6], absent=MEMBERS[6:])
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user, mode="paper")
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        service.enter_paper_totals(db.session, poll, actor=user("thuky"), yes=5, no=1, abstain=0, invalid=1)
    db.session.rollback()
    assert "(7)" in str(refused.value) and "(6)" in str(refused.value)
    assert db.session.get(Poll, poll.id).yes_count == 0
    with pytest.raises(InvalidInput):
        service.cast_vote(db.session, poll, member=user("uyvien1"), choice="yes")
    db.session.rollback()
    service.enter_paper_totals(db.session, poll, actor=user("thuky"), yes=5, no=0, abstain=0, invalid=1)
    service.finish_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    # Total basis: 5 of 8 fall short of two thirds.
    assert (poll.yes_count, poll.invalid_count, poll.passed) == (5, 1, False)


def test_a_vote_is_refused_before_the_start_and_after_the_finish(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council())
    (poll,) = polls_for(council_session, user)
    with pytest.raises(InvalidInput):
        service.cast_vote(db.session, poll, member=user("uyvien1"), choice="yes")
    run(poll, user, {})
    with pytest.raises(InvalidInput):
        service.cast_vote(db.session, poll, member=user("uyvien1"), choice="yes")


def test_results_are_applied_through_the_engine_and_the_dossier_leaves_the_council(council, user):
    council_session = open_session(council, user)
    dossier = dossier_in_council(second="Lê Thị Hai")
    on_agenda(council_session, dossier)
    first, second = polls_for(council_session, user)
    run(first, user, votes(6, 2))
    run(second, user, votes(5, 3))
    service.publish_poll(db.session, first, actor=user("thuky"))
    db.session.commit()
    assert [n.state for n in dossier.nominations] == ["approved", "eligible"]
    assert dossier.state == "in_council"

    service.publish_poll(db.session, second, actor=user("chutich"))
    db.session.commit()
    db.session.expire_all()
    assert [n.state for n in dossier.nominations] == ["approved", "not_approved"]
    assert dossier.nominations[1].outcome_reason == "criteria_not_met"
    assert dossier.state == "awaiting_decision"
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type.in_(("nomination", "dossier"))).order_by(AuditEntry.id)
    ).all()
    assert [(e.entity_type, e.action, e.actor_id) for e in entries[-3:]] == [
        ("nomination", "approve", user("thuky").id),
        ("nomination", "not_approve", user("chutich").id),
        ("dossier", "close_review", user("chutich").id),
    ]
    assert entries[-2].data["reason"] == "criteria_not_met" and entries[-2].data["yes"] == 5


def test_close_review_waits_for_every_nomination(council, user):
    dossier = dossier_in_council(second="Lê Thị Hai")
    with pytest.raises(GuardFailed) as refused:
        service.close_review(db.session, dossier, actor=user("noivu"))
    assert "Lê Thị Hai" in str(refused.value)


def test_the_ballot_casts_every_choice_or_none(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    first, second = polls_for(council_session, user)
    for poll in (first, second):
        service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    member = user("uyvien3")
    assert service.ballot_polls(db.session, member) == [first, second]
    with pytest.raises(InvalidInput):
        service.vote_on_ballot(db.session, [first, second], member=member, choices={first.id: "yes"})
    db.session.rollback()
    assert (first.yes_count, second.yes_count) == (0, 0)
    service.vote_on_ballot(db.session, [first, second], member=member, choices={first.id: "yes", second.id: "no"})
    db.session.commit()
    assert (first.yes_count, second.no_count) == (1, 1)
    assert service.ballot_polls(db.session, member) == []


def test_tally_reports_votes_the_percentage_of_the_base_and_the_verdict(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    first, second = polls_for(council_session, user)
    run(first, user, {**votes(6, 1), "uyvien7": "abstain"})
    run(second, user, votes(5, 3))
    one, two = service.tally([first, second])
    assert (one.agree, one.disagree, one.abstain, one.invalid, one.base_count) == (6, 1, 1, 0, 8)
    assert (one.percent, one.passed) == (Decimal("75.00"), True)
    assert (two.percent, two.passed) == (Decimal("62.50"), False)


def test_progress_names_who_voted_never_how(council, user):
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council("P-TCKH"))
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    service.cast_vote(db.session, poll, member=user("uyvien7"), choice="yes")
    service.cast_vote(db.session, poll, member=user("chutich"), choice="no")
    db.session.commit()
    seen = service.progress(db.session, poll)
    # In Vietnamese name order, by given name: Hùng before Lan (not the order of voting, nor Python's "B" first).
    assert seen.voted == ["Nguyễn Văn Hùng", "Bùi Thị Lan"]
    assert len(seen.waiting) == 5 and seen.recused == [(user("uyvien4").full_name, service.OWN_UNIT_NOTE)]


def _dump(table) -> list[dict]:
    """Every row of a table in the order the database returns it unasked."""
    return [dict(row) for row in db.session.execute(table.select()).mappings()]


def test_a_secret_vote_leaves_nothing_that_links_a_member_to_a_choice(council, user, caplog):
    """Two secret polls; the same members vote in the same order, with the choices swapped between two of them
    (same totals). If anything stored, logged or sent linked a member to a choice, the two polls would differ."""
    caplog.set_level("DEBUG")
    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    first, second = polls_for(council_session, user)
    for poll in (first, second):
        service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    tables = db.metadata.sorted_tables
    before = {t.name: _dump(t) for t in tables}
    audit_before, outbox_before = audit_and_outbox_counts()
    order = ("uyvien3", "uyvien1", "chutich", "uyvien5")
    choices = {first.id: ("yes", "no", "yes", "abstain"), second.id: ("no", "yes", "yes", "abstain")}
    for i, name in enumerate(order):
        for poll in (first, second):
            service.cast_vote(db.session, poll, member=user(name), choice=choices[poll.id][i])
            db.session.commit()

    # No audit entry, outbox message, notification or any other row was written by the votes.
    assert audit_and_outbox_counts() == (audit_before, outbox_before)
    after = {t.name: _dump(t) for t in tables}
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"polls", "poll_participations"}
    # The participations of both polls are identical member for member, with no choice. (Compared by member: on
    # PostgreSQL an updated row is rewritten wherever the table has room, so the physical order of two polls'
    # rows is not stable between them, whatever was voted.)
    rows = after["poll_participations"]
    assert all(row["choice"] is None for row in rows)
    by_poll = {
        pid: sorted(
            ({k: v for k, v in r.items() if k != "poll_id"} for r in rows if r["poll_id"] == pid),
            key=lambda r: r["user_id"],
        )
        for pid in (first.id, second.id)
    }
    assert by_poll[first.id] == by_poll[second.id]
    # The polls differ only in their identity: same counters, no timestamp moved by a vote.
    polls = {
        r["id"]: {k: v for k, v in r.items() if k not in ("id", "agenda_item_id", "started_at")} for r in after["polls"]
    }
    assert polls[first.id] == polls[second.id]
    assert {r["id"]: r["started_at"] for r in after["polls"]} == {r["id"]: r["started_at"] for r in before["polls"]}
    # Nothing in the application log names a voter.
    names = [user(name).username for name in order] + [user(name).full_name for name in order]
    assert not [r.getMessage() for r in caplog.records if any(n in r.getMessage() for n in names)]

    # Finishing records how many voted and the totals, and still nobody's choice.
    service.finish_poll(db.session, first, actor=user("thuky"))
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.data["voted"], entry.data["yes"], entry.data["no"]) == ("finish", 4, 2, 1)
    assert set(entry.data) == {"yes", "no", "abstain", "invalid", "voted", "entitled", "base_count", "passed"}


def test_progress_lists_an_absent_member_apart_from_those_still_to_vote(council, user):
    council_session = open_session(council, user, present=[m for m in MEMBERS if m != "uyvien6"], absent=["uyvien6"])
    on_agenda(council_session, dossier_in_council("P-TCKH"))
    (poll,) = polls_for(council_session, user)
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    seen = service.progress(db.session, poll)
    assert seen.away == [user("uyvien6").full_name]
    assert user("uyvien6").full_name not in seen.waiting and len(seen.waiting) == 6


def _started(poll: Poll, user, votes_in: dict[str, str]) -> None:
    service.start_poll(db.session, poll, actor=user("thuky"))
    db.session.commit()
    for name, choice in votes_in.items():
        service.cast_vote(db.session, poll, member=user(name), choice=choice)
        db.session.commit()


def test_the_whole_agenda_is_finished_and_published_at_once_with_an_entry_per_step(council, user):
    """Two dossiers, three nominees: 6 of 8 pass, 5 of 8 fail (docs/DOMAIN.md §6: two thirds of the 8 members)."""
    from workflow.core import audit

    council_session = open_session(council, user)
    first_dossier = dossier_in_council(second="Lê Thị Hai")
    second_dossier = dossier_in_council("XA-DAKXU")
    on_agenda(council_session, first_dossier, second_dossier)
    polls = polls_for(council_session, user)
    for poll, (yes, no) in zip(polls, ((6, 2), (5, 3), (7, 1)), strict=True):
        _started(poll, user, votes(yes, no))
    audit_before, outbox_before = audit_and_outbox_counts()

    service.finish_polls(db.session, polls, actor=user("thuky"))
    service.publish_polls(db.session, polls, actor=user("thuky"))
    db.session.commit()
    db.session.expire_all()

    assert [p.state for p in polls] == ["published"] * 3
    assert [p.passed for p in polls] == [True, False, True]
    assert [n.state for n in first_dossier.nominations] == ["approved", "not_approved"]
    assert [n.state for n in second_dossier.nominations] == ["approved"]
    assert first_dossier.state == second_dossier.state == "awaiting_decision"
    # 3 finish + 3 publish + 3 results + 2 closed reviews, each with its event.
    audit_after, outbox_after = audit_and_outbox_counts()
    assert (audit_after - audit_before, outbox_after - outbox_before) == (11, 11)
    finished = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "finish").order_by(AuditEntry.id)).all()
    assert [(e.entity_id, e.data["yes"], e.data["no"], e.data["voted"]) for e in finished] == [
        (polls[0].id, 6, 2, 8),
        (polls[1].id, 5, 3, 8),
        (polls[2].id, 7, 1, 8),
    ]
    assert audit.verify_chain(db.session) is None


def test_a_batch_with_one_stale_row_writes_nothing(council, user):
    """A vote that lands between the secretary's reading of the counters and the finish leaves the stored counters
    different from the ones the result was computed from: the whole batch is refused, no poll is finished."""
    from workflow.core.engine import Firing, fire_many
    from workflow.core.machines import POLL

    council_session = open_session(council, user)
    on_agenda(council_session, dossier_in_council(second="Lê Thị Hai"))
    first, second = polls_for(council_session, user)
    _started(first, user, votes(6, 2))
    _started(second, user, votes(5, 2))
    before = audit_and_outbox_counts()
    counted = {first.id: 6, second.id: 4}  # the second poll's reading missed a vote
    with pytest.raises(StaleObject):
        fire_many(
            POLL,
            [
                Firing(poll, "finish", changes={"passed": True}, unchanged={"yes_count": counted[poll.id]})
                for poll in (first, second)
            ],
            actor=user("thuky"),
        )
    db.session.rollback()
    assert audit_and_outbox_counts() == before
    assert [p.state for p in db.session.scalars(select(Poll).order_by(Poll.id))] == ["started", "started"]
