"""The units catalogue pages: the standing office adds a unit and later ends it, the list shows each unit's status
and filters; a service's field error sits on its form field with nothing written; another authority's office is
refused. The suite's day is 16 June 2025."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Unit, db
from tests.conftest import csrf_token_from

PAGE = "/admin/units"
FORM = {"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_unit_id": "", "valid_from": "2025-07-01"}


@pytest.fixture
def office(demo, client, auth):
    auth.login("noivu")
    return client


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def unit(code: str) -> Unit | None:
    db.session.expire_all()
    return db.session.scalar(select(Unit).where(Unit.code == code))


def counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count(Unit.id))), db.session.scalar(select(func.count(AuditEntry.id)))


def post(client, url: str, data: dict):
    """As a browser submits the form: a select left alone sends its first option (the office's own authority)."""
    page = client.get(url).get_data(as_text=True)
    first = re.search(r'<select [^>]*name="authority_id"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    defaults = {"authority_id": first.group(1)} if first else {}
    return client.post(url, data={**defaults, **data, "csrf_token": csrf_token_from(page)})


def test_the_office_adds_a_unit_then_ends_it_and_the_list_says_so(office, user):
    created = post(office, f"{PAGE}/new", FORM)
    assert created.status_code == 302 and created.headers["Location"] == PAGE
    listed = text(office.get(PAGE))
    assert "Đã thêm đơn vị XA-MOI – Xã Mới." in listed
    assert "Hoạt động từ 01/07/2025" in listed
    new = unit("XA-MOI")
    assert (new.name, new.kind, new.authority.code, new.valid_from) == ("Xã Mới", "commune", "UBND-NGOCHOI",
                                                                         date(2025, 7, 1))  # fmt: skip

    edit = f"{PAGE}/{new.id}/edit"
    form = text(office.get(edit))
    assert 'value="XA-MOI"' in form and "Ủy ban nhân dân huyện Ngọc Hồi" in form
    ended = post(office, edit, {**FORM, "code": "XA-MOI", "valid_from": "2025-06-01", "valid_to": "2025-06-10"})
    assert ended.status_code == 302
    listed = text(office.get(PAGE))
    assert "Đã lưu đơn vị XA-MOI – Xã Mới." in listed
    assert "Đã giải thể từ 11/06/2025" in listed
    assert unit("XA-MOI").valid_to == date(2025, 6, 10)
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.action, entry.actor_id) == ("unit_changed", user("noivu").id)
    assert entry.data["changes"] == {"valid_from": ["2025-07-01", "2025-06-01"], "valid_to": [None, "2025-06-10"]}


def test_the_list_shows_each_status_and_filters(office):
    listed = text(office.get(PAGE))
    assert "24 đơn vị" in listed
    assert "Đang hoạt động, đến hết 30/06/2025" in listed  # the district's departments
    assert ">Đang hoạt động<" in listed  # the communes carry on
    schools = text(office.get(PAGE, query_string={"kind": "school", "q": "plei"}))
    assert "1 đơn vị" in schools and "THCS-PLEIKAN" in schools and "Trực thuộc Phòng Giáo dục và Đào tạo" in schools
    assert "0 đơn vị" in text(office.get(PAGE, query_string={"status": "ended"}))
    assert office.get(PAGE, query_string={"status": "gone"}).status_code == 422


def test_a_field_error_sits_on_its_field_and_nothing_is_written(office):
    before = counts()
    response = post(office, f"{PAGE}/new", {**FORM, "code": "tt-pleikan", "valid_to": "2025-06-30"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="code-error">Mã đơn vị TT-PLEIKAN đã được dùng.<' in page
    assert 'id="valid_to-error">Ngày cuối cùng hoạt động không được trước ngày bắt đầu hoạt động.<' in page
    assert counts() == before
    empty = post(office, f"{PAGE}/new", {"kind": "hamlet", "parent_unit_id": "7777"})
    assert empty.status_code == 422
    assert {"code-error", "name-error", "kind-error", "parent_unit_id-error", "valid_from-error"} <= {
        part.split('"')[0] for part in text(empty).split('id="')
    }
    assert counts() == before


def test_ending_a_unit_with_dossiers_in_hand_warns(demo, make_dossier, client, auth):
    make_dossier(officer="canbo.dakxu")
    auth.login("noivu")
    commune = unit("XA-DAKXU")
    form = {"code": "XA-DAKXU", "name": commune.name, "kind": "commune", "parent_unit_id": "",
            "valid_from": "2020-01-01", "valid_to": "2025-06-30"}  # fmt: skip
    assert post(client, f"{PAGE}/{commune.id}/edit", form).status_code == 302
    assert "Đơn vị còn 1 hồ sơ đang giải quyết; hồ sơ vẫn được xử lý tiếp" in text(client.get(PAGE))


def test_another_authoritys_office_is_refused_and_sees_only_its_own(demo, other_authority, client, auth):
    auth.login("noivu.dakto")
    commune = unit("XA-DAKXU")
    assert client.get(f"{PAGE}/{commune.id}/edit").status_code == 403
    listed = text(client.get(PAGE))
    assert "2 đơn vị" in listed and "DT-DIENBINH" in listed and "XA-DAKXU" not in listed
    # Its form offers only its own authority's units as parents.
    form = text(client.get(f"{PAGE}/new"))
    assert "DT-NOIVU – Phòng Nội vụ huyện Đắk Tô" in form and "P-GDDT" not in form


def test_the_administrator_chooses_the_authority(demo, other_authority, client, auth):
    auth.login("admin")
    dak_to = other_authority["authority"]
    response = post(client, f"{PAGE}/new", {**FORM, "authority_id": str(dak_to.id)})
    assert response.status_code == 302
    assert unit("XA-MOI").authority_id == dak_to.id
    assert "Danh mục đơn vị" in text(client.get("/admin"))
