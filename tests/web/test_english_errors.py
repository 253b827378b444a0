"""A user who reads English gets the domain's refusals in English: a service's field error on a form, a failed
guard, a refused or stale transition, an Excel import's row reasons and the API's problem details (the API speaks
the token user's language). A Vietnamese user still reads the Vietnamese. The English is written out here, not read
from the catalogue, so a missing or wrong translation fails."""

from __future__ import annotations

import html
import io
from datetime import date

import openpyxl
import pytest

from models import db
from tests.conftest import csrf_token_from
from tests.web.test_job_pages import finished_page
from workflow.accounts.tokens import issue_token
from workflow.core.today import local_today
from workflow.registry import award_import
from workflow.registry import xlsx as imports

REGISTRY_ROW = [
    "Nguyễn Văn An", date(1985, 3, 12), None, "TT-PLEIKAN", "Cá nhân", "LDTT", 2023, "12/QĐ-UBND", date(2024, 1, 15),
    "UBND huyện Ngọc Hồi", "Thường xuyên", 540000,
]  # fmt: skip
UNKNOWN_TITLE = (
    "The title or form “KHONG_CO” is not in any rule set; write the code as on the “Danh mục” (Lists) sheet."
)
BAD_ROWS = [
    REGISTRY_ROW,
    [*REGISTRY_ROW[:1], "không rõ", *REGISTRY_ROW[2:]],
    [*REGISTRY_ROW[:5], "KHONG_CO", *REGISTRY_ROW[6:]],
    [*REGISTRY_ROW[:6], "năm ngoái", *REGISTRY_ROW[7:]],
]


@pytest.fixture
def english(demo, user):
    """Switch a demo user's interface to English."""

    def switch(username: str):
        account = user(username)
        account.language = "en"
        db.session.commit()
        return account

    return switch


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def years_message(english_text: bool) -> str:
    last = local_today().year + 1
    if english_text:
        return f"The achievement year must be from 2000 to {last}."
    return f"Năm thành tích phải từ 2000 đến {last}."


def create_dossier_page(client, year: int):
    token = csrf_token_from(client.get("/dossiers/new").get_data(as_text=True))
    return client.post(
        "/dossiers/new", data={"csrf_token": token, "procedure": "regular", "year": str(year), "title": "Năm cũ"}
    )


def act(client, dossier, trigger: str, version: int):
    token = csrf_token_from(client.get(f"/dossiers/{dossier.id}").get_data(as_text=True))
    return client.post(f"/dossiers/{dossier.id}/actions/{trigger}", data={"csrf_token": token, "version": str(version)})


def registry_xlsx(rows: list[list], template: bytes) -> io.BytesIO:
    book = openpyxl.load_workbook(io.BytesIO(template))
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            book[imports.DATA_SHEET].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def bearer(account) -> dict[str, str]:
    token = issue_token(db.session, account).token
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# --- pages ---------------------------------------------------------------------------------------------------------


def test_a_services_field_error_on_a_form_is_in_english(english, client, auth):
    english("canbo.pleikan")
    auth.login("canbo.pleikan")
    response = create_dossier_page(client, 1990)
    assert response.status_code == 422
    text = page_text(response)
    assert years_message(english_text=True) in text
    assert years_message(english_text=False) not in text


def test_a_vietnamese_user_still_reads_the_vietnamese(demo, client, auth):
    auth.login("canbo.pleikan")
    response = create_dossier_page(client, 1990)
    assert response.status_code == 422
    text = page_text(response)
    assert years_message(english_text=False) in text
    assert years_message(english_text=True) not in text


def test_a_failed_guard_page_lists_the_failures_in_english(english, make_dossier, client, auth):
    dossier = make_dossier(nominees=(), complete=False)
    english("canbo.pleikan")
    auth.login("canbo.pleikan")
    response = act(client, dossier, "submit_to_head", dossier.version)
    assert response.status_code == 422
    text = page_text(response)
    assert "The dossier has no nominated person or collective yet." in text
    assert "Missing document: " in text
    assert "Hồ sơ chưa có người/tập thể nào được đề nghị." not in text and "Thiếu tài liệu" not in text


def test_a_stale_version_is_answered_in_english(english, make_dossier, client, auth):
    dossier = make_dossier()
    english("canbo.pleikan")
    auth.login("canbo.pleikan")
    response = act(client, dossier, "submit_to_head", dossier.version - 1)
    assert response.status_code == 409
    assert "The dossier was changed by someone else, please reload" in page_text(response)


def test_an_import_reports_its_row_errors_in_english(english, client, auth):
    english("noivu")
    auth.login("noivu")
    template = client.get("/registry/import/template").get_data()
    token = csrf_token_from(client.get("/registry/import").get_data(as_text=True))
    response = client.post(
        "/registry/import", data={"csrf_token": token, "file": (registry_xlsx(BAD_ROWS, template), "so.xlsx")}
    )
    text = html.unescape(finished_page(client, response))
    assert "<td>Invalid date; write it as day/month/year, e.g. 31/01/1980.</td>" in text
    assert "<td>Must be a whole number.</td>" in text
    assert UNKNOWN_TITLE in text  # naming where it looked, itself a translated message
    assert "Phải là một số nguyên." not in text and "bộ quy định nào" not in text


# --- the API: the token user's language ----------------------------------------------------------------------------


def test_an_api_field_error_is_in_the_token_users_language(english, client, user):
    headers = bearer(english("canbo.pleikan"))
    response = client.post(
        "/api/v1/dossiers", headers=headers, json={"procedure": "regular", "year": 1990, "title": "Năm cũ"}
    )
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert response.json["title"] == "Invalid data"
    assert response.json["errors"] == {"year": [years_message(english_text=True)]}

    vietnamese = client.post(
        "/api/v1/dossiers",
        headers=bearer(user("canbo.dakxu")),
        json={"procedure": "regular", "year": 1990, "title": "Năm cũ"},
    )
    assert vietnamese.json["errors"] == {"year": [years_message(english_text=False)]}


def test_an_api_transition_not_allowed_now_is_in_english(english, make_dossier, client):
    dossier = make_dossier()
    headers = bearer(english("canbo.pleikan"))
    response = client.post(
        f"/api/v1/dossiers/{dossier.id}/transitions",
        headers=headers,
        json={"trigger": "accept", "version": dossier.version, "data": {}},
    )
    assert response.status_code == 409
    assert response.json["detail"] == (
        "“accept” cannot be done while the dossier is in the state “draft”. "
        "Actions allowed now: submit_to_head, withdraw."
    )


def test_an_api_import_report_is_in_english(english, client):
    office = english("noivu")
    template = award_import.registry_template(db.session, office)
    response = client.post(
        "/api/v1/registry/import",
        headers=bearer(office),
        data={"file": (registry_xlsx(BAD_ROWS, template), "so.xlsx")},
    )
    assert response.status_code == 422
    body = response.json
    assert body["detail"] == "The file has 3 rows with errors; no rows were saved."
    assert [(e["row"], e["column"], e["reason"]) for e in body["report"]["errors"]] == [
        (4, "B", "Invalid date; write it as day/month/year, e.g. 31/01/1980."),
        (5, "F", UNKNOWN_TITLE),
        (6, "G", "Must be a whole number."),
    ]
