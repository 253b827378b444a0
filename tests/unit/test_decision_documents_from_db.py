"""The decision's documents read from the database (workflow/decisions/documents.py): a decision drafted and signed
through the services prints its number, its date in words, the awardees' names with their diacritics and their
money. Money, by hand (Decree 98/2023 Art. 54; the rule set rounds up to 10,000 VND): LĐTT is 0.3 × the base
salary on the decision date: 0.3 × 1,800,000 = 540,000 VND before 1 July 2024, 0.3 × 2,340,000 = 702,000 → 710,000
VND from then."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
from sqlalchemy import select

from models import RegistryEntry, db
from tests.decision_helpers import awaiting_decision, awaiting_signature, district
from tests.unit.test_minutes_pdf import pdf_text
from tests.workflow_helpers import table_counts
from workflow.core.errors import InvalidInput
from workflow.decisions import documents, drafting, signing

NAMES = ("Nguyễn Thị Ánh Tuyết", "Đặng Quốc Bảo")


def _signed(user, *, signed_on: date | None = None, capacity: str = "chairman"):
    decision = awaiting_signature(user, awaiting_decision(year=2023 if signed_on else 2024, names=NAMES))
    signing.sign_decision(db.session, decision, actor=user("chutich"), capacity=capacity, signed_on=signed_on)
    db.session.commit()
    return decision


@pytest.mark.today("2024-07-02")
@pytest.mark.parametrize(
    ("signed_on", "amount", "written"),
    [(date(2024, 6, 28), 540_000, "540.000"), (date(2024, 7, 1), 710_000, "710.000")],
)
def test_a_signed_decision_prints_its_number_date_awardees_and_money(demo, user, tmp_path, signed_on, amount, written):
    decision = _signed(user, signed_on=signed_on)
    before = table_counts()
    doc = documents.decision_document(db.session, decision)
    assert doc.letterhead.number == decision.number == 1
    assert [a.money_vnd for g in doc.groups for a in g.awardees] == [amount, amount]
    text = pdf_text(documents.decision_pdf_bytes(db.session, decision), tmp_path)
    assert "Số: 1/QĐ-UBND" in text
    assert {date(2024, 6, 28): "ngày 28 tháng 6 năm 2024", date(2024, 7, 1): "ngày 01 tháng 7 năm 2024"}[
        signed_on
    ] in text
    for name in NAMES:
        assert name in text
    assert text.count(written) >= 2
    total = f"{amount * 2:,}".replace(",", ".")
    assert f"Tổng số tiền thưởng: {total} đồng" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Nguyễn Văn Hùng" in text
    assert "Căn cứ Căn cứ" not in text and "Xét đề nghị của Thị trấn Plei Kần" in text
    # The certificates, one per awardee, and the proposal letter: reading writes nothing.
    certificates = documents.certificates(db.session, decision)
    # Article 1's order: Vietnamese name order sorts by the given name, Bảo before Tuyết.
    assert [c.awardee_name for c in certificates] == ["Đặng Quốc Bảo", "Nguyễn Thị Ánh Tuyết"]
    assert {(c.decision_number, c.decision_day) for c in certificates} == {(1, signed_on)}
    letter = documents.proposal_letter(db.session, decision)
    assert letter.letterhead.number is None and letter.proposer == "Phòng Nội vụ"
    assert table_counts() == before


def test_a_draft_has_no_number_and_the_estimate_of_today(demo, user, tmp_path):
    dossier = awaiting_decision(names=NAMES)
    decision = drafting.draft_decision(db.session, district(), dossier.nominations, user("noivu"))
    db.session.commit()
    doc = documents.decision_document(db.session, decision)
    assert doc.letterhead.number is None
    text = pdf_text(documents.decision_pdf_bytes(db.session, decision), tmp_path)
    # The number is left blank for the register: "Số:" and "/QĐ-UBND" with no digit before the slash.
    assert "Số:" in text and "/QĐ-UBND" in text and not re.search(r"\d/QĐ-UBND", text)
    for name in NAMES:
        assert name in text
    assert text.count("710.000") == 2  # the estimate with the base salary of the suite's day (2025)
    with pytest.raises(InvalidInput):
        documents.certificates(db.session, decision)
    # The Word copy says the same.
    word = docx.Document(io.BytesIO(documents.decision_docx_bytes(db.session, decision)))
    cells = " ".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert all(name in cells for name in NAMES)


def test_the_proposal_letter_cites_the_bases_and_lists_the_proposed(demo, user, tmp_path):
    decision = awaiting_signature(user, awaiting_decision(names=NAMES))
    letter = documents.proposal_letter(db.session, decision)
    assert letter.addressee == "Chủ tịch UBND huyện Ngọc Hồi"
    assert letter.letterhead.symbol == "TTr-PNV"
    assert letter.signer.name == "Nguyễn Thị Bích Liên"
    assert letter.summary.startswith("Về việc đề nghị khen thưởng")
    assert letter.considered == 2 and sum(len(g.awardees) for g in letter.groups) == 2
    text = pdf_text(documents.proposal_letter_pdf_bytes(db.session, decision), tmp_path)
    assert "TỜ TRÌNH" in text and "Kính gửi: Chủ tịch UBND huyện Ngọc Hồi" in text
    assert "Căn cứ Luật" in text and "Căn cứ Căn cứ" not in text
    assert all(name in text for name in NAMES)
    assert "02/02 trường hợp" in text
    word = docx.Document(io.BytesIO(documents.proposal_letter_docx_bytes(db.session, decision)))
    assert "TỜ TRÌNH" in "\n".join(p.text for p in word.paragraphs)


def test_a_certificate_carries_the_decision_and_the_golden_book_number(demo, user, tmp_path):
    decision = _signed(user, capacity="deputy")
    first, second = db.session.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
    # What the entry holds is printed, whatever its form; an entry without one (edited or imported) leaves a blank.
    first.golden_book_number = "GK-2025/0007"
    second.golden_book_number = None
    db.session.commit()
    found = documents.certificates(db.session, decision)
    assert len(found) == 2
    numbered = next(c for c in found if c.awardee_name == first.nominee.full_name)
    other = next(c for c in found if c is not numbered)
    assert numbered.golden_book_number == "GK-2025/0007"
    assert other.golden_book_number == documents.BLANK
    file = documents.certificate_file(db.session, decision, 1)
    assert file.mimetype == "application/pdf" and file.filename == "giay-khen-1-2025-1.pdf"
    text = pdf_text(file.content, tmp_path)
    assert found[0].awardee_name in text
    assert "Quyết định số 1/QĐ-UBND, ngày 16 tháng 6 năm 2025" in text
    assert "PHÓ CHỦ TỊCH" in text
    with pytest.raises(LookupError):
        documents.certificate_file(db.session, decision, 3)


def test_each_certificate_prints_the_golden_book_number_the_signing_gave(demo, user, tmp_path):
    # The demo's golden book is empty: the two awardees take 1 and 2 in Article 1's order, Đặng Quốc Bảo (Bảo)
    # before Nguyễn Thị Ánh Tuyết (Tuyết) by given name.
    decision = _signed(user)
    assert [(c.awardee_name, c.golden_book_number) for c in documents.certificates(db.session, decision)] == [
        ("Đặng Quốc Bảo", "1"),
        ("Nguyễn Thị Ánh Tuyết", "2"),
    ]
    text = pdf_text(documents.certificate_file(db.session, decision, 2).content, tmp_path)
    assert "Nguyễn Thị Ánh Tuyết" in text and "Số sổ vàng: 2" in text
    assert "Số sổ vàng: 1" not in text
