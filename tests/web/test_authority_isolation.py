"""Two authorities side by side: Ngọc Hồi's users (its standing office included) never reach Đắk Tô's dossiers,
people, awards or units, through pages, the API, lists, merges or imports; each list shows only its own side.

The expected answers are written out here, one row per (route, actor), from the rule "an authority's officials see
their authority; a unit sees its unit; the administrator sees everything"."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import Nominee, RegistryEntry, Unit, db
from tests.conftest import AuthActions, csrf_token_from
from workflow.accounts.tokens import issue_token
from workflow.registry import xlsx as imports
from workflow.registry.identity import find_or_create_nominee, record_unit_history


@pytest.fixture
def world(other_authority, user):
    """Ngọc Hồi's own namesakes of Nguyễn Văn An (one in Plei Kần, one in Đắk Xú) beside Đắk Tô's."""
    def unit_id(code):
        return db.session.scalar(select(Unit.id).where(Unit.code == code))

    ours = {}
    for key, code in (("an_pleikan", "TT-PLEIKAN"), ("an_dakxu", "XA-DAKXU")):
        person = find_or_create_nominee(db.session, kind="person", full_name="Nguyễn Văn An",
                                        date_of_birth=date(1985, 3, 12), national_id=None, gender=None,
                                        unit_id=unit_id(code))
        record_unit_history(db.session, person, year=2023, unit_id=unit_id(code))
        ours[key] = person
    db.session.commit()
    return {**other_authority, "ours": ours}


def browser(app, username: str):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def bearer(user, username: str) -> dict[str, str]:
    token = issue_token(db.session, user(username)).token
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# (path template, actor, expected status): Đắk Tô's objects for Ngọc Hồi's actors, and their own for contrast.
PAGE_MATRIX = [
    ("/dossiers/{dossier}", "noivu", 403),
    ("/dossiers/{dossier}", "thuky", 403),
    ("/dossiers/{dossier}", "chutich", 403),
    ("/dossiers/{dossier}", "canbo.pleikan", 403),
    ("/dossiers/{dossier}", "noivu.dakto", 200),
    ("/dossiers/{dossier}/timeline", "noivu", 403),
    ("/dossiers/{dossier}/timeline", "noivu.dakto", 200),
    ("/registry/nominees/{dung}", "noivu", 403),
    ("/registry/nominees/{dung}", "thuky", 403),
    ("/registry/nominees/{dung}", "canbo.pleikan", 403),
    ("/registry/nominees/{dung}", "noivu.dakto", 200),
    ("/registry/nominees/{dung}", "canbo.dienbinh", 200),
    ("/registry/nominees/{dung}", "admin", 200),
    ("/registry/nominees/{an_pleikan}", "noivu.dakto", 403),
    ("/registry/nominees/{an_pleikan}", "noivu", 200),
]


@pytest.mark.parametrize(("template", "username", "expected"), PAGE_MATRIX)
def test_pages_of_the_other_authority_are_refused(world, app, template, username, expected):
    path = template.format(dossier=world["dossier"].id, dung=world["people"]["dung"].id,
                           an_pleikan=world["ours"]["an_pleikan"].id)
    assert browser(app, username).get(path).status_code == expected


API_MATRIX = [
    ("/api/v1/dossiers/{dossier}", "noivu", 403),
    ("/api/v1/dossiers/{dossier}", "chutich", 403),
    ("/api/v1/dossiers/{dossier}/timeline", "noivu", 403),
    ("/api/v1/dossiers/{dossier}", "noivu.dakto", 200),
]


@pytest.mark.parametrize(("template", "username", "expected"), API_MATRIX)
def test_api_objects_of_the_other_authority_are_refused(world, client, user, template, username, expected):
    path = template.format(dossier=world["dossier"].id)
    assert client.get(path, headers=bearer(user, username)).status_code == expected


def test_each_office_lists_only_its_own_dossiers_and_registry(world, app, client, user):
    code = world["dossier"].code
    assert code not in browser(app, "noivu").get("/dossiers").get_data(as_text=True)
    assert code in browser(app, "noivu.dakto").get("/dossiers").get_data(as_text=True)
    api_ids = {d["id"] for d in client.get("/api/v1/dossiers", headers=bearer(user, "noivu")).json["items"]}
    assert world["dossier"].id not in api_ids

    ours = browser(app, "noivu").get("/registry").get_data(as_text=True)
    theirs = browser(app, "noivu.dakto").get("/registry").get_data(as_text=True)
    assert "Phan Văn Dũng" not in ours and "Xã Diên Bình" not in ours
    assert "Phan Văn Dũng" in theirs
    listed = client.get("/api/v1/registry", headers=bearer(user, "noivu")).json["items"]
    names = {entry["nominee"]["full_name"] for entry in listed}
    assert "Phan Văn Dũng" not in names


def test_another_authoritys_unit_reads_as_unknown_in_the_registry_filter(world, client, user):
    response = client.get("/api/v1/registry?unit=DT-DIENBINH", headers=bearer(user, "noivu"))
    assert response.status_code == 422
    assert response.json["errors"]["unit"] == ["Không có đơn vị này."]


def test_the_duplicates_list_pairs_only_people_of_the_offices_own_authority(world, app):
    ours = browser(app, "noivu").get("/registry/duplicates").get_data(as_text=True)
    assert f"/registry/nominees/{world['ours']['an_dakxu'].id}" in ours
    assert f"/registry/nominees/{world['people']['an_twin'].id}" not in ours
    theirs = browser(app, "noivu.dakto").get("/registry/duplicates").get_data(as_text=True)
    assert "Không thấy bản ghi nào có vẻ trùng." in theirs


def _merge(client, keep_id, duplicate_id):
    page = client.get("/registry/duplicates").get_data(as_text=True)
    return client.post("/registry/merge", data={"keep_id": keep_id, "duplicate_id": duplicate_id,
                                                "csrf_token": csrf_token_from(page)})


@pytest.mark.parametrize("side", ["keep", "duplicate"])
def test_an_office_cannot_merge_with_a_person_of_another_authority_on_either_side(world, app, side):
    ours, theirs = world["ours"]["an_pleikan"].id, world["people"]["an_twin"].id
    keep, duplicate = (theirs, ours) if side == "keep" else (ours, theirs)
    response = _merge(browser(app, "noivu"), keep, duplicate)
    assert response.status_code == 422
    assert f"Không có đối tượng mã {theirs} trong sổ theo dõi của cơ quan." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Nominee).where(Nominee.merged_into_id.is_not(None))) == 0


def test_an_office_merges_two_of_its_own_people(world, app):
    response = _merge(browser(app, "noivu"), world["ours"]["an_pleikan"].id, world["ours"]["an_dakxu"].id)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Nominee, world["ours"]["an_dakxu"].id).merged_into_id == world["ours"]["an_pleikan"].id


def _registry_file(unit_code: str) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = imports.DATA_SHEET
    sheet.append(["Họ tên", "Ngày sinh", "Số định danh cá nhân", "Đơn vị", "Loại đối tượng", "Danh hiệu", "Năm",
                  "Số quyết định", "Ngày quyết định", "Cơ quan quyết định"])
    sheet.append(["Lò Văn Nam", date(1990, 2, 2), None, unit_code, "Cá nhân", "LDTT", 2022, "5/QĐ-UBND",
                  date(2023, 1, 10), "UBND huyện Đắk Tô"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_an_office_cannot_import_awards_for_another_authoritys_unit(world, client, user):
    before = db.session.scalar(select(func.count()).select_from(RegistryEntry))
    response = client.post("/api/v1/registry/import", headers=bearer(user, "noivu"),
                           data={"file": (_registry_file("DT-DIENBINH"), "so.xlsx")})
    assert response.status_code == 422
    (error,) = response.json["report"]["errors"]
    assert (error["row"], error["header"]) == (2, "Đơn vị")
    assert "Không có đơn vị “DT-DIENBINH”" in error["reason"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RegistryEntry)) == before
    accepted = client.post("/api/v1/registry/import", headers=bearer(user, "noivu.dakto"),
                           data={"file": (_registry_file("DT-DIENBINH"), "so.xlsx")})
    assert accepted.status_code == 201


def test_the_import_template_lists_only_the_offices_own_units(world, app):
    content = browser(app, "noivu").get("/registry/import/template").data
    lists = openpyxl.load_workbook(io.BytesIO(content))[imports.LISTS_SHEET]
    codes = {row[4] for row in lists.iter_rows(min_row=2, values_only=True) if row[4]}
    assert "TT-PLEIKAN" in codes and "DT-DIENBINH" not in codes
