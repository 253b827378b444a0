"""The movements API (phong trào thi đua): the standing office drafts, edits, launches and closes its authority's
plan; units register and report each year; council members inspect and units answer; the review's figures. Each
endpoint's refusals: 403 for the wrong role or another authority, 404, 409 on a stale version or the wrong state,
422 naming the field, and nothing written when refused.

Most figures are counted on Đắk Tô district (tests/conftest.py::other_authority): two units, Phòng Nội vụ huyện
Đắk Tô and Xã Diên Bình, so every row can be counted by hand."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import AuditEntry, Inspection, Movement, MovementRegistration, Unit, UnitReport, db
from tests.conftest import PDF_BYTES
from workflow.movements import registrations

API = "/api/v1/movements"
PLAN = {
    "name": "Phong trào thi đua “Đắk Tô chung sức xây dựng nông thôn mới”",
    "period_start": "2024-01-01",
    "period_end": "2025-12-31",
    "description": "Hoàn thành các chỉ tiêu kinh tế – xã hội giai đoạn 2024–2025.",
    "purposes": ["Khơi dậy tinh thần thi đua yêu nước"],
    "requirements": ["Thi đua thiết thực, tránh hình thức"],
    "contents": [
        {"title": "Phát triển kinh tế", "targets": ["Thu ngân sách tăng 10%"]},
        {"title": "Xây dựng nông thôn mới", "targets": ["Đạt 19/19 tiêu chí"]},
    ],
    "forms": ["Thi đua thường xuyên"],
    "organisation": [{"who": "Phòng Nội vụ", "what": "Theo dõi, tổng hợp", "when": "Hằng năm"}],
    "clusters": [{"name": "Khối xã", "units": ["Xã Diên Bình"]}],
}
DAKTO_UNITS = ["Phòng Nội vụ huyện Đắk Tô", "Xã Diên Bình"]


@pytest.fixture
def dakto(other_authority, client, bearer):
    """Đắk Tô's movement 2024–2025, drafted through the API; `launched(dakto)` launches it."""
    response = client.post(API, headers=bearer("noivu.dakto"), json=PLAN)
    assert response.status_code == 201, response.json
    return response.json


def launched(client, bearer, movement: dict) -> dict:
    response = client.post(
        f"{API}/{movement['id']}/launch", headers=bearer("noivu.dakto"), json={"version": movement["version"]}
    )
    assert response.status_code == 200, response.json
    return response.json


def movement_row(movement_id: int) -> Movement:
    db.session.expire_all()
    return db.session.get(Movement, movement_id)


def unit_id(name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.name == name))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the plan ---------------------------------------------------------------------------------------------------


def test_the_office_drafts_a_plan_and_reads_it_back_with_keyed_numbered_contents(dakto, client, bearer):
    assert (dakto["state"], dakto["authority"]["name"]) == ("draft", "Ủy ban nhân dân huyện Đắk Tô")
    assert [(c["key"], c["number"], c["title"], c["targets"]) for c in dakto["contents"]] == [
        ("c1", 1, "Phát triển kinh tế", ["Thu ngân sách tăng 10%"]),
        ("c2", 2, "Xây dựng nông thôn mới", ["Đạt 19/19 tiêu chí"]),
    ]
    assert dakto["clusters"] == [{"name": "Khối xã", "unit_ids": [unit_id("Xã Diên Bình")], "units": ["Xã Diên Bình"]}]
    assert dakto["organisation"] == PLAN["organisation"]
    assert dakto["available_triggers"] == ["launch"]

    shown = client.get(f"{API}/{dakto['id']}", headers=bearer("canbo.dienbinh"))
    assert shown.status_code == 200
    assert shown.json["purposes"] == ["Khơi dậy tinh thần thi đua yêu nước"]
    assert shown.json["available_triggers"] == []  # a unit officer launches nothing


def test_the_list_filters_by_state_and_year_and_stops_at_the_callers_authority(dakto, client, bearer):
    def names(username: str, **query) -> list[str]:
        response = client.get(API, headers=bearer(username), query_string=query)
        assert response.status_code == 200, response.json
        return [item["name"] for item in response.json["items"]]

    assert names("canbo.dienbinh") == [PLAN["name"]]
    assert names("canbo.dienbinh", state="draft", year=2025) == [PLAN["name"]]
    assert names("canbo.dienbinh", state="launched") == []
    assert names("canbo.dienbinh", year=2023) == []  # the plan runs 2024–2025
    assert PLAN["name"] not in names("canbo.pleikan")  # Ngọc Hồi's people see Ngọc Hồi's movements only
    assert PLAN["name"] in names("admin", per_page=100)

    wrong = client.get(API, headers=bearer("canbo.dienbinh"), query_string={"state": "running", "year": "x"})
    assert wrong.status_code == 422
    assert set(wrong.json["errors"]) == {"state", "year"}


