"""The registry API: search with name, unit, title and year filters inside the caller's view, and the all-or-nothing
Excel import (201 with the report, 422 with every bad row and nothing written)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import RegistryEntry, Unit, User, db
from tests.conftest import PDF_BYTES
from workflow.accounts.tokens import issue_token
from workflow.registry import award_import
from workflow.registry import entries as registry
from workflow.registry import xlsx as imports
from workflow.registry.identity import find_or_create_nominee

API = "/api/v1/registry"
ROW = [
    "Nguyễn Văn An", date(1985, 3, 12), "062085001234", "TT-PLEIKAN", "Cá nhân", "LDTT", 2023, "12/QĐ-UBND",
    date(2024, 1, 15), "UBND huyện Ngọc Hồi", "Thường xuyên", 540000,
]  # fmt: skip


def office_user():
    return db.session.scalar(select(User).where(User.username == "noivu"))


@pytest.fixture
def call(client, demo, user):
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            tokens[username] = issue_token(db.session, user(username)).token
            db.session.commit()
        return {"Authorization": f"Bearer {tokens[username]}"}

    def send(method: str, username: str, path: str = "", **kwargs):
        return client.open(API + path, method=method, headers=headers(username), **kwargs)

    return send


@pytest.fixture
def entries(demo, user):
    office = user("noivu")
    for name, unit_code, title, year in [
        ("Nguyễn Văn An", "TT-PLEIKAN", "LDTT", 2022),
        ("Nguyễn Văn An", "TT-PLEIKAN", "CSTDCS", 2023),
        ("Đỗ Thị Lan", "P-GDDT", "LDTT", 2023),
    ]:
        nominee = find_or_create_nominee(
            db.session,
            kind="person",
            full_name=name,
            date_of_birth=date(1985, 3, 12),
            national_id=None,
            gender=None,
            unit_id=db.session.scalar(select(Unit.id).where(Unit.code == unit_code)),
        )
        registry.record_entry(
            db.session,
            nominee=nominee,
            title_code=title,
            year=year,
            decision_number=f"{year}{title}/QĐ-UBND",
            decision_date=date(year + 1, 1, 15),
            deciding_authority="UBND huyện Ngọc Hồi",
            actor=office,
        )
    db.session.commit()


def xlsx(rows: list[list]) -> io.BytesIO:
    book = openpyxl.load_workbook(io.BytesIO(award_import.registry_template(db.session, office_user())))
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            book[imports.DATA_SHEET].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(RegistryEntry))


# --- search --------------------------------------------------------------------------------------------------------


def test_the_office_lists_the_registry_newest_first_with_a_page_meta(entries, call):
    body = call("GET", "noivu").json
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 3, "pages": 1}
    assert [(e["nominee"]["full_name"], e["title_code"], e["year"]) for e in body["items"]] == [
        ("Đỗ Thị Lan", "LDTT", 2023),
        ("Nguyễn Văn An", "CSTDCS", 2023),
        ("Nguyễn Văn An", "LDTT", 2022),
    ]
    first = body["items"][1]
    assert first["nominee"]["unit"]["code"] == "TT-PLEIKAN"
    assert (first["decision_number"], first["decision_date"], first["source"], first["revoked_at"]) == (
        "2023CSTDCS/QĐ-UBND",
        "2024-01-15",
        "system",
        None,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?name=đỗ", [("Đỗ Thị Lan", 2023)]),
        ("?unit=TT-PLEIKAN&year=2022", [("Nguyễn Văn An", 2022)]),
        ("?title=LDTT", [("Đỗ Thị Lan", 2023), ("Nguyễn Văn An", 2022)]),
        ("?unit=Phòng Giáo dục và Đào tạo", [("Đỗ Thị Lan", 2023)]),
    ],
)
def test_the_registry_is_filtered_by_name_unit_title_and_year(entries, call, query, expected):
    items = call("GET", "noivu", query).json["items"]
    assert [(e["nominee"]["full_name"], e["year"]) for e in items] == expected


@pytest.mark.parametrize("unit", ["KHONG-CO", "99999999999999999999999"])
def test_an_unknown_unit_is_a_field_error(entries, call, unit):
    response = call("GET", "noivu", f"?unit={unit}")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert response.json["errors"] == {"unit": ["Không có đơn vị này."]}


def test_a_unit_caller_gets_only_its_own_people(entries, call):
    items = call("GET", "canbo.pleikan").json["items"]
    assert {e["nominee"]["full_name"] for e in items} == {"Nguyễn Văn An"}


def test_a_council_member_is_refused_and_an_anonymous_caller_asked_for_a_token(entries, call, client):
    assert call("GET", "uyvien3").status_code == 403
    assert client.get(API).status_code == 401


# --- import --------------------------------------------------------------------------------------------------------


def test_a_good_import_answers_201_with_its_report(demo, call):
    response = call("POST", "noivu", "/import", data={"file": (xlsx([ROW]), "so.xlsx")})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json == {"rows_read": 1, "rows_written": 1, "errors": []}
    assert count() == 1


def test_an_import_with_bad_rows_answers_422_with_every_bad_row_and_writes_nothing(demo, call):
    rows = [ROW, [*ROW[:3], "XA-KHONG-CO", *ROW[4:]], [*ROW[:8], "hôm qua", *ROW[9:]]]
    response = call("POST", "noivu", "/import", data={"file": (xlsx(rows), "so.xlsx")})
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    body = response.json
    assert body["detail"] == "Tệp có 2 dòng lỗi; chưa ghi dòng nào."
    assert body["report"]["rows_read"] == 3 and body["report"]["rows_written"] == 0
    assert [(e["row"], e["column"], e["header"]) for e in body["report"]["errors"]] == [
        (4, "D", "Đơn vị"),
        (5, "I", "Ngày quyết định"),
    ]
    assert count() == 0


def test_a_file_that_is_not_xlsx_is_a_field_error(demo, call):
    response = call("POST", "noivu", "/import", data={"file": (io.BytesIO(PDF_BYTES), "so.xlsx")})
    assert response.status_code == 422
    assert response.json["errors"]["file"][0].startswith("Tệp không phải bảng tính Excel .xlsx")


def test_a_unit_officer_cannot_import_into_the_registry(demo, call):
    response = call("POST", "canbo.pleikan", "/import", data={"file": (xlsx([ROW]), "so.xlsx")})
    assert response.status_code == 403
    assert count() == 0


def test_the_openapi_document_describes_the_registry_endpoints(demo, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths[API]) == {"get"} and set(paths[API + "/import"]) == {"post"}
    parameters = {p["name"] for p in paths[API]["get"]["parameters"]}
    assert {"name", "unit", "title", "year", "page", "per_page"} <= parameters
