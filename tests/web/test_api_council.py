"""The council API: the secretary schedules a session with an accepted dossier, keeps the attendance, opens it and
runs the polls; members vote from their ballot with their own tokens; the results and the minutes follow.

The demo district council has 8 voting members (chutich, uyvien1…uyvien7; the secretary thuky does not vote). The
quorum is 2/3 of 8: 6 present reach it (6 ≥ 5.33). On the total basis the base is 8 with the ratio 0.6666, so 6
agreeing pass (6 ≥ 5.3328, 75.00 %) and 5 fail (5 < 5.3328, 62.50 %)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import CouncilSession, Dossier, Poll, PollParticipation, db
from tests.web.test_api import api, problem  # noqa: F401  (the fixture)

PRESENT = ("chutich", "uyvien1", "uyvien2", "uyvien3", "uyvien4", "uyvien5")
ABSENT = ("uyvien6", "uyvien7")
WHEN = "2025-06-16T14:00:00+07:00"


def schedule(api, dossier, username="thuky", **changes):  # noqa: F811
    body = {"title": "Phiên họp xét khen thưởng", "scheduled_at": WHEN, "location": "Hội trường", **changes}
    return api.post(username, "/council/sessions", json={"dossier_ids": [dossier.id], **body})


def attend(api, user, session_id):  # noqa: F811
    statuses = {str(user(n).id): "present" for n in PRESENT} | {str(user(n).id): "absent" for n in ABSENT}
    notes = {str(user("uyvien6").id): "Đi công tác"}
    return api.put("thuky", f"/council/sessions/{session_id}/attendance", json={"statuses": statuses, "notes": notes})


def fire(api, username, path, trigger, version):  # noqa: F811
    return api.post(username, path + "/transitions", json={"trigger": trigger, "version": version})


@pytest.fixture
def open_session(api, accepted, district_council, user):  # noqa: F811
    """Scheduled through the API with one accepted dossier (two eligible nominations), attendance 6 of 8, open,
    polls created and started; returns the session's id and its polls by nominee."""
    dossier = accepted()
    created = schedule(api, dossier)
    assert created.status_code == 201, created.json
    session_id = created.json["id"]
    assert attend(api, user, session_id).status_code == 200
    opened = fire(api, "chutich", f"/council/sessions/{session_id}", "open", created.json["version"])
    assert opened.status_code == 200, opened.json
    with_polls = api.post("thuky", f"/council/sessions/{session_id}/polls", json={})
    assert with_polls.status_code == 201, with_polls.json
    items = {i["nominee"]: i["poll"] for g in with_polls.json["agenda"] for i in g["items"]}
    for poll in items.values():
        started = fire(api, "thuky", f"/council/polls/{poll['id']}", "start", 1)
        assert started.status_code == 200, started.json
    return session_id, {name: poll["id"] for name, poll in items.items()}


def test_scheduling_shows_the_agenda_by_title_and_moves_the_dossier(api, accepted, district_council, user):  # noqa: F811
    dossier = accepted()
    response = schedule(api, dossier)
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"/api/v1/council/sessions/{body['id']}")
    assert (body["state"], body["title"], body["council"]["id"]) == ("scheduled", "Phiên họp xét khen thưởng", 1)
    assert body["quorum"] == {"present": 0, "members": 8, "needed": 6, "reached": False, "ratio": "0.6666"}
    assert body["available_triggers"] == ["open"]
    (group,) = body["agenda"]
    assert group["title_code"] == "LDTT"
    assert [(i["position"], i["nominee"], i["poll"]) for i in group["items"]] == [
        (1, "Nguyễn Văn An", None),
        (2, "Trần Thị Bình", None),
    ]
    assert {i["nomination_id"] for i in group["items"]} == {n.id for n in dossier.nominations}
    assert len(body["members"]) == 8 and {m["status"] for m in body["members"]} == {None}
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "in_council"


def test_attendance_of_six_of_eight_reaches_the_quorum(api, accepted, district_council, user):  # noqa: F811
    session_id = schedule(api, accepted()).json["id"]
    response = attend(api, user, session_id)
    assert response.status_code == 200, response.json
    assert response.json["quorum"] == {"present": 6, "members": 8, "needed": 6, "reached": True, "ratio": "0.6666"}
    rows = {m["full_name"]: (m["status"], m["note"]) for m in response.json["members"]}
    assert rows[user("uyvien6").full_name] == ("absent", "Đi công tác")
    assert rows[user("chutich").full_name] == ("present", "")


