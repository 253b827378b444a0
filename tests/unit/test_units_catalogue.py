"""The units catalogue service: who keeps which units, every field checked at once with nothing written, every
change audited with its old and new values, and a unit with dossiers in hand may still end (they carry on, with a
warning). Expected values are the demo's (Ngọc Hồi's units, test day 16 June 2025) and written out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Dossier, Unit, db
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.org import units

TODAY = date(2025, 6, 16)
NEW = {"code": "  xa-moi ", "name": "  Xã   Ngọc Hồi  Mới ", "kind": "commune", "valid_from": date(2025, 7, 1)}


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count(Unit.id))), db.session.scalar(select(func.count(AuditEntry.id)))


def last_audit() -> AuditEntry:
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def refused(call) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as caught:
        call()
    db.session.rollback()
    return caught.value.errors


def test_the_office_adds_a_unit_of_its_own_authority_kept_as_typed_cleanly_and_audited(demo, user):
    office = user("noivu")
    created = units.create_unit(db.session, office, NEW)
    db.session.commit()
    assert (created.code, created.name, created.kind) == ("XA-MOI", "Xã Ngọc Hồi Mới", "commune")
    assert created.authority.code == "UBND-NGOCHOI"
    assert (created.valid_from, created.valid_to, created.parent_unit_id) == (date(2025, 7, 1), None, None)
    entry = last_audit()
    assert (entry.entity_type, entry.entity_id, entry.action, entry.actor_id) == (
        "unit", created.id, "unit_created", office.id,
    )  # fmt: skip
    assert entry.data == {
        "authority_id": created.authority_id, "code": "XA-MOI", "name": "Xã Ngọc Hồi Mới", "kind": "commune",
        "parent_unit_id": None, "valid_from": "2025-07-01", "valid_to": None,
    }  # fmt: skip


def test_every_bad_field_is_named_at_once_and_nothing_is_written(demo, user):
    before = counts()
    bad = {"code": "Xã mới", "name": "   ", "kind": "village", "parent_unit_id": 999_999,
           "valid_from": date(2025, 7, 1), "valid_to": date(2025, 6, 30)}  # fmt: skip
    errors = refused(lambda: units.create_unit(db.session, user("noivu"), bad))
    assert errors == {
        "code": ["Mã chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (ví dụ XA-DAKXU)."],
        "name": ["Vui lòng nhập tên đơn vị."],
        "kind": ["Loại đơn vị không hợp lệ."],
        "parent_unit_id": ["Không có đơn vị này."],
        "valid_to": ["Ngày cuối cùng hoạt động không được trước ngày bắt đầu hoạt động."],
    }
    assert refused(lambda: units.create_unit(db.session, user("noivu"), {})) == {
        "code": ["Vui lòng nhập mã đơn vị."],
        "name": ["Vui lòng nhập tên đơn vị."],
        "kind": ["Loại đơn vị không hợp lệ."],
        "valid_from": ["Vui lòng nhập ngày bắt đầu hoạt động."],
    }
    assert counts() == before


def test_a_code_is_taken_whatever_its_case_and_a_one_day_unit_is_allowed(demo, user):
    office = user("noivu")
    assert refused(lambda: units.create_unit(db.session, office, {**NEW, "code": "tt-pleikan"})) == {
        "code": ["Mã đơn vị TT-PLEIKAN đã được dùng."]
    }
    one_day = units.create_unit(db.session, office, {**NEW, "valid_to": NEW["valid_from"]})
    assert one_day.valid_to == one_day.valid_from == date(2025, 7, 1)


def test_the_administrator_names_the_authority_the_office_may_only_use_its_own(demo, user, other_authority):
    admin, office = user("admin"), user("noivu")
    assert refused(lambda: units.create_unit(db.session, admin, NEW)) == {"authority_id": ["Vui lòng chọn cơ quan."]}
    dak_to = other_authority["authority"].id
    assert units.create_unit(db.session, admin, {**NEW, "authority_id": dak_to}).authority_id == dak_to
    errors = refused(lambda: units.create_unit(db.session, office, {**NEW, "code": "XA-KHAC", "authority_id": dak_to}))
    assert errors == {"authority_id": ["Không có cơ quan này."]}


def test_a_parent_is_of_the_same_authority_and_never_the_unit_itself_or_below_it(demo, user, other_authority):
    admin, office = user("admin"), user("noivu")
    commune = other_authority["commune"].id
    # The office does not see Đắk Tô's units at all; the administrator is told why.
    assert refused(lambda: units.create_unit(db.session, office, {**NEW, "parent_unit_id": commune})) == {
        "parent_unit_id": ["Không có đơn vị này."]
    }
    department = unit("P-GDDT")
    assert refused(lambda: units.update_unit(db.session, admin, department, {"parent_unit_id": commune})) == {
        "parent_unit_id": ["Đơn vị cấp trên phải thuộc cùng cơ quan."]
    }
    loop = ["Đơn vị không thể trực thuộc chính nó hoặc một đơn vị cấp dưới của nó."]
    school = unit("THCS-PLEIKAN")  # under P-GDDT
    assert refused(lambda: units.update_unit(db.session, office, department, {"parent_unit_id": school.id})) == {
        "parent_unit_id": loop
    }
    assert refused(lambda: units.update_unit(db.session, office, department, {"parent_unit_id": department.id})) == {
        "parent_unit_id": loop
    }
    created = units.create_unit(db.session, office, {**NEW, "kind": "school", "parent_unit_id": department.id})
    assert created.parent_unit.code == "P-GDDT"


def test_a_change_is_audited_with_old_and_new_values_and_no_change_writes_nothing(demo, user):
    office, school = user("noivu"), unit("TH-DAKXU")
    before = counts()
    assert (
        units.update_unit(db.session, office, school, {"name": " Trường Tiểu học  Đắk Xú ", "code": "th-dakxu"}) == []
    )
    assert counts() == before
    warnings = units.update_unit(
        db.session, office, school, {"name": "Trường Tiểu học xã Đắk Xú", "valid_to": date(2025, 6, 30)}
    )
    db.session.commit()
    assert warnings == []  # no dossier of the school is in hand
    entry = last_audit()
    assert (entry.entity_type, entry.entity_id, entry.action, entry.actor_id) == (
        "unit", school.id, "unit_changed", office.id,
    )  # fmt: skip
    assert entry.data == {
        "code": "TH-DAKXU",
        "changes": {
            "name": ["Trường Tiểu học Đắk Xú", "Trường Tiểu học xã Đắk Xú"],
            "valid_to": [None, "2025-06-30"],
        },
    }
    units.update_unit(db.session, office, school, {"valid_to": None})
    assert school.valid_to is None
    assert last_audit().data["changes"] == {"valid_to": ["2025-06-30", None]}


def test_a_unit_with_dossiers_in_hand_still_ends_and_they_carry_on_with_a_warning(demo, user, make_dossier):
    dossier = make_dossier(officer="canbo.dakxu")
    make_dossier(officer="canbo.dakxu", complete=False)
    commune = unit("XA-DAKXU")
    warnings = units.update_unit(db.session, user("noivu"), commune, {"valid_to": date(2025, 6, 30)})
    db.session.commit()
    assert warnings == [
        "Đơn vị còn 2 hồ sơ đang giải quyết; hồ sơ vẫn được xử lý tiếp, nhưng khen thưởng tập thể đơn vị bằng "
        "quyết định sau ngày 30/06/2025 sẽ bị chặn (điều kiện E14)."
    ]
    assert db.session.get(Dossier, dossier.id).state == "draft"
    assert commune.valid_to == date(2025, 6, 30)


def test_only_the_administrator_and_the_units_own_office_keep_it(demo, user, other_authority):
    commune = unit("XA-DAKXU")
    for outsider in (user("noivu.dakto"), user("canbo.dakxu"), user("thuky"), user("chutich")):
        with pytest.raises(PermissionDenied):
            units.update_unit(db.session, outsider, commune, {"valid_to": date(2025, 6, 30)})
    with pytest.raises(PermissionDenied):
        units.create_unit(db.session, user("canbo.dakxu"), NEW)
    db.session.rollback()
    assert unit("XA-DAKXU").valid_to is None
    units.update_unit(db.session, user("admin"), commune, {"valid_to": date(2025, 6, 30)})
    assert commune.valid_to == date(2025, 6, 30)


def codes(actor, **filters) -> list[str]:
    return [u.code for u in db.session.scalars(units.list_units(db.session, actor, today=TODAY, **filters))]


def test_the_list_stops_at_the_actors_authority_and_filters(demo, user, other_authority):
    office, admin = user("noivu"), user("admin")
    assert len(codes(office)) == 24  # the demo's Ngọc Hồi units
    assert not {"DT-NOIVU", "DT-DIENBINH"} & set(codes(office))
    assert {"DT-NOIVU", "DT-DIENBINH"} <= set(codes(admin))
    assert codes(admin, authority_id=other_authority["authority"].id) == ["DT-DIENBINH", "DT-NOIVU"]
    assert codes(user("noivu.dakto")) == ["DT-DIENBINH", "DT-NOIVU"]
    assert codes(user("canbo.dakxu")) == []
    assert codes(office, text="plei kần") == ["THCS-PLEIKAN", "TT-PLEIKAN"]
    assert codes(office, kind="school") == ["MN-HOAHONG", "TH-DAKXU", "THCS-PLEIKAN"]
    units.update_unit(db.session, office, unit("MN-HOAHONG"), {"valid_to": date(2025, 6, 1)})
    units.create_unit(db.session, office, NEW)
    assert codes(office, status="ended") == ["MN-HOAHONG"]
    assert codes(office, status="upcoming") == ["XA-MOI"]
    assert len(codes(office, status="active")) == 23
    assert refused(lambda: codes(office, kind="village", status="gone")) == {
        "kind": ["Loại đơn vị không hợp lệ."],
        "status": ["Tình trạng phải là đang hoạt động, đã giải thể hoặc chưa hoạt động."],
    }


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "expected"),
    [
        (date(2020, 1, 1), None, units.Status("active", None)),
        (date(2020, 1, 1), date(2025, 6, 30), units.Status("active", date(2025, 6, 30))),
        (date(2020, 1, 1), date(2025, 6, 16), units.Status("active", date(2025, 6, 16))),
        (date(2020, 1, 1), date(2025, 6, 15), units.Status("ended", date(2025, 6, 16))),
        (date(2025, 6, 17), None, units.Status("upcoming", date(2025, 6, 17))),
    ],
)
def test_a_units_status_on_a_day(valid_from, valid_to, expected):
    assert units.unit_status(Unit(valid_from=valid_from, valid_to=valid_to), TODAY) == expected