def test_every_problem_of_a_plan_is_named_at_once_and_nothing_is_written(other_authority, client, bearer):
    before = count(Movement)
    bad = {
        **PLAN,
        "period_end": "2023-12-31",
        "contents": [{"title": " ", "targets": []}],
        "clusters": [{"name": "Khối xã", "units": ["Xã Không Có"]}],
    }
    response = client.post(API, headers=bearer("noivu.dakto"), json=bad)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == {"period_end", "contents", "clusters"}
    assert "Xã Không Có" in response.json["errors"]["clusters"][0]

    shape = client.post(API, headers=bearer("noivu.dakto"), json={**PLAN, "name": None, "contents": "một"})
    assert shape.status_code == 422
    assert set(shape.json["errors"]) == {"name", "contents"}
    assert count(Movement) == before


def test_only_a_standing_office_drafts(other_authority, client, bearer):
    for username in ("canbo.dienbinh", "thuky"):
        response = client.post(API, headers=bearer(username), json=PLAN)
        assert response.status_code == 403, username
        assert response.content_type == "application/problem+json"


def test_editing_a_draft_checks_the_version_and_keeps_content_keys(dakto, client, bearer):
    url, office = f"{API}/{dakto['id']}", bearer("noivu.dakto")
    stale = client.put(url, headers=office, json={**PLAN, "name": "Tên khác", "version": dakto["version"] + 1})
    assert stale.status_code == 409
    assert movement_row(dakto["id"]).name == PLAN["name"]

    contents = [PLAN["contents"][1], {"title": "Cải cách hành chính", "targets": ["100% hồ sơ đúng hạn"]}]
    edited = client.put(url, headers=office, json={**PLAN, "contents": contents, "version": dakto["version"]})
    assert edited.status_code == 200, edited.json
    # The kept item keeps its key though it moved up; the new one takes the next free key.
    assert [(c["key"], c["number"]) for c in edited.json["contents"]] == [("c2", 1), ("c3", 2)]
    assert edited.json["version"] == dakto["version"] + 1

    assert client.put(url, headers=bearer("noivu"), json={**PLAN, "version": 2}).status_code == 403
    assert client.put(url, headers=bearer("canbo.dienbinh"), json={**PLAN, "version": 2}).status_code == 403
    assert client.put(f"{API}/2147483647", headers=office, json={**PLAN, "version": 2}).status_code == 404


def test_launch_and_close_go_through_the_engine_with_version_and_state_checks(dakto, client, bearer):
    url, office = f"{API}/{dakto['id']}", bearer("noivu.dakto")
    assert client.post(f"{url}/launch", headers=bearer("noivu"), json={"version": 1}).status_code == 403
    assert client.post(f"{url}/launch", headers=bearer("canbo.dienbinh"), json={"version": 1}).status_code == 403
    assert client.post(f"{url}/launch", headers=office, json={"version": dakto["version"] + 3}).status_code == 409
    assert client.post(f"{url}/launch", headers=office, json={}).json["errors"] == {
        "version": ["Trường này là bắt buộc."]
    }
    assert movement_row(dakto["id"]).state == "draft"

    launched_ = launched(client, bearer, dakto)
    assert (launched_["state"], launched_["launched_on"]) == ("launched", "2025-06-16")
    assert launched_["available_triggers"] == ["close"]

    again = client.post(f"{url}/launch", headers=office, json={"version": launched_["version"]})
    assert again.status_code == 409
    assert again.json["allowed_triggers"] == ["close"]
    edit = client.put(url, headers=office, json={**PLAN, "version": launched_["version"]})
    assert edit.status_code == 422
    assert "name" in edit.json["errors"]

    closed = client.post(f"{url}/close", headers=office, json={"version": launched_["version"], "comment": "Tổng kết"})
    assert closed.status_code == 200, closed.json
    assert (closed.json["state"], closed.json["closed_on"]) == ("closed", "2025-06-16")
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "movement", AuditEntry.entity_id == dakto["id"])
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["movement_created", "launch", "close"]