def test_the_whole_vote_through_the_api(api, open_session, user, district_council):  # noqa: F811
    session_id, polls = open_session
    an, binh = polls["Nguyễn Văn An"], polls["Trần Thị Bình"]
    ballot = api.get("uyvien3", "/council/ballot")
    assert ballot.status_code == 200
    assert [(b["title_code"], [p["nominee"] for p in b["polls"]]) for b in ballot.json] == [
        ("LDTT", ["Nguyễn Văn An", "Trần Thị Bình"])
    ]
    # Six present vote: An 6 yes; Bình 5 yes and 1 no.
    for name in PRESENT:
        second = "no" if name == "uyvien5" else "yes"
        cast = api.post(name, "/council/ballot", json={"choices": {str(an): "yes", str(binh): second}})
        assert cast.status_code == 204, cast.json
    assert api.get("uyvien3", "/council/ballot").json == []

    running = api.get("thuky", f"/council/polls/{an}")
    # Everyone present has voted; the absent members are entitled but cannot vote, listed apart.
    assert running.json["counts"] is None
    assert running.json["waiting"] == []
    # In Vietnamese name order, by given name: Bảo before Lan.
    assert running.json["away"] == ["Đặng Quốc Bảo", "Bùi Thị Lan"]
    assert sorted(running.json["voted"]) == sorted(user(n).full_name for n in PRESENT)
    for poll_id in (an, binh):
        finished = fire(api, "thuky", f"/council/polls/{poll_id}", "finish", 2)
        assert finished.status_code == 200, finished.json
        assert fire(api, "chutich", f"/council/polls/{poll_id}", "publish", 3).status_code == 200

    assert api.get("thuky", f"/council/polls/{binh}").json["counts"] == {
        "yes": 5, "no": 1, "abstain": 0, "invalid": 0, "base": "total", "base_count": 8, "pass_ratio": "0.6666",
        "passed": False,
    }  # fmt: skip
    results = api.get("uyvien2", f"/council/sessions/{session_id}/results")
    assert results.status_code == 200
    assert [
        (r["nominee"], r["agree"], r["disagree"], r["abstain"], r["invalid"], r["base_count"], r["percentage"],
         r["passed"]) for r in results.json
    ] == [
        ("Nguyễn Văn An", 6, 0, 0, 0, 8, "75.00", True),
        ("Trần Thị Bình", 5, 1, 0, 0, 8, "62.50", False),
    ]  # fmt: skip
    assert {r["base"] for r in results.json} == {"total"}

    session = api.get("thuky", f"/council/sessions/{session_id}").json
    closed = fire(api, "chutich", f"/council/sessions/{session_id}", "close", session["version"])
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    pdf = api.get("uyvien2", f"/council/sessions/{session_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"


def test_results_show_only_published_polls(api, open_session):  # noqa: F811
    session_id, _ = open_session
    assert api.get("thuky", f"/council/sessions/{session_id}/results").json == []


def test_a_secret_poll_shows_who_voted_never_a_choice(api, open_session, user):  # noqa: F811
    _, polls = open_session
    an = polls["Nguyễn Văn An"]
    api.post("uyvien1", "/council/ballot", json={"choices": {str(p): "no" for p in polls.values()}})
    body = api.get("uyvien2", f"/council/polls/{an}").json
    assert body["secret"] is True and body["counts"] is None
    assert body["voted"] == [user("uyvien1").full_name]
    assert "choice" not in str(body) and "no" not in body.values()
    assert (
        db.session.scalars(select(PollParticipation.choice).where(PollParticipation.poll_id == an)).all() == [None] * 8
    )


def test_a_second_vote_is_refused_and_counts_nothing(api, open_session):  # noqa: F811
    _, polls = open_session
    choices = {"choices": {str(p): "yes" for p in polls.values()}}
    assert api.post("uyvien4", "/council/ballot", json=choices).status_code == 204
    again = problem(api.post("uyvien4", "/council/ballot", json=choices), 422)
    assert again["errors"]["choices"] == [
        f"Bạn đã biểu quyết nội dung số {p}; không biểu quyết lại được." for p in polls.values()
    ]
    db.session.expire_all()
    assert {db.session.get(Poll, p).yes_count for p in polls.values()} == {1}


def test_a_ballot_missing_a_nominee_is_refused_whole(api, open_session):  # noqa: F811
    _, polls = open_session
    only_an = {"choices": {str(polls["Nguyễn Văn An"]): "yes"}}
    refused = problem(api.post("uyvien4", "/council/ballot", json=only_an), 422)
    assert refused["errors"]["choices"] == ["Cần chọn ý kiến cho từng trường hợp: Trần Thị Bình"]
    db.session.expire_all()
    assert {db.session.get(Poll, p).yes_count for p in polls.values()} == {0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "choices"),
        ({"choices": {}}, "choices"),
        ({"choices": {"1": "maybe"}}, "choices.1.value"),
        ({"choices": {"x": "yes"}}, "choices.x.key"),
        ({"choices": []}, "choices"),
    ],
)
def test_a_bad_ballot_is_a_422_naming_the_field(api, body, field):  # noqa: F811
    assert field in problem(api.post("uyvien4", "/council/ballot", json=body), 422)["errors"]


