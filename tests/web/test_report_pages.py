"""The report pages: the secretary reads the yearly statistics, filters them, downloads them as Excel and PDF; the
chairman finds them from his home page; a unit's people may not open them; a bad filter is a clear 422. Figures
are the hand counts of tests/unit/test_reports.py (from workflow/demo/)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from models import Unit, db
from tests.conftest import AuthActions


def test_the_secretary_reads_the_statistics_of_2024_with_their_totals(demo_story, client):
    AuthActions(client).login("thuky")
    page = client.get("/reports/statistics").get_data(as_text=True)
    assert "Thống kê đề nghị khen thưởng theo đơn vị, danh hiệu và kết quả" in page
    assert "Năm thành tích 2024" in page
    assert "Chiến sĩ thi đua cấp tỉnh" in page and "Xã Đắk Xú" in page
    totals = page.split('data-testid="report-totals"')[1].split("</tr>")[0]
    # 22 proposed, 7 eligible, 6 approved, 4 awarded, 1 not awarded, 0 withdrawn, 17 in progress.
    cells = [c.split(">", 1)[1].split("<")[0] for c in totals.split("<td")[1:]]
    assert cells == ["Tổng cộng", "", "22", "7", "6", "4", "1", "0", "17"]


def test_filtering_by_unit_and_title_and_downloading_the_same_selection(demo_story, client):
    AuthActions(client).login("thuky")
    dakxu = db.session.scalar(select(Unit).where(Unit.code == "XA-DAKXU"))
    page = client.get(f"/reports/statistics?year=2024&unit_id={dakxu.id}&title=LDTT").get_data(as_text=True)
    assert "Xã Đắk Xú" in page and "Thị trấn Plei Kần</td>" not in page
    download = client.get(f"/reports/statistics.xlsx?year=2024&unit_id={dakxu.id}&title=LDTT")
    assert download.status_code == 200
    assert "thong-ke-khen-thuong-2024.xlsx" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet["A3"].value == "Xã Đắk Xú" and sheet["C3"].value == 7 and sheet["F3"].value == 2
    pdf = client.get("/reports/annual.pdf?year=2025")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "bao-cao-thi-dua-khen-thuong-2025.pdf" in pdf.headers["Content-Disposition"]


def test_the_money_page_shows_the_amounts_with_dot_separators(demo_story, client):
    AuthActions(client).login("noivu")
    page = client.get("/reports/money").get_data(as_text=True)
    assert "2.840.000" in page and "Năm quyết định: tất cả" in page


def test_the_chairman_finds_the_reports_on_his_home_page(demo_story, client):
    AuthActions(client).login("chutich")
    home = client.get("/chairman").get_data(as_text=True)
    assert 'href="/reports/"' in home
    index = client.get("/reports/").get_data(as_text=True)
    for title in ("Tỷ lệ hồ sơ giải quyết đúng thời hạn", "Tổng hợp kết quả thi đua, khen thưởng"):
        assert title in index


def test_a_unit_officer_may_not_open_the_reports(demo_story, client):
    AuthActions(client).login("canbo.pleikan")
    assert client.get("/reports/statistics").status_code == 403


def test_a_bad_filter_is_a_422_naming_it_and_an_unknown_report_a_404(demo_story, client):
    AuthActions(client).login("thuky")
    outside = db.session.scalar(select(Unit).where(Unit.code == "XA-VP"))  # the successor commune's
    refused = client.get(f"/reports/statistics?unit_id={outside.id}")
    assert refused.status_code == 422
    assert "Không có đơn vị này trong phạm vi báo cáo của bạn." in refused.get_data(as_text=True)
    assert client.get("/reports/statistics?year=abc").status_code == 422
    assert client.get("/reports/nothing").status_code == 404


def test_the_page_builds_the_excel_in_the_background_and_the_job_hands_over_the_same_selection(demo_story, client):
    """Issue 13 part 5: the export runs as a job (progress on its page); the file holds the page's selection."""
    from tests.conftest import csrf_token_from
    from tests.web.test_job_pages import wait_for

    AuthActions(client).login("thuky")
    dakxu = db.session.scalar(select(Unit).where(Unit.code == "XA-DAKXU"))
    query = f"year=2024&unit_id={dakxu.id}&title=LDTT"
    page = client.get(f"/reports/statistics?{query}").get_data(as_text=True)
    response = client.post(
        f"/reports/statistics/export?{query}", data={"csrf_token": csrf_token_from(page), "format": "xlsx"}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    job = wait_for(int(response.headers["Location"].removeprefix("/jobs/")))
    assert job.state == "done" and (job.done, job.total) == (1, 1)  # one row: Đắk Xú's LĐTT
    download = client.get(f"/jobs/{job.id}/file")
    content = download.data
    download.close()
    assert "thong-ke-khen-thuong-2024.xlsx" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A3"].value == "Xã Đắk Xú" and sheet["C3"].value == 7 and sheet["F3"].value == 2