def test_a_plan_without_targets_is_not_launched_and_every_reason_is_given(other_authority, client, bearer):
    plan = {**PLAN, "contents": [{"title": "Phát triển kinh tế"}, {"title": "Nông thôn mới"}]}
    draft = client.post(API, headers=bearer("noivu.dakto"), json=plan).json
    response = client.post(
        f"{API}/{draft['id']}/launch", headers=bearer("noivu.dakto"), json={"version": draft["version"]}
    )
    assert response.status_code == 422
    assert len(response.json["failures"]) == 2  # one per content item without a target
    assert movement_row(draft["id"]).state == "draft"


def test_another_authoritys_movement_is_403_and_an_unknown_one_404(dakto, client, bearer):
    assert client.get(f"{API}/{dakto['id']}", headers=bearer("canbo.pleikan")).status_code == 403
    assert client.get(f"{API}/{dakto['id']}", headers=bearer("admin")).status_code == 200
    missing = client.get(f"{API}/2147483647", headers=bearer("noivu.dakto"))
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"
    assert client.get(f"{API}/{dakto['id']}").status_code == 401


# --- registrations -----------------------------------------------------------------------------------------------


def set_year(movement: dict, year: int, *, registration_due=None, report_due=None, office="noivu.dakto"):
    from models import User

    actor = db.session.scalar(select(User).where(User.username == office))
    registrations.set_year(
        db.session,
        movement_row(movement["id"]),
        year,
        actor=actor,
        registration_due=registration_due,
        report_due=report_due,
    )
    db.session.commit()


