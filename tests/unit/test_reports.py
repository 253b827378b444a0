"""The reports on the Ngọc Hồi demo (workflow/demo/), counted by hand from the seed:

- workflow/demo/dossiers.py: each of Plei Kần, Đắk Xú and Phòng Giáo dục files LĐTT dossiers; those signed off by
  the unit head for 2024 are "submitted" (3 nominees, none appraised) and "returned" (2 nominees); the 2022
  "rejected" one has 3 nominees; the drafts and the withdrawn draft never reached the district.
- workflow/demo/council.py: the first round (2 LĐTT 2024 nominees per unit, accepted on 2 June 2025) is voted on
  10 June; every nominee passes but Phòng Giáo dục's A Tuấn (4 of 7 votes). The 2023 "accepted" dossiers are
  accepted on 16 June 2025.
- workflow/demo/decisions.py: 1/QĐ-UBND of 12 June 2025 awards the 4 approved LĐTT of Plei Kần and Đắk Xú, each
  0.3 × 2,340,000 = 702,000 VND rounded up to 710,000 (docs/DOMAIN.md §3.4): 2,840,000 VND in all.
- workflow/demo/forwarding.py: Plei Kần's CSTĐ tỉnh 2024 (accepted 2 June, approved, sent up 13 June), and her
  three CSTĐCS of 2022–2024 entered from the old books without an amount.

So for the achievement year 2024, per unit: LĐTT proposed 3 + 2 + 2 = 7; Plei Kần and Đắk Xú 2 eligible, 2
approved, 2 awarded, 5 still in progress; Phòng Giáo dục 2 eligible (A Tuấn and Trần Thị Thu), 1 approved, 1 not
awarded, 6 in progress; Plei Kần's CSTĐ tỉnh 1 proposed, eligible, approved, in progress (with the province)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Unit, db
from tests.unit.test_minutes_pdf import pdf_text
from workflow.core.errors import InvalidInput
from workflow.reporting import report_pdf, report_xlsx
from workflow.reporting.reports import build_report, file_name, report_filters

STORY_DAY = date(2025, 6, 16)
DISTRICT = "Ủy ban nhân dân huyện Ngọc Hồi"
COUNTS = ("proposed", "eligible", "approved", "awarded", "not_awarded", "withdrawn", "in_progress")
# Achievement year 2024, by hand from the seed (see the module docstring): (unit, title) → COUNTS.
STATISTICS_2024 = {
    ("Phòng Giáo dục và Đào tạo", "Lao động tiên tiến"): (7, 2, 1, 0, 1, 0, 6),
    ("Thị trấn Plei Kần", "Chiến sĩ thi đua cấp tỉnh"): (1, 1, 1, 0, 0, 0, 1),
    ("Thị trấn Plei Kần", "Lao động tiên tiến"): (7, 2, 2, 2, 0, 0, 5),
    ("Xã Đắk Xú", "Lao động tiên tiến"): (7, 2, 2, 2, 0, 0, 5),
}


def _filters(username="thuky", **kwargs):
    from models import User

    actor = db.session.scalar(select(User).where(User.username == username))
    return report_filters(db.session, actor, as_of=STORY_DAY, **kwargs)


def test_statistics_count_each_units_nominations_by_title_and_outcome(demo_story):
    report = build_report(db.session, "statistics", _filters())
    assert report.year == 2024  # the year before today's, the one being commended
    assert report.authority == DISTRICT
    found = {(row["unit"], row["title"]): tuple(row[key] for key in COUNTS) for row in report.rows}
    assert found == STATISTICS_2024
    # Awarded, not awarded, withdrawn and in progress add up to the proposed, row by row.
    for figures in found.values():
        assert sum(figures[3:]) == figures[0]
    assert report.totals["proposed"] == 22 and report.totals["awarded"] == 4


def test_the_2022_rejected_dossiers_count_as_not_awarded(demo_story):
    report = build_report(db.session, "statistics", _filters(year=2022))
    assert {row["unit"]: (row["proposed"], row["not_awarded"]) for row in report.rows} == {
        "Phòng Giáo dục và Đào tạo": (3, 3),
        "Thị trấn Plei Kần": (3, 3),
        "Xã Đắk Xú": (3, 3),
    }


def test_filters_narrow_to_one_unit_and_one_title(demo_story):
    plei_kan = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    report = build_report(db.session, "statistics", _filters(unit_id=plei_kan.id, title_code="LDTT"))
    assert [(row["unit"], row["proposed"], row["awarded"]) for row in report.rows] == [("Thị trấn Plei Kần", 7, 2)]


def test_a_unit_outside_the_authority_or_an_unknown_title_is_refused_by_name(demo_story):
    successor_unit = db.session.scalar(select(Unit).where(Unit.code == "XA-VP"))
    with pytest.raises(InvalidInput) as refused:
        _filters(unit_id=successor_unit.id, title_code="KHONG_CO")
    assert set(refused.value.errors) == {"unit_id", "title"}


def test_money_by_decision_year_and_title(demo_story):
    report = build_report(db.session, "money", _filters())
    assert report.year is None  # every year
    assert [(r["year"], r["title"], r["persons"], r["amount"]) for r in report.rows] == [
        (2022, "Chiến sĩ thi đua cơ sở", 1, None),
        (2023, "Chiến sĩ thi đua cơ sở", 1, None),
        (2024, "Chiến sĩ thi đua cơ sở", 1, None),
        (2025, "Lao động tiên tiến", 4, 4 * 710_000),
    ]
    assert report.totals["amount"] == 2_840_000


def test_timeliness_counts_the_dossiers_decided_or_forwarded_by_their_due_date(demo_story):
    report = build_report(db.session, "timeliness", _filters(year=2025))
    # Accepted in 2025: the first round's 3 and the CSTĐ tỉnh (2 June), the three 2023 dossiers (16 June). Handled:
    # Plei Kần's and Đắk Xú's first round (decided 12 June) and the CSTĐ tỉnh (sent up), all before 30 June.
    [row] = report.rows
    assert (row["accepted"], row["handled"], row["on_time"], row["late"], row["pending"], row["overdue"]) == (
        7, 3, 3, 0, 4, 0,
    )  # fmt: skip
    assert row["share"] == 1


def test_the_annual_summary_lists_each_units_awards_and_money(demo_story):
    report = build_report(db.session, "annual", _filters())
    assert report.year == 2025
    assert [(r["unit"], r["title"], r["persons"], r["collectives"], r["amount"]) for r in report.rows] == [
        ("Thị trấn Plei Kần", "Lao động tiên tiến", 2, 0, 1_420_000),
        ("Xã Đắk Xú", "Lao động tiên tiến", 2, 0, 1_420_000),
    ]


def test_the_excel_sheet_has_a_title_frozen_bold_headers_and_totals_made_of_formulas(demo_story):
    calls = []
    content = report_xlsx.build_statistics_xlsx(db.session, _filters(), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (4, 4)
    sheet = load_workbook(io.BytesIO(content)).active
    assert DISTRICT in sheet["A1"].value and "2024" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:3] == ["Đơn vị", "Danh hiệu / hình thức", "Đề nghị"]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    # Rows 3–6 hold the four (unit, title) rows; row 7 sums them with formulas.
    assert sheet["C7"].value == "=SUM(C3:C6)"
    assert sheet["F7"].value == "=SUM(F3:F6)"
    assert sum(sheet.cell(r, 3).value for r in range(3, 7)) == 7 + 1 + 7 + 7
    assert sum(sheet.cell(r, 6).value for r in range(3, 7)) == 4
    assert sheet.column_dimensions["A"].width >= len("Phòng Giáo dục và Đào tạo")


def test_the_money_sheet_writes_amounts_with_thousands_separators(demo_story):
    sheet = load_workbook(io.BytesIO(report_xlsx.build_money_xlsx(db.session, _filters(year=2025)))).active
    assert sheet["E3"].value == 2_840_000 and sheet["E3"].number_format == "#,##0"
    assert sheet["E4"].value == "=SUM(E3:E3)"


def test_the_pdf_carries_the_heading_the_title_and_the_money(demo_story, tmp_path):
    text = pdf_text(report_pdf.build_annual_pdf(db.session, _filters()), tmp_path)
    assert "ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI" in text.upper()
    assert "BÁO CÁO" in text and "Tổng hợp kết quả thi đua, khen thưởng" in text
    assert "Năm quyết định 2025" in text
    assert "1.420.000" in text and "2.840.000" in text


def test_a_download_is_named_after_the_report_and_its_year(demo_story):
    assert file_name("statistics", _filters(), "xlsx") == "thong-ke-khen-thuong-2024.xlsx"
    assert file_name("money", _filters(), "pdf") == "tien-thuong-tat-ca-cac-nam.pdf"
