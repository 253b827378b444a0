"""The decision, the proposal letter and the certificate as printed: hand-built data, no database. What is checked
comes from Decree 30/2020 as docs/DOMAIN.md §7 gives it (A4, margins, parts in order, "123/QĐ-UBND", the date with
leading zeros, the signature capacities, the certificate's decision and golden-book numbers). poppler reads the
PDFs back; python-docx reads the DOCX."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.unit.test_minutes_pdf import pdf_text, poppler
from workflow.rendering.decision_docs import (
    Awardee,
    AwardGroup,
    Certificate,
    DecisionDocument,
    ProposalLetter,
    certificate_pdf,
    decision_pdf,
    proposal_letter_pdf,
)
from workflow.rendering.docx import decision_docx, proposal_letter_docx
from workflow.rendering.formats import money, thousands
from workflow.rendering.pdf import Letterhead, Signer

MM = 72 / 25.4  # PDF points in a millimetre
A4 = (595.276, 841.89)
DISTRICT = "ỦY BAN NHÂN DÂN\nHUYỆN NGỌC HỒI"
BASES = (
    "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
    "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều "
    "của Luật Thi đua, khen thưởng",
)
GROUPS = (
    AwardGroup(
        "Tặng danh hiệu “Chiến sĩ thi đua cơ sở”",
        (
            Awardee(
                "Nguyễn Thị Ánh Tuyết",
                "Giáo viên Trường Tiểu học Kim Đồng, thị trấn Plei Kần",
                "Đã có thành tích xuất sắc trong công tác giảng dạy năm học 2023 – 2024",
                1_170_000,
            ),
        ),
    ),
    AwardGroup(
        "Tặng Giấy khen",
        (
            Awardee(
                "Đặng Quốc Bảo",
                "Phó Trưởng phòng Tài chính – Kế hoạch huyện",
                "Đã có thành tích trong công tác quản lý ngân sách năm 2024",
                702_000,
            ),
            Awardee("Y Blai", "Trưởng thôn Đăk Tang, xã Đăk Dục", "Đã có thành tích trong phong trào xây dựng nông "
                    "thôn mới năm 2024", 702_000),
        ),
    ),
)  # fmt: skip


def decision(**changes) -> DecisionDocument:
    doc = DecisionDocument(
        letterhead=Letterhead("", DISTRICT, "QĐ-UBND", "Ngọc Hồi", date(2024, 12, 20), 123),
        summary="Về việc khen thưởng thành tích năm 2024",
        deciding_authority="CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI",
        legal_bases=BASES,
        proposed_by="Trưởng phòng Nội vụ tại Tờ trình số 45/TTr-PNV ngày 18 tháng 12 năm 2024",
        groups=GROUPS,
        executors=(
            "Chánh Văn phòng HĐND và UBND huyện",
            "Trưởng phòng Nội vụ",
            "Trưởng phòng Tài chính – Kế hoạch",
        ),
        signer_capacity="chairman",
        signer_name="Nguyễn Văn Hùng",
        recipients=("Như Điều 2;", "Chủ tịch, các PCT UBND huyện;", "Lưu: VT, NV."),
        funding="Kinh phí khen thưởng trích từ Quỹ Thi đua, khen thưởng của huyện.",
    )
    return dataclasses.replace(doc, **changes)


def letter() -> ProposalLetter:
    return ProposalLetter(
        letterhead=Letterhead("UBND huyện Ngọc Hồi", "Phòng Nội vụ", "TTr-PNV", "Ngọc Hồi", date(2024, 12, 18), 45),
        summary="Về việc đề nghị khen thưởng thành tích năm 2024",
        addressee="Chủ tịch UBND huyện Ngọc Hồi",
        legal_bases=BASES[1:],
        proposer="Phòng Nội vụ",
        council="Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi",
        council_day=date(2024, 12, 16),
        considered=4,
        groups=GROUPS,
        signer=Signer(("TRƯỞNG PHÒNG",), "Trần Văn Bảo"),
        recipients=("Như trên;", "Lưu: VT, NV."),
    )


def certificate(**changes) -> Certificate:
    cert = Certificate(
        granted_by="Chủ tịch Ủy ban nhân dân huyện Ngọc Hồi",
        awardee_name="Đặng Quốc Bảo",
        unit="Phó Trưởng phòng Tài chính – Kế hoạch huyện",
        achievement="Đã có thành tích trong công tác quản lý ngân sách năm 2024",
        decision_number=123,
        decision_symbol="QĐ-UBND",
        decision_day=date(2024, 12, 20),
        golden_book_number="GK-2024/0457",
        place="Ngọc Hồi",
        day=date(2024, 12, 20),
        signer_capacity="chairman",
        signer_name="Nguyễn Văn Hùng",
    )
    return dataclasses.replace(cert, **changes)


def words(pdf: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """Every word with its page (from 1) and its box's left, top and right in points from the page's top left."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    html = poppler("pdftotext", "-bbox", str(path), "-")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [
        (page, float(x0), float(y0), float(x1), word)
        for page, text in enumerate(html.split("<page ")[1:], 1)
        for x0, y0, x1, word in re.findall(pattern, text)
    ]