def test_a_unit_registers_uploads_its_plan_and_the_office_sees_who_has_not(dakto, client, bearer):
    movement = launched(client, bearer, dakto)
    set_year(movement, 2025, registration_due=date(2025, 6, 30))
    url = f"{API}/{movement['id']}/registrations"
    office, officer = bearer("noivu.dakto"), bearer("canbo.dienbinh")

    before = client.get(url, headers=office, query_string={"year": 2025})
    assert before.status_code == 200
    assert (before.json["registration_due"], before.json["items"]) == ("2025-06-30", [])
    assert [u["name"] for u in before.json["not_registered"]] == DAKTO_UNITS

    body = {
        "collective_title": "TLDXS",
        "individual_targets": {"CSTDCS": 2, "LDTT": 15},
        "content_targets": {"c1": "Thu ngân sách tăng 12%"},
        "commitments": "Hoàn thành mọi chỉ tiêu",
    }
    saved = client.put(f"{url}/2025", headers=officer, json=body)
    assert saved.status_code == 200, saved.json
    assert (saved.json["unit"]["name"], saved.json["individual_targets"]) == ("Xã Diên Bình", {"CSTDCS": 2, "LDTT": 15})
    assert saved.json["plan_sha256"] is None

    plan = client.put(
        f"{url}/2025/plan",
        headers=bearer("truong.dienbinh"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PDF_BYTES), "ke-hoach-2025.pdf")},
    )
    assert plan.status_code == 200, plan.json
    assert plan.json["plan_sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (plan.json["plan_name"], plan.json["plan_media_type"]) == ("ke-hoach-2025.pdf", "application/pdf")
    assert plan.json["content_targets"] == {"c1": "Thu ngân sách tăng 12%"}  # the fields stay as registered

    after = client.get(url, headers=office, query_string={"year": 2025}).json
    assert [row["unit"]["name"] for row in after["items"]] == ["Xã Diên Bình"]
    assert [u["name"] for u in after["not_registered"]] == ["Phòng Nội vụ huyện Đắk Tô"]
    own = client.get(url, headers=officer, query_string={"year": 2025}).json
    assert ([row["unit"]["name"] for row in own["items"]], own["not_registered"]) == (["Xã Diên Bình"], [])

    changed = client.put(f"{url}/2025", headers=officer, json={"collective_title": ""})
    assert changed.status_code == 200
    assert (changed.json["collective_title"], changed.json["individual_targets"]) == ("", {})
    assert changed.json["plan_sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()  # the plan file stays
    assert count(MovementRegistration.__table__) >= 1
    assert db.session.scalar(select(func.count()).where(MovementRegistration.movement_id == movement["id"])) == 1


def test_registration_field_errors_name_the_field_and_write_nothing(dakto, client, bearer):
    movement = launched(client, bearer, dakto)
    url = f"{API}/{movement['id']}/registrations/2025"
    officer = bearer("canbo.dienbinh")
    response = client.put(url, headers=officer, json={
        "collective_title": "CSTDCS", "individual_targets": {"CSTDCS": -1, "KHONGCO": 1},
        "content_targets": {"c9": "?"},
    })  # fmt: skip
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"collective_title", "individual_targets", "content_targets"}
    assert len(response.json["errors"]["individual_targets"]) == 2
    no_file = client.put(f"{url}/plan", headers=officer, content_type="multipart/form-data", data={"file": "chữ"})
    assert no_file.status_code == 422
    assert "file" in no_file.json["errors"]
    outside = client.put(f"{API}/{movement['id']}/registrations/2023", headers=officer, json={})
    assert outside.status_code == 422
    assert "year" in outside.json["errors"]
    assert client.get(f"{API}/{movement['id']}/registrations", headers=officer).json["errors"] == {
        "year": ["Trường này là bắt buộc."]
    }
    assert db.session.scalar(select(func.count()).where(MovementRegistration.movement_id == movement["id"])) == 0


def test_registration_after_the_deadline_is_422_with_the_date(dakto, client, bearer):
    movement = launched(client, bearer, dakto)
    set_year(movement, 2025, registration_due=date(2025, 6, 13))  # the Friday before the suite's Monday
    response = client.put(f"{API}/{movement['id']}/registrations/2025", headers=bearer("canbo.dienbinh"), json={})
    assert response.status_code == 422
    assert "13/06/2025" in response.json["errors"]["year"][0]
    assert db.session.scalar(select(func.count()).where(MovementRegistration.movement_id == movement["id"])) == 0


def test_registration_needs_a_running_movement_and_a_unit_of_its_authority(dakto, client, bearer):
    url = f"{API}/{dakto['id']}/registrations/2025"
    draft = client.put(url, headers=bearer("canbo.dienbinh"), json={})
    assert draft.status_code == 422  # not launched yet
    assert "year" in draft.json["errors"]
    launched(client, bearer, dakto)
    for username in ("noivu.dakto", "canbo.pleikan"):
        assert client.put(url, headers=bearer(username), json={}).status_code == 403, username
    assert (
        client.get(f"{API}/{dakto['id']}/registrations?year=2025", headers=bearer("canbo.pleikan")).status_code == 403
    )
    assert client.post(f"{url}/remind", headers=bearer("canbo.dienbinh")).status_code == 403
    assert client.post(f"{url}/remind", headers=bearer("noivu")).status_code == 403


@pytest.fixture
def ngoc_hoi(demo, user) -> Movement:
    """A launched movement of Ngọc Hồi district, whose units' people have e-mail addresses."""
    row = Movement(
        authority_id=user("noivu").unit.authority_id, name="Phong trào “Ngọc Hồi chung tay vì người nghèo”",
        period_start=date(2024, 1, 1), period_end=date(2025, 12, 31),
        contents=[{"key": "c1", "title": "Giảm nghèo", "targets": ["Giảm 3% hộ nghèo"]}],
        state="launched", launched_on=date(2024, 2, 1),
    )  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def test_the_office_reminds_each_unregistered_unit_once_a_day(ngoc_hoi, client, bearer):
    url = f"{API}/{ngoc_hoi.id}/registrations/2025"
    assert client.put(url, headers=bearer("canbo.dakxu"), json={}).status_code == 200
    first = client.post(f"{url}/remind", headers=bearer("noivu"))
    assert first.status_code == 200, first.json
    # The district's units with an officer or a head to write to, Đắk Xú registered: Phòng Nội vụ (its head),
    # Plei Kần and Phòng Giáo dục và Đào tạo.
    assert {u["name"] for u in first.json["reminded"]} == {
        "Phòng Nội vụ",
        "Thị trấn Plei Kần",
        "Phòng Giáo dục và Đào tạo",
    }
    assert client.post(f"{url}/remind", headers=bearer("noivu")).json == {"reminded": []}
    outside = client.post(f"{API}/{ngoc_hoi.id}/registrations/2023/remind", headers=bearer("noivu"))
    assert outside.status_code == 422
    assert "year" in outside.json["errors"]


# --- yearly reports ----------------------------------------------------------------------------------------------


def pdf_form(**fields) -> dict:
    return {**{key: str(value) for key, value in fields.items()}, "file": (io.BytesIO(PDF_BYTES), "bao-cao-2024.pdf")}


@pytest.mark.today("2025-05-06")
def test_a_report_is_listed_late_submitted_returned_resubmitted_and_reviewed(dakto, client, bearer):
    movement = launched(client, bearer, dakto)
    set_year(movement, 2024, report_due=date(2025, 4, 25))
    url = f"{API}/{movement['id']}/reports"
    office, officer = bearer("noivu.dakto"), bearer("canbo.dienbinh")

    listed = client.get(url, headers=office, query_string={"year": 2024})
    assert listed.status_code == 200, listed.json
    # Due Friday 25 April 2025; Sat 26 April (swapped working Saturday), Mon 28, Tue 29 April, Mon 5 and Tue 6 May
    # are working days after it (30/4, 1/5, 2/5 and the weekends are off): 5 working days late.
    assert [(r["unit"]["name"], r["state"], r["due_on"], r["overdue_days"]) for r in listed.json["items"]] == [
        ("Phòng Nội vụ huyện Đắk Tô", "due", "2025-04-25", 5),
        ("Xã Diên Bình", "due", "2025-04-25", 5),
    ]
    own = client.get(url, headers=officer, query_string={"year": 2024}).json["items"]
    assert [r["unit"]["name"] for r in own] == ["Xã Diên Bình"]
    report = own[0]
    assert report["available_triggers"] == ["submit_report"]
    submit = f"{url}/{report['id']}/submit"

    no_document = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data={"version": report["version"], "figures": '{"c1": 12}'},
    )
    assert no_document.status_code == 422
    assert set(no_document.json["errors"]) == {"document"}
    bad_figures = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data=pdf_form(version=report["version"], figures='{"c9": 1, "c2": [1]}'),
    )
    assert bad_figures.status_code == 422
    assert len(bad_figures.json["errors"]["figures"]) == 2
    not_json = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data=pdf_form(version=report["version"], figures="12"),
    )
    assert not_json.status_code == 422
    assert "figures" in not_json.json["errors"]
    stale = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data=pdf_form(version=report["version"] + 1, figures="{}"),
    )
    assert stale.status_code == 409
    for username in ("noivu.dakto", "truong.pleikan"):
        refused = client.post(
            submit,
            headers=bearer(username),
            content_type="multipart/form-data",
            data=pdf_form(version=report["version"]),
        )
        assert refused.status_code == 403, username
    assert db.session.get(UnitReport, report["id"]).state == "due"

    submitted = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data=pdf_form(
            version=report["version"], summary="Hoàn thành", figures='{"c1": 12, "c2": "Đạt 19/19 tiêu chí"}'
        ),
    )
    assert submitted.status_code == 200, submitted.json
    assert (submitted.json["state"], submitted.json["overdue_days"]) == ("submitted", 0)
    assert submitted.json["figures"] == {"c1": 12, "c2": "Đạt 19/19 tiêu chí"}
    assert submitted.json["document_sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    version = submitted.json["version"]

    back = f"{url}/{report['id']}/return"
    assert client.post(back, headers=officer, json={"version": version, "comment": "x"}).status_code == 403
    for body in ({"version": version}, {"version": version, "comment": "   "}):
        blank = client.post(back, headers=office, json=body)
        assert blank.status_code == 422
        assert set(blank.json["errors"]) == {"comment"}
    returned = client.post(back, headers=office, json={"version": version, "comment": "Thiếu số liệu nội dung 2"})
    assert returned.status_code == 200, returned.json
    assert (returned.json["state"], returned.json["return_reason"]) == ("returned", "Thiếu số liệu nội dung 2")
    assert returned.json["overdue_days"] == 5  # back with the unit, and late again

    review = f"{url}/{report['id']}/review"
    wrong_state = client.post(review, headers=office, json={"version": returned.json["version"]})
    assert wrong_state.status_code == 409
    assert wrong_state.json["allowed_triggers"] == []  # the office has nothing to do with a returned report

    again = client.post(
        submit,
        headers=officer,
        content_type="multipart/form-data",
        data={"version": returned.json["version"], "figures": '{"c1": 12, "c2": 19}'},
    )
    assert again.status_code == 200, again.json  # no new file: the first document stays
    assert again.json["document_name"] == "bao-cao-2024.pdf"
    assert client.post(review, headers=office, json={"version": again.json["version"] - 1}).status_code == 409
    reviewed = client.post(review, headers=office, json={"version": again.json["version"]})
    assert reviewed.status_code == 200
    assert reviewed.json["state"] == "reviewed"
    assert (
        client.post(
            f"{API}/{movement['id'] + 1000}/reports/{report['id']}/review", headers=office, json={"version": 1}
        ).status_code
        == 404
    )


# --- inspections -------------------------------------------------------------------------------------------------


def test_a_council_member_records_an_inspection_and_the_unit_answers_once(
    ngoc_hoi, other_authority, client, bearer, user
):
    url = f"{API}/{ngoc_hoi.id}/inspections"
    pleikan = user("canbo.pleikan").unit_id
    body = {
        "unit_id": pleikan,
        "inspected_on": "2025-05-20",
        "inspector_ids": [user("uyvien2").id],
        "findings": "Chưa lập kế hoạch thi đua năm 2025",
        "follow_ups": [{"item": "Nộp kế hoạch thi đua năm 2025", "due_on": "2025-07-01"}],
    }
    before = count(Inspection)
    bad = client.post(url, headers=bearer("uyvien1"), json={
        **body, "unit_id": unit_id("Xã Diên Bình"), "inspected_on": "2025-06-20",
        "inspector_ids": [user("canbo.pleikan").id],
    })  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"unit_id", "inspected_on", "inspector_ids"}
    late_fix = client.post(
        url, headers=bearer("uyvien1"), json={**body, "follow_ups": [{"item": "Nộp", "due_on": "2025-05-01"}]}
    )
    assert set(late_fix.json["errors"]) == {"follow_ups"}
    assert client.post(url, headers=bearer("canbo.pleikan"), json=body).status_code == 403
    assert client.post(url, headers=bearer("noivu"), json=body).status_code == 403
    assert count(Inspection) == before

    recorded = client.post(url, headers=bearer("uyvien1"), json=body)
    assert recorded.status_code == 201, recorded.json
    assert {p["full_name"] for p in recorded.json["inspectors"]} == {"Đinh Văn Long", "Y Hoa"}  # the recorder too
    assert recorded.json["follow_ups"] == body["follow_ups"]
    assert recorded.json["answer"] is None

    def seen_by(username: str) -> int:
        response = client.get(url, headers=bearer(username))
        assert response.status_code == 200
        return len(response.json)

    assert [seen_by(u) for u in ("canbo.pleikan", "canbo.dakxu", "uyvien3", "noivu")] == [1, 0, 1, 1]
    assert client.get(url, headers=bearer("canbo.dienbinh")).status_code == 403

    answer = f"{url}/{recorded.json['id']}/answer"
    assert (
        client.post(answer, headers=bearer("canbo.dakxu"), json={"answer": "Không phải đơn vị tôi"}).status_code == 403
    )
    blank = client.post(answer, headers=bearer("canbo.pleikan"), json={"answer": " "})
    assert (blank.status_code, set(blank.json["errors"])) == (422, {"answer"})
    answered = client.post(answer, headers=bearer("truong.pleikan"), json={"answer": "Đã nộp kế hoạch ngày 25/6"})
    assert answered.status_code == 200, answered.json
    assert answered.json["answer"] == "Đã nộp kế hoạch ngày 25/6"
    assert client.post(answer, headers=bearer("canbo.pleikan"), json={"answer": "Lần hai"}).status_code == 403
    assert (
        client.post(
            f"{API}/{ngoc_hoi.id + 1000}/inspections/{recorded.json['id']}/answer",
            headers=bearer("canbo.pleikan"),
            json={"answer": "?"},
        ).status_code
        == 404
    )


