"""The dashboard's figures and the "with whom" board, against the demo counted by hand and a dossier late across Tết."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import event

from models import db
from workflow.reporting import dashboard as figures

STORY_DAY = date(2025, 6, 16)


def test_the_demo_counted_by_state_outcome_and_year(demo_story, user):
    """workflow/demo/dossiers.py: each of Plei Kần, Đắk Xú and Phòng GD&ĐT has one dossier in draft, awaiting_head,
    submitted, returned, accepted, withdrawn and rejected (21); the story session (council.py) takes Plei Kần's and
    Đắk Xú's accepted ones into the council. The first round (council.py) adds one 2024 dossier per unit: Plei Kần's
    and Đắk Xú's were decided and closed by 1/QĐ-UBND (decisions.py, 2 + 2 awarded), Phòng GD&ĐT's waits for the
    decision (A Tuấn not approved). forwarding.py adds Plei Kần's CSTĐ tỉnh, forwarded. 25 dossiers in all."""
    data = figures.dashboard(db.session, user("thuky"), figures.Filters(), STORY_DAY)

    assert data.by_state == {
        "draft": 3, "awaiting_head": 3, "submitted": 3, "returned": 3, "accepted": 1, "in_council": 2,
        "awaiting_decision": 1, "decided": 0, "forwarded": 1, "closed": 2, "withdrawn": 3, "rejected": 3,
    }  # fmt: skip
    assert data.total == 25
    # Every state but closed, withdrawn and rejected: 25 − 2 − 3 − 3.
    assert data.running == 17
    assert (data.overdue, data.due_soon) == (0, 0)
    assert data.outcomes["awarded"] == 4 and data.outcomes["not_approved"] == 1
    assert data.outcome_share("awarded") == 80.0
    # Achievement years: the drafts and awaiting_head are 2025 (6); submitted, returned (6), the first round (3)
    # and the CSTĐ tỉnh (1) are 2024: 10. The three returned dossiers are 2024's.
    compare = {row.key: (row.this_year, row.last_year) for row in data.compare}
    assert compare["dossiers"] == (6, 10)
    assert compare["returned"] == (0, 3)
    assert compare["awarded"] == (0, 4)


def test_filters_narrow_every_figure(demo_story, user):
    """Phòng GD&ĐT alone: its seven story dossiers plus its first-round one (8); one return."""
    unit_id = user("canbo.pgddt").unit_id
    data = figures.dashboard(db.session, user("thuky"), figures.Filters(unit_id=unit_id), STORY_DAY)
    assert data.total == 8
    assert [row.unit_name for row in data.pipeline] == ["Phòng Giáo dục và Đào tạo"]
    assert data.pipeline[0].returns == 1
    # The year filter: 2023 holds the accepted and withdrawn story dossiers of the unit.
    data = figures.dashboard(db.session, user("thuky"), figures.Filters(year=2023, unit_id=unit_id), STORY_DAY)
    assert data.by_state["accepted"] == 1 and data.by_state["withdrawn"] == 1 and data.total == 2


def test_an_unknown_procedure_is_refused(app):
    from workflow.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        figures.Filters(procedure="nonsense")
    assert "procedure" in refused.value.errors


def test_the_board_names_who_holds_the_dossier_at_each_stage(demo_story, user):
    board = figures.holders(db.session, user("thuky"), figures.Filters(), STORY_DAY)
    by_state = {}
    for row in board:
        by_state.setdefault(row.state, set()).add((row.holder, row.holder_name))
    units = ("Thị trấn Plei Kần", "Xã Đắk Xú", "Phòng Giáo dục và Đào tạo")
    assert by_state["draft"] == {("unit_officer", name) for name in units}
    assert by_state["returned"] == by_state["draft"]
    assert {holder for holder, _ in by_state["awaiting_head"]} == {"unit_head"}
    assert by_state["submitted"] == {("office", "Phòng Nội vụ")}
    assert by_state["accepted"] == {("office", "Phòng Nội vụ")}
    assert by_state["in_council"] == {("council", "Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi")}
    assert by_state["awaiting_decision"] == {("chairman", "UBND huyện Ngọc Hồi")}
    assert by_state["forwarded"] == {("province", "Ủy ban nhân dân tỉnh Kon Tum")}
    assert len(board) == 17
    # The clock runs only with the authority: a returned dossier keeps its days, paused.
    assert all(row.days_left is None for row in board if row.holder in ("unit_head", "province"))