def page_sizes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "sizes.pdf"
    path.write_bytes(pdf)
    info = poppler("pdfinfo", "-f", "1", "-l", "99", str(path))
    return [line.split("size:")[1].strip() for line in info.splitlines() if line.startswith("Page") and "size:" in line]


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(name, emb) of each font: pdffonts' columns are name, type…, emb, sub, uni, object, ID."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    rows = poppler("pdffonts", str(path)).splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows]


def test_money_is_written_with_dots_and_dong():
    assert thousands(1_170_000) == "1.170.000"
    assert thousands(702_000) == "702.000"
    assert money(2_574_000) == "2.574.000 đồng"


def test_the_decision_is_an_a4_page_within_the_decree_30_margins(tmp_path):
    pdf = decision_pdf(decision())
    assert page_sizes(pdf, tmp_path)[0] == "595.276 x 841.89 pts (A4)"
    boxes = words(pdf, tmp_path)
    left, right = min(b[1] for b in boxes), max(b[3] for b in boxes)
    # Left 30–35 mm, right 15–20 mm, to a point (a justified line's last glyph may overhang its advance a little);
    # the flush-left "Nơi nhận:" sits on the left margin itself.
    assert 30 * MM - 1 <= left <= 35 * MM
    assert A4[0] - right >= 15 * MM - 1
    assert any(w == "Nơi" and abs(x - 30 * MM) < 1 for _, x, _, _, w in boxes)
    # Top 20–25 mm: the first page's text starts below it (later pages carry their number in the top margin).
    assert min(top for page, _, top, _, _ in boxes if page == 1) >= 20 * MM


def test_the_decision_has_every_part_in_the_decree_30_order(tmp_path):
    pdf = decision_pdf(decision())
    # Laid out, read line by line from the top: the letterhead's two columns share lines, table cells wrap.
    layout = " ".join(pdf_text(pdf, tmp_path, layout=True).split())
    parts = [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "HUYỆN NGỌC HỒI",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 123/QĐ-UBND",
        "Ngọc Hồi, ngày 20 tháng 12 năm 2024",
        "QUYẾT ĐỊNH",
        "Về việc khen thưởng thành tích năm 2024",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI",
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Căn cứ Luật Thi đua, khen thưởng",
        "Xét đề nghị của Trưởng phòng Nội vụ",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Chiến sĩ thi đua cơ sở",
        "Nguyễn Thị Ánh",
        "1.170.000",
        "Đặng Quốc Bảo",
        "Y Blai",
        "Tổng số tiền thưởng: 2.574.000 đồng.",
        "Điều 2.",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn Hùng",
    ]
    at = 0
    for part in parts:
        found = layout.find(part, at)
        assert found >= 0, f"{part!r} missing or out of order"
        at = found + len(part)
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "Nguyễn Thị Ánh Tuyết",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Xét đề nghị của Trưởng phòng Nội vụ tại Tờ trình số 45/TTr-PNV ngày 18 tháng 12 năm 2024.",
        "Quyết định này có hiệu lực kể từ ngày ký.",
        # Decree 30/2020 ends the text with "./.".
        "chịu trách nhiệm thi hành Quyết định này./.",
    ):
        assert expected in text, expected


def test_a_deputy_signs_in_the_chairmans_place(tmp_path):
    text = pdf_text(decision_pdf(decision(signer_capacity="deputy", signer_name="Đặng Quốc Bảo")), tmp_path)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "TM. ỦY BAN NHÂN DÂN" not in text


def test_a_draft_leaves_the_number_blank(tmp_path):
    draft = decision(letterhead=dataclasses.replace(decision().letterhead, number=None))
    text = " ".join(pdf_text(decision_pdf(draft), tmp_path, layout=True).split())
    assert "Số: /QĐ-UBND" in text
    assert "123" not in text


