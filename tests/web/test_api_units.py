"""The units catalogue API: an integrator records a unit's end and E14 follows it; field errors name the field and
write nothing; another authority's office gets 403, an unknown unit 404; every change is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Unit, db
from workflow.dossiers import editing as service
from workflow.dossiers.appraisal import evaluate

API = "/api/v1/units"


def unit(code: str) -> Unit:
    db.session.expire_all()
    return db.session.scalar(select(Unit).where(Unit.code == code))


def counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count(Unit.id))), db.session.scalar(select(func.count(AuditEntry.id)))


def e14(nomination, on: date):
    judged = evaluate(db.session, nomination, today=on, basis="review")
    return next(f for f in judged.findings if f.rule == "E14")


def test_the_office_ends_a_commune_and_its_collective_is_blocked_by_e14_after(demo, user, client, bearer):
    officer = user("canbo.dakxu")
    dossier = service.create_dossier(
        db.session, actor=officer, procedure="regular", year=2025, title="Đề nghị khen thưởng năm 2025"
    )
    nomination = service.add_nomination(
        db.session,
        dossier,
        actor=officer,
        data=service.NomineeInput(kind="collective", full_name="Xã Đắk Xú", title_code="TLDTT"),
    )
    db.session.commit()
    assert e14(nomination, date(2025, 8, 1)).severity == "pass"

    commune = unit("XA-DAKXU")
    response = client.patch(f"{API}/{commune.id}", headers=bearer("noivu"), json={"valid_to": "2025-06-30"})
    assert response.status_code == 200, response.json
    assert response.json["valid_to"] == "2025-06-30"
    assert response.json["status"] == "active"  # still on 16 June 2025
    assert response.json["warnings"] == [
        "Đơn vị còn 1 hồ sơ đang giải quyết; hồ sơ vẫn được xử lý tiếp, nhưng khen thưởng tập thể đơn vị bằng "
        "quyết định sau ngày 30/06/2025 sẽ bị chặn (điều kiện E14)."
    ]

    db.session.expire_all()
    blocked = e14(nomination, date(2025, 8, 1))
    assert blocked.severity == "block"
    assert blocked.message.startswith("Xã Đắk Xú: chấm dứt hoạt động sau ngày 30/06/2025")
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.action, entry.entity_id, entry.actor_id) == ("unit_changed", commune.id, user("noivu").id)
    assert entry.data == {"code": "XA-DAKXU", "changes": {"valid_to": [None, "2025-06-30"]}}


def test_the_office_adds_a_unit_and_lists_it(demo, user, client, bearer):
    headers = bearer("noivu")
    body = {"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "valid_from": "2025-07-01"}
    created = client.post(API, headers=headers, json=body)
    assert created.status_code == 201, created.json
    assert created.json | {"id": 0} == {
        "id": 0, "code": "XA-MOI", "name": "Xã Mới", "kind": "commune", "parent_unit_id": None,
        "valid_from": "2025-07-01", "valid_to": None, "status": "upcoming",
        "authority": {"id": unit("TT-PLEIKAN").authority_id, "code": "UBND-NGOCHOI",
                      "name": "Ủy ban nhân dân huyện Ngọc Hồi"},
    }  # fmt: skip
    listed = client.get(API, headers=headers, query_string={"status": "upcoming"}).json
    assert [item["code"] for item in listed["items"]] == ["XA-MOI"]
    assert listed["meta"] == {"page": 1, "per_page": 25, "total": 1, "pages": 1}
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.action, entry.entity_id) == ("unit_created", created.json["id"])


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"code", "name", "kind", "valid_from"}),
        ({"code": "X", "name": "X", "kind": "village", "valid_from": "30/06/2025"}, {"kind", "valid_from"}),
        ({"code": "X", "name": "X", "kind": "school", "valid_from": "2025-01-01", "colour": "red"}, {"colour"}),
        ({"code": "TT-PLEIKAN", "name": " ", "kind": "school", "valid_from": "2025-07-01", "valid_to": "2025-06-30"},
         {"code", "name", "valid_to"}),
        ({"code": "X", "name": "X", "kind": "school", "valid_from": "2025-01-01", "authority_id": 999_999},
         {"authority_id"}),
    ],
)  # fmt: skip
def test_bad_input_names_every_field_and_writes_nothing(demo, client, bearer, body, fields):
    before = counts()
    response = client.post(API, headers=bearer("noivu"), json=body)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == fields
    assert counts() == before


def test_a_bad_change_names_the_field_and_changes_nothing(demo, client, bearer):
    school = unit("TH-DAKXU")
    before = counts()
    response = client.patch(
        f"{API}/{school.id}", headers=bearer("noivu"), json={"valid_to": "2019-12-31", "code": "TT-PLEIKAN"}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "code": ["Mã đơn vị TT-PLEIKAN đã được dùng."],
        "valid_to": ["Ngày cuối cùng hoạt động không được trước ngày bắt đầu hoạt động."],
    }
    assert counts() == before
    assert (unit("TH-DAKXU").code, unit("TH-DAKXU").valid_to) == ("TH-DAKXU", None)
    moved = client.patch(f"{API}/{school.id}", headers=bearer("noivu"), json={"authority_id": 1})
    assert moved.json["errors"] == {"authority_id": ["Trường này không được hỗ trợ."]}


def test_another_authoritys_office_can_neither_change_nor_see_the_unit(demo, client, bearer, other_authority):
    commune = unit("XA-DAKXU")
    before = counts()
    refused = client.patch(f"{API}/{commune.id}", headers=bearer("noivu.dakto"), json={"valid_to": "2025-06-30"})
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    assert counts() == before and unit("XA-DAKXU").valid_to is None
    listed = client.get(API, headers=bearer("noivu.dakto")).json["items"]
    assert [item["code"] for item in listed] == ["DT-DIENBINH", "DT-NOIVU"]
    assert client.get(API, headers=bearer("canbo.dakxu")).status_code == 403
    missing = client.patch(f"{API}/2147483647", headers=bearer("noivu"), json={"valid_to": "2025-06-30"})
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"


def test_a_unit_error_is_in_the_token_users_language(demo, client, user, bearer):
    office = user("noivu")
    office.language = "en"
    db.session.commit()
    response = client.post(
        API, headers=bearer("noivu"), json={"code": "Xã", "name": "X", "kind": "school", "valid_from": "2025-01-01"}
    )
    assert response.json["errors"] == {
        "code": ["A code has unaccented letters, digits and the signs - _ . only (for example XA-DAKXU)."]
    }


def test_the_openapi_document_has_the_units_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths[API]) == {"get", "post"}
    assert set(paths[API + "/{unit_id}"]) - {"parameters"} == {"patch"}
