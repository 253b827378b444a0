"""Import pages: the templates download as real workbooks; a sent file is imported by a background job whose page
shows, for a refused file, its validation report (row, column, reason) with nothing written, and for a good one
what was written and counted; each page only for those who may import."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import Nomination, RegistryEntry, db
from tests.conftest import PDF_BYTES, csrf_token_from
from tests.web.test_job_pages import finished_page
from workflow.registry import xlsx as imports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRY_ROW = [
    "Nguyễn Văn An", date(1985, 3, 12), None, "TT-PLEIKAN", "Cá nhân", "LDTT", 2023, "12/QĐ-UBND", date(2024, 1, 15),
    "UBND huyện Ngọc Hồi", "Thường xuyên", 540000,
]  # fmt: skip
NOMINEE_ROW = ["Cá nhân", "Nguyễn Văn An", date(1985, 3, 12), None, "Nam", "Chuyên viên", "LDTT",
               "Hoàn thành tốt nhiệm vụ", 12, None, None, ""]  # fmt: skip


def filled(template: bytes, rows: list[list]) -> io.BytesIO:
    book = openpyxl.load_workbook(io.BytesIO(template))
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            book[imports.DATA_SHEET].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def upload(client, page: str, content: io.BytesIO, filename: str = "danh-sach.xlsx"):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(page, data={"csrf_token": token, "file": (content, filename)})


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(RegistryEntry))


@pytest.fixture
def office(demo, client, auth):
    auth.login("noivu")
    return client


def registry_template(client) -> bytes:
    return client.get("/registry/import/template").get_data()


# --- past awards ---------------------------------------------------------------------------------------------------


def test_the_registry_template_downloads_as_a_workbook_openpyxl_can_read(office):
    response = office.get("/registry/import/template")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "mau-nhap-so-theo-doi-khen-thuong.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục"]
    assert book["Dữ liệu"]["A2"].value == "Họ tên *"


def test_the_import_page_offers_the_template_and_the_upload_form(office):
    html = office.get("/registry/import").get_data(as_text=True)
    assert 'href="/registry/import/template"' in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "tối đa 5 MB và 2.000 dòng" in html


def test_a_file_with_bad_rows_shows_the_validation_report_and_writes_nothing(office):
    rows = [
        REGISTRY_ROW,
        [*REGISTRY_ROW[:1], "không rõ", *REGISTRY_ROW[2:]],
        [*REGISTRY_ROW[:5], "KHONG_CO", *REGISTRY_ROW[6:]],
        [*REGISTRY_ROW[:6], "năm ngoái", *REGISTRY_ROW[7:]],
    ]
    response = upload(office, "/registry/import", filled(registry_template(office), rows))
    html = finished_page(office, response)
    assert "Tệp chưa được nhập" in html
    assert "Đã đọc 4 dòng; 3 dòng có lỗi; chưa ghi dòng nào." in html
    assert "<tr><td>4</td><td>B</td><td>Ngày sinh</td><td>Ngày không hợp lệ" in html
    assert "<tr><td>5</td><td>F</td><td>Danh hiệu</td>" in html
    assert "<tr><td>6</td><td>G</td><td>Năm</td><td>Phải là một số nguyên.</td></tr>" in html
    db.session.rollback()
    assert entries() == 0


def test_a_good_file_is_written_and_counted(office):
    second = ["Trần Thị Bình", date(1990, 2, 1), *REGISTRY_ROW[2:]]
    response = upload(office, "/registry/import", filled(registry_template(office), [REGISTRY_ROW, second]))
    page = finished_page(office, response)
    assert "Đã đọc 2 dòng, đã ghi 2 dòng." in page and 'href="/registry"' in page
    html = office.get("/registry").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html and "Nhập từ Excel" in html
    db.session.rollback()
    assert entries() == 2


def test_a_pdf_renamed_xlsx_is_refused_with_a_clear_message(office):
    response = upload(office, "/registry/import", io.BytesIO(PDF_BYTES), "so-khen-thuong.xlsx")
    html = finished_page(office, response)
    assert "Tệp không phải bảng tính Excel .xlsx (kiểm tra theo nội dung tệp" in html
    assert "Không thực hiện được" in html and 'href="/registry/import"' in html


def test_sending_the_form_without_a_file_asks_for_one(office):
    token = csrf_token_from(office.get("/registry/import").get_data(as_text=True))
    response = office.post("/registry/import", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Vui lòng chọn tệp." in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["canbo.pleikan", "thuky", "chutich"])
def test_only_the_office_or_the_administrator_imports_past_awards(demo, client, auth, username):
    auth.login(username)
    assert client.get("/registry/import").status_code == 403
    assert client.get("/registry/import/template").status_code == 403


# --- a nominee list into a dossier -------------------------------------------------------------------------------


@pytest.fixture
def draft(make_dossier, client, auth):
    dossier = make_dossier(nominees=(), complete=False)
    auth.login("canbo.pleikan")
    return dossier


def test_the_officer_downloads_the_dossiers_template_and_imports_a_list(draft, client):
    response = client.get(f"/dossiers/{draft.id}/import/template")
    assert response.mimetype == XLSX
    assert f"mau-danh-sach-de-nghi-{draft.code}.xlsx" in response.headers["Content-Disposition"]
    second = [*NOMINEE_ROW[:1], "Trần Thị Bình", date(1990, 2, 1), *NOMINEE_ROW[3:]]
    response = upload(client, f"/dossiers/{draft.id}/import", filled(response.get_data(), [NOMINEE_ROW, second]))
    page = finished_page(client, response)
    assert "Đã đọc 2 dòng, đã ghi 2 dòng." in page and f'href="/dossiers/{draft.id}#nominations"' in page
    html = client.get(f"/dossiers/{draft.id}").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html


def test_a_bad_title_on_one_row_shows_the_report_and_adds_nobody(draft, client):
    template = client.get(f"/dossiers/{draft.id}/import/template").get_data()
    rows = [NOMINEE_ROW, [*NOMINEE_ROW[:1], "Trần Thị Bình", date(1990, 2, 1), *NOMINEE_ROW[3:6], "XYZ"]]
    response = upload(client, f"/dossiers/{draft.id}/import", filled(template, rows))
    html = finished_page(client, response)
    assert "<tr><td>4</td><td>G</td><td>Danh hiệu đề nghị</td>" in html
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0


@pytest.mark.parametrize("username", ["truong.pleikan", "canbo.dakxu", "noivu"])
def test_only_the_units_officer_may_import_into_a_draft(make_dossier, client, auth, username):
    dossier = make_dossier(nominees=(), complete=False)
    auth.login(username)
    assert client.get(f"/dossiers/{dossier.id}/import").status_code == 403
    assert client.get(f"/dossiers/{dossier.id}/import/template").status_code == 403