# --- the review --------------------------------------------------------------------------------------------------


@pytest.mark.today("2025-05-06")
def test_the_review_counts_registrations_and_late_reports_per_year_and_unit(dakto, client, bearer, auth):
    movement = launched(client, bearer, dakto)
    set_year(movement, 2024, report_due=date(2025, 4, 25))
    officer, office = bearer("canbo.dienbinh"), bearer("noivu.dakto")
    assert client.put(f"{API}/{movement['id']}/registrations/2025", headers=officer, json={}).status_code == 200
    report = client.get(f"{API}/{movement['id']}/reports?year=2024", headers=officer).json["items"][0]
    submitted = client.post(
        f"{API}/{movement['id']}/reports/{report['id']}/submit",
        headers=officer,
        content_type="multipart/form-data",
        data=pdf_form(version=report["version"]),
    )
    assert submitted.status_code == 200, submitted.json
    reviewed = client.post(
        f"{API}/{movement['id']}/reports/{report['id']}/review",
        headers=office,
        json={"version": submitted.json["version"]},
    )
    assert reviewed.status_code == 200

    final = client.get(f"{API}/{movement['id']}/review", headers=office)
    assert final.status_code == 200, final.json
    assert (final.json["final"], final.json["up_to_year"], final.json["years"]) == (True, 2025, [2024, 2025])
    assert final.json["title"] == "Tổng kết phong trào"
    counted = [(r["year"], r["unit"], r["registered"], r["reports_submitted"], r["reports_reviewed"],
                r["reports_late"]) for r in final.json["rows"]]  # fmt: skip
    # 2024: Diên Bình handed in on 6 May, after 25 April (late, then reviewed); the office's unit never did (late).
    # 2025: Diên Bình registered; no report is due yet.
    assert counted == [
        (2024, "Phòng Nội vụ huyện Đắk Tô", 0, 0, 0, 1),
        (2024, "Xã Diên Bình", 0, 1, 1, 1),
        (2025, "Phòng Nội vụ huyện Đắk Tô", 0, 0, 0, 0),
        (2025, "Xã Diên Bình", 1, 0, 0, 0),
    ]
    assert final.json["totals"] == {
        "registered": 1,
        "reports_submitted": 1,
        "reports_reviewed": 1,
        "reports_late": 2,
        "inspections": 0,
        "dossiers": 0,
        "awards": 0,
    }
    assert (final.json["awards_by_title"], final.json["round_opened"]) == ([], False)

    interim = client.get(f"{API}/{movement['id']}/review", headers=office, query_string={"up_to": 2024}).json
    assert (interim["final"], interim["title"], len(interim["rows"])) == (False, "Sơ kết phong trào", 2)
    one_year = client.get(f"{API}/{movement['id']}/review", headers=office, query_string={"year": 2025}).json
    assert [r["year"] for r in one_year["rows"]] == [2025, 2025]

    outside = client.get(f"{API}/{movement['id']}/review", headers=office, query_string={"up_to": 2023, "year": 2026})
    assert (outside.status_code, set(outside.json["errors"])) == (422, {"up_to", "year"})

    # The page's Excel export has the same figures, row by row.
    auth.login("noivu.dakto")
    book = client.get(f"/movements/{movement['id']}/review.xlsx")
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    header = [cell.value for cell in sheet[2]]
    wanted = ["Năm", "Đơn vị", "Đăng ký thi đua", "Báo cáo đã nộp", "Báo cáo đã xem xét", "Báo cáo trễ hạn"]
    exported = [
        tuple(row[header.index(title)] for title in wanted)
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if isinstance(row[header.index("Năm")], int)
    ]
    assert exported == counted

    assert client.get(f"{API}/{movement['id']}/review", headers=officer).status_code == 403
    assert client.get(f"{API}/{movement['id']}/review", headers=bearer("noivu")).status_code == 403
    wrong = client.get(f"{API}/{movement['id']}/review", headers=office, query_string={"up_to": "hai"})
    assert (wrong.status_code, set(wrong.json["errors"])) == (422, {"up_to"})


def test_the_office_sets_a_years_dates_and_every_unit_then_owes_the_report(dakto, client, bearer):
    path = f"{API}/{dakto['id']}/years/2025"
    dates = {"registration_due": "2025-03-31", "report_due": "2025-11-15"}
    refused = client.put(path, headers=bearer("noivu.dakto"), json=dates)
    assert refused.status_code == 422  # still a draft: nobody has been told of it
    assert count(UnitReport) == 0
    launched(client, bearer, dakto)
    assert client.put(path, headers=bearer("canbo.dienbinh"), json=dates).status_code == 403
    response = client.put(path, headers=bearer("noivu.dakto"), json=dates)
    assert response.status_code == 200
    assert response.json == {"year": 2025, **dates}
    # Đắk Tô's two units each owe the 2025 report, due 15/11/2025.
    rows = db.session.scalars(select(UnitReport).order_by(UnitReport.unit_id)).all()
    assert [(r.unit.name, r.year, r.due_on, r.state) for r in rows] == [
        (name, 2025, date(2025, 11, 15), "due") for name in sorted(DAKTO_UNITS, key=unit_id)
    ]
