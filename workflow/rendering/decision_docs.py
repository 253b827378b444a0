"""A commendation decision (quyết định khen thưởng), the proposal letter that asks for it (tờ trình) and the
certificate it grants (Giấy khen), as printed in the Decree 30/2020 layout (docs/DOMAIN.md §7).

Each document is a frozen dataclass of plain values: whoever reads the database fills one, and the same object
gives the PDF (here) and the editable DOCX (workflow/rendering/docx.py). The sentences both print are written
once, in the properties below, so the two files never say different things."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow.rendering.formats import long_date, money
from workflow.rendering.pdf import Letterhead, Signer, render_pdf

# Decision.signer_capacity: the chairman signs for the committee (TM.), a deputy in the chairman's place (KT.).
SIGNER_CAPACITIES = {
    "chairman": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "deputy": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
}
# The certificate is the chairman's own award, so the chairman signs it without "TM.".
CERTIFICATE_CAPACITIES = {"chairman": ("CHỦ TỊCH",), "deputy": SIGNER_CAPACITIES["deputy"]}
# The list of awardees: heading and width in millimetres (None takes what is left of the 165 mm of text).
AWARDEE_COLUMNS = (
    ("STT", 10),
    ("Họ và tên", 38),
    ("Chức vụ, đơn vị", 40),
    ("Thành tích", None),
    ("Số tiền (đồng)", 22),
)
ARTICLE_1 = "Khen thưởng các cá nhân, tập thể có thành tích sau:"
# Decree 30/2020 closes the body of a document with "./.", so that nothing can be appended after it.
END_MARK = "./."


def number_text(letterhead: Letterhead) -> str:
    """ "Số: 123/QĐ-UBND", or a blank for the number while the document is a draft."""
    return f"Số: {letterhead.number or '         '}/{letterhead.symbol}"


def place_and_date(letterhead: Letterhead) -> str:
    return f"{letterhead.place}, {long_date(letterhead.day)}"


@dataclass(frozen=True)
class Awardee:
    name: str  # a person's full name or a collective's name
    position: str  # "Giáo viên Trường Tiểu học Kim Đồng, thị trấn Plei Kần"
    achievement: str  # "Đã có thành tích xuất sắc trong công tác giảng dạy năm học 2023 – 2024"
    money_vnd: int | None  # None when the title carries no money


@dataclass(frozen=True)
class AwardGroup:
    """The awardees of one title or form, in the order they are listed."""

    title: str  # "Tặng danh hiệu “Lao động tiên tiến”", "Tặng Giấy khen"
    awardees: tuple[Awardee, ...]
    kind: str = "cá nhân"  # or "tập thể": whom the title is for, as the heading counts them

    @property
    def total_vnd(self) -> int:
        return sum(a.money_vnd or 0 for a in self.awardees)

    @property
    def heading(self) -> str:
        """ "Tặng Giấy khen cho 02 cá nhân:": counts below ten are written with two digits, as dates are."""
        return f"{self.title} cho {len(self.awardees):02d} {self.kind}:"


def total_vnd(groups: tuple[AwardGroup, ...]) -> int:
    return sum(g.total_vnd for g in groups)


def total_sentence(groups: tuple[AwardGroup, ...]) -> str:
    return f"Tổng số tiền thưởng: {money(total_vnd(groups))}."


@dataclass(frozen=True)
class DecisionDocument:
    """A decision as the chairman signs it. `letterhead.number` is None while it is a draft: the register gives the
    number at signature, and the clerk's copy leaves it blank."""

    letterhead: Letterhead  # "ỦY BAN NHÂN DÂN\nHUYỆN NGỌC HỒI", symbol "QĐ-UBND"
    summary: str  # trích yếu: "Về việc tặng danh hiệu Lao động tiên tiến năm 2024"
    deciding_authority: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI", above the bases
    legal_bases: tuple[str, ...]  # each printed "Căn cứ …;": "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
    proposed_by: str  # printed "Xét đề nghị của …": "Trưởng phòng Nội vụ tại Tờ trình số 45/TTr-PNV ngày …"
    groups: tuple[AwardGroup, ...]  # Article 1
    executors: tuple[str, ...]  # Article 2: "Chánh Văn phòng HĐND và UBND huyện", "Trưởng phòng Nội vụ"
    signer_capacity: str  # chairman, deputy
    signer_name: str
    recipients: tuple[str, ...]
    funding: str = ""  # where the money comes from, closing Article 1: "Kinh phí khen thưởng trích từ …"
    effect: str = "Quyết định này có hiệu lực kể từ ngày ký."

    @property
    def number_line(self) -> str:
        return number_text(self.letterhead)

    @property
    def bases(self) -> list[str]:
        return [f"Căn cứ {basis};" for basis in self.legal_bases] + [f"Xét đề nghị của {self.proposed_by}."]

    @property
    def total_sentence(self) -> str:
        return total_sentence(self.groups)

    @property
    def article_2(self) -> str:
        """Decree 30/2020 puts the effect and those who execute it in the last article, which ends the text."""
        return (
            f"{self.effect} {', '.join(self.executors)} và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm "
            f"thi hành Quyết định này{END_MARK}"
        )

    @property
    def signer(self) -> Signer:
        return Signer(SIGNER_CAPACITIES[self.signer_capacity], self.signer_name)