def test_an_absent_member_has_no_ballot_and_cannot_vote(api, open_session):  # noqa: F811
    _, polls = open_session
    assert api.get("uyvien6", "/council/ballot").json == []
    refused = problem(
        api.post("uyvien6", "/council/ballot", json={"choices": {str(polls["Nguyễn Văn An"]): "yes"}}), 422
    )
    assert refused["errors"]["choices"] == [f"Nội dung số {polls['Nguyễn Văn An']} không mở để bạn biểu quyết."]


def test_a_member_declares_a_conflict_before_the_start(api, accepted, district_council, user):  # noqa: F811
    session_id = schedule(api, accepted()).json["id"]
    agenda = api.post("thuky", f"/council/sessions/{session_id}/polls", json={"mode": "paper"}).json["agenda"]
    poll_id = agenda[0]["items"][0]["poll"]["id"]
    declared = api.post("uyvien3", f"/council/polls/{poll_id}/conflicts", json={"note": "Người thân"})
    assert declared.status_code == 200, declared.json
    assert declared.json["recused"] == [{"name": user("uyvien3").full_name, "note": "Người thân"}]
    # A member declares for themselves only; the secretary may name another.
    other = {"note": "Người thân", "user_id": user("uyvien4").id}
    assert problem(api.post("uyvien3", f"/council/polls/{poll_id}/conflicts", json=other), 403)
    assert api.post("thuky", f"/council/polls/{poll_id}/conflicts", json=other).status_code == 200
    unknown = problem(
        api.post("thuky", f"/council/polls/{poll_id}/conflicts", json={"note": "x", "user_id": 99999}), 422
    )
    assert "user_id" in unknown["errors"]


def test_paper_totals_are_entered_and_checked(api, open_session, district_council):  # noqa: F811
    _, polls = open_session
    # The electronic polls are running; a paper total is refused there.
    poll_id = next(iter(polls.values()))
    totals = {"yes": 5, "no": 1, "abstain": 0, "invalid": 0}
    assert "poll" in problem(api.post("thuky", f"/council/polls/{poll_id}/paper", json=totals), 422)["errors"]
    assert (
        "yes"
        in problem(api.post("thuky", f"/council/polls/{poll_id}/paper", json={**totals, "yes": -1}), 422)["errors"]
    )


def test_paper_totals_over_the_members_present_are_refused(api, accepted, district_council, user):  # noqa: F811
    created = schedule(api, accepted()).json
    session_id = created["id"]
    attend(api, user, session_id)
    fire(api, "thuky", f"/council/sessions/{session_id}", "open", created["version"])
    agenda = api.post("thuky", f"/council/sessions/{session_id}/polls", json={"mode": "paper"}).json["agenda"]
    poll_id = agenda[0]["items"][0]["poll"]["id"]
    assert fire(api, "thuky", f"/council/polls/{poll_id}", "start", 1).status_code == 200
    over = problem(api.post("thuky", f"/council/polls/{poll_id}/paper", json={"yes": 6, "no": 1, "abstain": 0,
                                                                              "invalid": 0}), 422)  # fmt: skip
    assert over["errors"]["totals"] == ["Tổng số phiếu (7) vượt quá số thành viên được biểu quyết có mặt (6)."]
    entered = api.post("thuky", f"/council/polls/{poll_id}/paper", json={"yes": 6, "no": 0, "abstain": 0, "invalid": 0})
    assert entered.status_code == 200 and entered.json["counts"] is None
    finished = fire(api, "thuky", f"/council/polls/{poll_id}", "finish", entered.json["version"])
    assert finished.json["counts"]["passed"] is True


def test_a_poll_does_not_start_without_a_quorum(api, accepted, district_council):  # noqa: F811
    created = schedule(api, accepted()).json
    session_id = created["id"]
    fire(api, "thuky", f"/council/sessions/{session_id}", "open", created["version"])
    agenda = api.post("thuky", f"/council/sessions/{session_id}/polls", json={}).json["agenda"]
    poll_id = agenda[0]["items"][0]["poll"]["id"]
    refused = problem(fire(api, "thuky", f"/council/polls/{poll_id}", "start", 1), 422)
    assert refused["failures"]


