"""The reports API: each report's figures as JSON, and the Excel and PDF files, for the office, the secretary, the
chairman and the administrator. Figures are the hand counts of tests/unit/test_reports.py (from workflow/demo/)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.web.test_api import api, problem  # noqa: F401  (the fixture)


def test_the_secretary_reads_the_statistics_as_json(demo_story, api):  # noqa: F811
    response = api.get("thuky", "/reports/statistics?year=2024&title=LDTT")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["year"] == 2024 and body["authority"] == "Ủy ban nhân dân huyện Ngọc Hồi"
    assert [c["key"] for c in body["columns"]][:3] == ["unit", "title", "proposed"]
    assert {r["unit"]: (r["proposed"], r["awarded"]) for r in body["rows"]} == {
        "Phòng Giáo dục và Đào tạo": (7, 0),
        "Thị trấn Plei Kần": (7, 2),
        "Xã Đắk Xú": (7, 2),
    }
    assert body["totals"]["proposed"] == 21


def test_the_timeliness_ratio_and_the_money_come_as_numbers(demo_story, api):  # noqa: F811
    timely = api.get("noivu", "/reports/timeliness?year=2025").json
    assert timely["totals"]["handled"] == 3 and timely["totals"]["share"] == 1
    money = api.get("chutich", "/reports/money?year=2025").json
    assert money["rows"] == [
        {"year": 2025, "title": "Lao động tiên tiến", "persons": 4, "collectives": 0, "amount": 2_840_000}
    ]


def test_the_downloads_are_an_xlsx_and_a_pdf(demo_story, api):  # noqa: F811
    xlsx = api.get("admin", "/reports/annual.xlsx?year=2025")
    assert xlsx.status_code == 200
    assert "bao-cao-thi-dua-khen-thuong-2025.xlsx" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["E5"].value == "=SUM(E3:E4)" and sheet["E3"].value + sheet["E4"].value == 2_840_000
    pdf = api.get("thuky", "/reports/statistics.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_refusals(demo_story, api):  # noqa: F811
    problem(api.get("canbo.pleikan", "/reports/statistics"), 403)
    bad = problem(api.get("thuky", "/reports/statistics?year=20245&title=KHONG_CO"), 422)
    assert "year" in str(bad)
    assert "title" in str(problem(api.get("thuky", "/reports/statistics?title=KHONG_CO"), 422))
    assert api.get("thuky", "/reports/nothing").status_code == 404


def test_the_reports_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/reports/{report}", "/api/v1/reports/{report}.xlsx", "/api/v1/reports/{report}.pdf"} <= set(paths)