def _on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def _accepted_on(accepted, day: date):
    with _on(day):
        return accepted(appraised=False)


@pytest.mark.today("2025-02-21")
def test_a_dossier_accepted_before_tet_is_late_by_working_days(accepted, user):
    """Accepted on Thursday 9 January 2025; the regular procedure has 20 working days (config/rulesets/2024-2025.yaml).
    Counting: 10 Jan (1), 13–17 Jan (6), 20–24 Jan (11), 27–31 Jan are Tết days off, 3–7 Feb (16), 10–13 Feb (20):
    due on Thursday 13 February. On Friday 21 February it is late by 14 Feb and 17–21 Feb: 6 working days.
    It has waited since 9 January: 10 Jan, four full weeks (13 Jan–7 Feb without Tết's week: 15), 10–14 Feb and
    17–21 Feb: 1 + 15 + 10 = 26 working days (31 without Tết)."""
    dossier = _accepted_on(accepted, date(2025, 1, 9))
    today = date(2025, 2, 21)
    board = figures.holders(db.session, user("thuky"), figures.Filters(), today)

    late = board[0]
    assert late.dossier_id == dossier.id
    assert (late.holder, late.holder_name) == ("office", "Phòng Nội vụ")
    assert late.since == date(2025, 1, 9)
    assert late.due_on == date(2025, 2, 13)
    assert late.days_left == -6
    assert late.working_days_waiting == 26
    assert late.overdue and not late.due_soon
    data = figures.dashboard(db.session, user("thuky"), figures.Filters(), today)
    assert data.overdue == 1


@pytest.mark.today("2025-02-10")
def test_due_within_three_working_days_is_due_soon(accepted, user):
    """Due on Thursday 13 February (above); on Monday 10 February 11, 12 and 13 February are left: 3 days."""
    _accepted_on(accepted, date(2025, 1, 9))
    row = figures.holders(db.session, user("thuky"), figures.Filters(), date(2025, 2, 10))[0]
    assert (row.days_left, row.due_soon, row.overdue) == (3, True, False)


def test_stage_times_come_from_the_audit_log(make_dossier, user):
    """Drafted and signed on Monday 2 June, accepted on Wednesday 4 June: 0 working days as a draft and with the
    head, 2 at `submitted` (3 and 4 June); the stay at `accepted` has not ended, so it is not averaged yet."""
    from workflow.dossiers import transitions as steps

    with _on(date(2025, 6, 2)):
        dossier = make_dossier()
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        db.session.commit()
    with _on(date(2025, 6, 4)):
        steps.accept(db.session, dossier, actor=user("noivu"))
        db.session.commit()
    data = figures.dashboard(db.session, user("thuky"), figures.Filters(), STORY_DAY)
    times = {stage.state: (stage.average, stage.stays) for stage in data.stage_times}
    assert times["draft"] == (0, 1)
    assert times["awaiting_head"] == (0, 1)
    assert times["submitted"] == (2, 1)
    assert times["accepted"] == (None, 0)
    assert data.pipeline[0].stage_days["submitted"] == 2


def test_the_queries_do_not_grow_with_the_dossiers(demo_story, user):
    """A bounded number of statements: the same with 25 dossiers as with a tenth of them (one unit's)."""
    statements = []
    secretary, unit_id = user("thuky"), user("canbo.pgddt").unit_id
    figures.dashboard(db.session, secretary, figures.Filters(), STORY_DAY)  # the secretary's unit, roles loaded

    def count(*_):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        figures.dashboard(db.session, secretary, figures.Filters(), STORY_DAY)
        everything = len(statements)
        statements.clear()
        figures.dashboard(db.session, secretary, figures.Filters(unit_id=unit_id), STORY_DAY)
        assert len(statements) == everything < 25
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