def test_stale_and_illegal_transitions_are_409(api, accepted, district_council):  # noqa: F811
    created = schedule(api, accepted()).json
    path = f"/council/sessions/{created['id']}"
    assert problem(fire(api, "thuky", path, "open", created["version"] + 1), 409)
    illegal = problem(fire(api, "thuky", path, "close", created["version"]), 409)
    assert illegal["allowed_triggers"] == ["open"]
    assert "trigger" in problem(fire(api, "thuky", path, "start", created["version"]), 422)["errors"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"scheduled_at": "2025-06-01T08:00:00"}, "scheduled_at"),
        ({"scheduled_at": "ngày mai"}, "scheduled_at"),
        ({"scheduled_at": "0001-01-01T00:00:00+14:00"}, "scheduled_at"),
        ({"dossier_ids": [2147483647]}, "dossier_ids"),
        ({"dossier_ids": ["1"]}, "dossier_ids.0"),
        ({"council_id": 2147483647}, "council_id"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_bad_schedule_is_a_422_naming_the_field_and_writes_nothing(api, accepted, district_council, changes, field):  # noqa: F811
    dossier = accepted()
    response = schedule(api, dossier, **changes)
    assert field in problem(response, 422)["errors"], response.json
    assert db.session.scalar(select(func.count(CouncilSession.id))) == 0
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "accepted"


def test_bad_attendance_is_a_422_and_writes_nothing(api, accepted, district_council, user):  # noqa: F811
    session_id = schedule(api, accepted()).json["id"]
    path = f"/council/sessions/{session_id}/attendance"
    assert "statuses.x.key" in problem(api.put("thuky", path, json={"statuses": {"x": "present"}}), 422)["errors"]
    wrong = {"statuses": {str(user("uyvien1").id): "asleep"}}
    assert f"statuses.{user('uyvien1').id}.value" in problem(api.put("thuky", path, json=wrong), 422)["errors"]
    secretary = {"statuses": {str(user("thuky").id): "present"}}
    assert problem(api.put("thuky", path, json=secretary), 422)["errors"]["attendance"] == [
        "Chỉ ghi nhận sự có mặt của thành viên Hội đồng có quyền biểu quyết."
    ]
    assert {m["status"] for m in api.get("thuky", f"/council/sessions/{session_id}").json["members"]} == {None}


def test_the_list_shows_the_callers_sessions(api, accepted, district_council):  # noqa: F811
    session_id = schedule(api, accepted()).json["id"]
    for username in ("thuky", "uyvien2", "chutich", "noivu"):
        listed = api.get(username, "/council/sessions")
        assert [s["id"] for s in listed.json["items"]] == [session_id], username
        assert listed.json["meta"]["total"] == 1
    assert api.get("chutich.xa", "/council/sessions").json["items"] == []


def test_unknown_ids_are_404(api):  # noqa: F811
    for path in ("/council/sessions/999999", "/council/polls/999999", "/council/sessions/999999/results",
                 "/council/sessions/999999/minutes.pdf", "/council/sessions/99999999999"):  # fmt: skip
        problem(api.get("thuky", path), 404)


def test_another_authoritys_office_gets_403(api, open_session):  # noqa: F811
    session_id, polls = open_session
    poll_id = next(iter(polls.values()))
    for path in (f"/council/sessions/{session_id}", f"/council/polls/{poll_id}",
                 f"/council/sessions/{session_id}/results", f"/council/sessions/{session_id}/minutes.pdf"):  # fmt: skip
        problem(api.get("vanphong.xa", path), 403)
    problem(api.put("vanphong.xa", f"/council/sessions/{session_id}/attendance", json={"statuses": {}}), 403)
    problem(
        api.post("thuky.xa", f"/council/polls/{poll_id}/transitions", json={"trigger": "finish", "version": 2}), 403
    )
    problem(api.get("canbo.pleikan", "/council/ballot"), 403)


def test_a_dossier_without_an_eligible_nomination_is_named(api, accepted, district_council):  # noqa: F811
    dossier = accepted(appraised=False)
    refused = problem(schedule(api, dossier), 422)
    assert refused["errors"] == {
        "dossier_ids": [f"Hồ sơ {dossier.code} chưa có đề nghị nào được thẩm định đủ điều kiện để đưa ra Hội đồng."]
    }
    assert db.session.scalar(select(func.count(CouncilSession.id))) == 0
