"""The decision and the proposal letter as Word files, for the office to edit before signature: the same objects and
sentences as the PDFs (workflow/rendering/decision_docs.py), on the same Decree 30/2020 page (A4; margins top and
bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from workflow.rendering.decision_docs import (
    ARTICLE_1,
    AWARDEE_COLUMNS,
    AwardGroup,
    DecisionDocument,
    ProposalLetter,
    place_and_date,
)
from workflow.rendering.formats import thousands
from workflow.rendering.pdf import Letterhead, Signer

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def _page() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    # Word takes the East Asian font slot for some Vietnamese letters; without it they fall back to another face.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    return document


def _paragraph(container, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return paragraph


def _short_rule(container, width_mm: float, column_mm: float) -> None:
    """The short solid line under the issuing body and the summary: a bottom border on an empty paragraph,
    indented to the line's length and centred in its column."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((column_mm - width_mm) / 2)
    fmt.space_after = Pt(6)
    paragraph_props = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph_props.append(borders)
    paragraph.add_run().font.size = Pt(2)


def _table(document: Document, rows: int, widths_mm: list[float], *, grid: bool = False) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_mm))
    if grid:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads each cell's width, LibreOffice the table's grid: both are set.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _cell_text(cell, text: str, *, bold=False, italic=False, size=None, align=None) -> None:
    """A new cell holds one empty paragraph: the first line goes into it rather than below it."""
    paragraph = cell.paragraphs[-1]
    if paragraph.runs:
        paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)


def _letterhead(document: Document, letterhead: Letterhead, number_line: str) -> None:
    issuer_mm, nation_mm = TEXT_WIDTH_MM * 0.4, TEXT_WIDTH_MM * 0.6
    table = _table(document, 2, [issuer_mm, nation_mm])
    issuer, nation = table.rows[0].cells
    if letterhead.governing_body:
        _cell_text(issuer, letterhead.governing_body.upper(), size=12, align=CENTER)
    for line in letterhead.issuing_body.split("\n"):
        _cell_text(issuer, line.upper(), bold=True, size=12, align=CENTER)
    _short_rule(issuer, 30, issuer_mm)
    _cell_text(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=CENTER)
    _cell_text(nation, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER)
    nation.paragraphs[-1].runs[0].underline = True
    number, place = table.rows[1].cells
    _cell_text(number, number_line, align=CENTER)
    _cell_text(place, place_and_date(letterhead), italic=True, align=CENTER)


def _heading(document: Document, kind: str, summary: str) -> None:
    _paragraph(document, kind, bold=True, size=14, align=CENTER).paragraph_format.space_before = Pt(12)
    _paragraph(document, summary, bold=True, size=14, align=CENTER).paragraph_format.space_after = Pt(0)
    _short_rule(document, 40, TEXT_WIDTH_MM)


def _awardees(document: Document, groups: tuple[AwardGroup, ...], *, numbered: bool) -> None:
    rest = TEXT_WIDTH_MM - sum(width or 0 for _, width in AWARDEE_COLUMNS)
    widths = [width or rest for _, width in AWARDEE_COLUMNS]
    for index, group in enumerate(groups, 1):
        _paragraph(document, f"{index}. {group.heading}" if numbered else group.heading, align=JUSTIFY, indent=True)
        table = _table(document, 1 + len(group.awardees), widths, grid=True)
        for cell, (label, _) in zip(table.rows[0].cells, AWARDEE_COLUMNS, strict=True):
            _cell_text(cell, label, bold=True, size=11, align=CENTER)
        for row, (n, a) in zip(table.rows[1:], enumerate(group.awardees, 1), strict=True):
            money = thousands(a.money_vnd) if a.money_vnd is not None else ""
            values = (str(n), a.name, a.position, a.achievement, money)
            aligns = (CENTER, None, None, None, WD_ALIGN_PARAGRAPH.RIGHT)
            for cell, value, align in zip(row.cells, values, aligns, strict=True):
                _cell_text(cell, value, size=12, align=align)
        _paragraph(document).paragraph_format.space_after = Pt(0)


def _article(document: Document, label: str, text: str) -> None:
    paragraph = _paragraph(document, align=JUSTIFY, indent=True)
    paragraph.add_run(label).bold = True
    paragraph.add_run(f" {text}")


def _closing(document: Document, signer: Signer, recipients: tuple[str, ...]) -> None:
    """Decree 30/2020: "Nơi nhận" on the left, the signature on the right, side by side."""
    half = TEXT_WIDTH_MM / 2
    left, right = _table(document, 1, [half, half]).rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in recipients:
        _cell_text(left, f"- {line}", size=11)
    for line in signer.capacity:
        _cell_text(right, line.upper(), bold=True, align=CENTER)
    for _ in range(4):  # room to sign and stamp
        _cell_text(right, "", align=CENTER)
    _cell_text(right, signer.name, bold=True, align=CENTER)


def _bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decision_docx(doc: DecisionDocument) -> bytes:
    document = _page()
    _letterhead(document, doc.letterhead, doc.number_line)
    _heading(document, "QUYẾT ĐỊNH", doc.summary)
    _paragraph(document, doc.deciding_authority, bold=True, size=14, align=CENTER)
    for line in doc.bases:
        _paragraph(document, line, italic=True, align=JUSTIFY, indent=True)
    _paragraph(document, "QUYẾT ĐỊNH:", bold=True, size=14, align=CENTER)
    _article(document, "Điều 1.", ARTICLE_1)
    _awardees(document, doc.groups, numbered=len(doc.groups) > 1)
    _paragraph(document, f"{doc.total_sentence} {doc.funding}".strip(), align=JUSTIFY, indent=True)
    _article(document, "Điều 2.", doc.article_2)
    _closing(document, doc.signer, doc.recipients)
    return _bytes(document)


def proposal_letter_docx(letter: ProposalLetter) -> bytes:
    document = _page()
    _letterhead(document, letter.letterhead, letter.number_line)
    _heading(document, "TỜ TRÌNH", letter.summary)
    _paragraph(document, f"Kính gửi: {letter.addressee}.", align=CENTER)
    for line in [*letter.bases, letter.council_result, letter.lead]:
        _paragraph(document, line, align=JUSTIFY, indent=True)
    _awardees(document, letter.groups, numbered=True)
    for line in (letter.total_sentence, letter.request):
        _paragraph(document, line, align=JUSTIFY, indent=True)
    _closing(document, letter.signer, letter.recipients)
    return _bytes(document)