def test_every_document_embeds_its_fonts(tmp_path):
    for pdf in (decision_pdf(decision()), proposal_letter_pdf(letter()), certificate_pdf(certificate())):
        fonts = embedded_fonts(pdf, tmp_path)
        assert fonts and all(emb == "yes" for _, emb in fonts), fonts
        assert {name.partition("+")[2] for name, _ in fonts} <= {
            f"Liberation-Serif{face}" for face in ("", "-Bold", "-Italic", "-Bold-Italic")
        }


def test_the_proposal_letter_asks_the_chairman_for_the_councils_list(tmp_path):
    pdf = proposal_letter_pdf(letter())
    assert page_sizes(pdf, tmp_path)[0] == "595.276 x 841.89 pts (A4)"
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "UBND HUYỆN NGỌC HỒI",
        "PHÒNG NỘI VỤ",
        "Số: 45/TTr-PNV",
        "Ngọc Hồi, ngày 18 tháng 12 năm 2024",
        "TỜ TRÌNH",
        "Kính gửi: Chủ tịch UBND huyện Ngọc Hồi",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Ngày 16 tháng 12 năm 2024, Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi",
        "03/04 trường hợp",
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Quốc Bảo",
        "1.170.000",
        "Tổng số tiền thưởng: 2.574.000 đồng.",
        "kính trình Chủ tịch UBND huyện Ngọc Hồi xem xét, quyết định./.",
        "TRƯỞNG PHÒNG",
        "Trần Văn Bảo",
    ):
        assert expected in text, expected


def test_the_certificate_names_its_decision_and_golden_book_entry(tmp_path):
    pdf = certificate_pdf(certificate())
    # Landscape A4, as certificates are framed.
    assert page_sizes(pdf, tmp_path) == ["841.89 x 595.276 pts (A4)"]
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI",
        "TẶNG GIẤY KHEN",
        "Đặng Quốc Bảo",
        "Phó Trưởng phòng Tài chính – Kế hoạch huyện",
        "123/QĐ-UBND",
        "ngày 20 tháng 12 năm 2024",
        "Số sổ vàng: GK-2024/0457",
        "Ngọc Hồi, ngày 20 tháng 12 năm 2024",
        "CHỦ TỊCH",
        "Nguyễn Văn Hùng",
    ):
        assert expected in text, expected
    assert "TM." not in text  # the chairman's own award
    deputy = pdf_text(certificate_pdf(certificate(signer_capacity="deputy")), tmp_path)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in deputy


def test_dates_below_ten_take_a_leading_zero(tmp_path):
    """Decree 30/2020: "ngày 05 tháng 01 năm 2025", never "ngày 5 tháng 1"."""
    early = decision(letterhead=dataclasses.replace(decision().letterhead, day=date(2025, 1, 5)))
    assert "Ngọc Hồi, ngày 05 tháng 01 năm 2025" in pdf_text(decision_pdf(early), tmp_path)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(paragraphs + cells)


def test_the_decision_docx_says_what_the_pdf_says_on_a4(tmp_path):
    data = decision_docx(decision())
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    # The list's columns as in the PDF, the last one holding the money.
    awardees = next(table for table in document.tables if table.rows[0].cells[0].text == "STT")
    assert [round(column.width.mm) for column in awardees.columns] == [10, 38, 40, 55, 22]
    assert awardees.rows[1].cells[-1].text == "1.170.000"
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)
    text = _docx_text(data)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 123/QĐ-UBND",
        "Ngọc Hồi, ngày 20 tháng 12 năm 2024",
        "QUYẾT ĐỊNH:",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Điều 1.",
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Quốc Bảo",
        "Y Blai",
        "1.170.000",
        "Tổng số tiền thưởng: 2.574.000 đồng.",
        "Điều 2.",
        "TM. ỦY BAN NHÂN DÂN",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    draft = decision(letterhead=dataclasses.replace(decision().letterhead, number=None))
    assert "123/QĐ-UBND" not in _docx_text(decision_docx(draft))
    # Word takes some Vietnamese letters from the East Asian font slot: it is Times New Roman too.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"


def test_the_proposal_letter_docx_lists_the_same_awardees():
    text = _docx_text(proposal_letter_docx(letter()))
    for expected in (
        "Số: 45/TTr-PNV",
        "TỜ TRÌNH",
        "Kính gửi: Chủ tịch UBND huyện Ngọc Hồi",
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Quốc Bảo",
        "1.170.000",
        "TRƯỞNG PHÒNG",
        "Trần Văn Bảo",
    ):
        assert expected in text, expected