@dataclass(frozen=True)
class ProposalLetter:
    """The standing office's tờ trình to the chairman after the council: what the council found and whom it
    proposes, so that the chairman can sign the decision."""

    letterhead: Letterhead  # "UBND huyện Ngọc Hồi" / "Phòng Nội vụ", symbol "TTr-PNV"
    summary: str  # "Về việc đề nghị khen thưởng năm 2024"
    addressee: str  # "Chủ tịch UBND huyện Ngọc Hồi", printed "Kính gửi: …"
    legal_bases: tuple[str, ...]  # each printed "Căn cứ …;"
    proposer: str  # the office, as it names itself in the text: "Phòng Nội vụ"
    council: str  # "Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi"
    council_day: date
    considered: int  # cases the council voted on
    groups: tuple[AwardGroup, ...]  # the cases it passed, proposed for the decision
    signer: Signer
    recipients: tuple[str, ...]

    @property
    def number_line(self) -> str:
        return number_text(self.letterhead)

    @property
    def bases(self) -> list[str]:
        return [f"Căn cứ {basis};" for basis in self.legal_bases]

    @property
    def council_result(self) -> str:
        passed = sum(len(g.awardees) for g in self.groups)
        return (
            f"Ngày {long_date(self.council_day).removeprefix('ngày ')}, {self.council} đã họp xét các hồ sơ đề nghị "
            f"khen thưởng. Kết quả: {passed:02d}/{self.considered:02d} trường hợp đạt tỷ lệ phiếu đồng ý theo quy "
            f"định (có biên bản họp Hội đồng kèm theo)."
        )

    @property
    def lead(self) -> str:
        return f"{self.proposer} kính trình {self.addressee} xem xét, quyết định khen thưởng như sau:"

    @property
    def total_sentence(self) -> str:
        return total_sentence(self.groups)

    @property
    def request(self) -> str:
        return f"{self.proposer} kính trình {self.addressee} xem xét, quyết định{END_MARK}"


@dataclass(frozen=True)
class Certificate:
    """A Giấy khen: it names the decision that grants it and the golden-book entry that records it."""

    granted_by: str  # "Chủ tịch Ủy ban nhân dân huyện Ngọc Hồi", printed in capitals above "TẶNG"
    awardee_name: str
    unit: str  # "Giáo viên Trường Tiểu học Kim Đồng, thị trấn Plei Kần"
    achievement: str
    decision_number: int
    decision_symbol: str  # "QĐ-UBND"
    decision_day: date
    golden_book_number: str
    place: str
    day: date
    signer_capacity: str  # chairman, deputy
    signer_name: str

    @property
    def decision_line(self) -> str:
        return f"Quyết định số {self.decision_number}/{self.decision_symbol}, {long_date(self.decision_day)}"

    @property
    def golden_book_line(self) -> str:
        return f"Số sổ vàng: {self.golden_book_number}"

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {long_date(self.day)}"

    @property
    def signer(self) -> Signer:
        return Signer(CERTIFICATE_CAPACITIES[self.signer_capacity], self.signer_name)


def decision_pdf(doc: DecisionDocument) -> bytes:
    return render_pdf(
        "decision.html",
        doc=doc,
        article_1=ARTICLE_1,
        columns=AWARDEE_COLUMNS,
        letterhead=doc.letterhead,
        signers=[doc.signer],
        recipients=doc.recipients,
    )


def proposal_letter_pdf(letter: ProposalLetter) -> bytes:
    return render_pdf(
        "proposal_letter.html",
        doc=letter,
        columns=AWARDEE_COLUMNS,
        letterhead=letter.letterhead,
        signers=[letter.signer],
        recipients=letter.recipients,
    )


def certificate_pdf(cert: Certificate) -> bytes:
    """A4 landscape, as certificates are framed and hung: its own page, not the Decree 30 letter page."""
    return render_pdf("certificate.html", cert=cert)
