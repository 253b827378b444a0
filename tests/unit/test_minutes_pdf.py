"""The council's minutes and ballot count as PDF: A4, set in the serif that has every Vietnamese letter, with the
attendance, quorum, recusals and numbers of the vote; and the minutes as the council's tables give them. poppler
reads the PDFs back (scripts/test.sh installs it); the first page is kept as a PNG in test-artifacts/ to look at."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import (
    AgendaItem,
    Attendance,
    Authority,
    Council,
    CouncilSession,
    Dossier,
    Nomination,
    Nominee,
    Poll,
    PollParticipation,
    Unit,
    User,
    db,
)
from workflow.core.today import LOCAL_TZ
from workflow.council.minutes import (
    Member,
    MinutesData,
    NomineeResult,
    Recusal,
    TitleResult,
    ballot_count_pdf,
    minutes_from_db,
    minutes_pdf,
    session_minutes_pdf,
)
from workflow.council.quorum import Quorum
from workflow.rendering.formats import long_date, percent
from workflow.rendering.pdf import local_only

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TWO_THIRDS = Decimal("0.6666")
# The 134 letters with a Vietnamese diacritic: the twelve vowels under five tone marks, the six marked vowels
# themselves and đ, in both cases.
_LOWER = [
    unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in "\u0300\u0301\u0309\u0303\u0323"
] + list("ăâêôơưđ")
VIETNAMESE_LETTERS = "".join(_LOWER) + "".join(_LOWER).upper()


def poppler(tool: str, *args: str) -> str:
    """Never skipped: without poppler the test fails and says how to get it."""
    path = shutil.which(tool)
    assert path, f"{tool} not found: install the Debian package poppler-utils (scripts/test.sh does it as root)"
    return subprocess.run([path, *args], check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The text in reading order, each run of whitespace made one space (lines wrap); with `layout`, as laid out on
    the page instead, a table row's first line on one line."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    if layout:
        return poppler("pdftotext", "-layout", str(path), "-")
    return " ".join(poppler("pdftotext", str(path), "-").split())


def numbers_in_row(layout: str, name: str) -> list[str]:
    """The counts on the first line of the table row naming `name` (names may wrap, numbers do not)."""
    line = next(line for line in layout.splitlines() if name in line)
    return [token for token in line.split() if re.fullmatch(r"\d+(/\d+)?", token)]


def hand_made() -> MinutesData:
    members = (
        Member("Nguyễn Thị Hồng Nhung", "Chủ tịch UBND huyện – Chủ tịch Hội đồng", "present"),
        Member("Trần Văn Bảo", "Trưởng phòng Nội vụ – Ủy viên thường trực Hội đồng", "present"),
        Member("Y Blai", "Chủ tịch Ủy ban MTTQ Việt Nam huyện – Ủy viên Hội đồng", "present"),
        Member("Lê Quang Vĩnh", "Chủ tịch Liên đoàn Lao động huyện – Ủy viên Hội đồng", "present"),
        Member("Phạm Thị Thu Hường", "Trưởng phòng Tài chính – Kế hoạch – Ủy viên Hội đồng", "written"),
        Member("A Khương", "Trưởng phòng Lao động – Thương binh và Xã hội – Ủy viên Hội đồng", "present"),
        Member("Võ Đức Thắng", "Trưởng phòng Văn hóa và Thông tin – Ủy viên Hội đồng", "absent", "Đi công tác"),
        Member("Hoàng Minh Tuấn", "Chánh Văn phòng HĐND và UBND huyện – Ủy viên Hội đồng", "present"),
    )
    return MinutesData(
        authority="UBND huyện Ngọc Hồi",
        council="Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi",
        title="Họp xét thi đua, khen thưởng năm 2025",
        place="Ngọc Hồi",
        location="Phòng họp số 1, UBND huyện Ngọc Hồi",
        started_at=datetime(2025, 6, 16, 8, 0, tzinfo=LOCAL_TZ),
        ended_at=datetime(2025, 6, 16, 10, 45, tzinfo=LOCAL_TZ),
        chair=members[0],
        secretary=Member("Đặng Thị Ngọc Ánh", "Chuyên viên Phòng Nội vụ – Thư ký Hội đồng", "present"),
        members=members,
        quorum=Quorum(6, 8, TWO_THIRDS, True),
        results=(
            TitleResult(
                "Lao động tiên tiến",
                True,
                "paper",
                (
                    NomineeResult("Y Blai", "Thị trấn Plei Kần", 5, 5, 0, 0, 0, "total", 8, TWO_THIRDS, False,
                                  (Recusal("Y Blai", "Là người được đề nghị"),)),
                    NomineeResult("Trần Văn Bảo", "Phòng Nội vụ", 6, 6, 0, 0, 0, "total", 8, TWO_THIRDS, True),
                ),
            ),
            TitleResult(
                "Chiến sĩ thi đua cơ sở",
                False,
                "electronic",
                (NomineeResult("Đặng Thị Ngọc Ánh", "Phòng Nội vụ", 6, 4, 1, 0, 1, "total", 8, TWO_THIRDS, False),),
            ),
        ),
    )  # fmt: skip


def test_vietnamese_dates_and_percentages():
    assert long_date(date(2025, 6, 16)) == "ngày 16 tháng 6 năm 2025"
    # Decree 30/2020: a leading zero on days below 10 and on January and February.
    assert long_date(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert long_date(date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"
    assert [percent(x) for x in (Decimal("0.75"), Decimal(2) / 3, TWO_THIRDS, Decimal(1), Decimal("0.125"))] == [
        "75%",
        "66,7%",
        "66,7%",
        "100%",
        "12,5%",
    ]


@pytest.mark.parametrize("url", ["https://example.org/seal.png", "http://127.0.0.1/x.css", "file:///etc/hostname"])
def test_no_document_fetches_a_url(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        local_only().fetch(url)


def test_the_minutes_are_an_a4_pdf_with_every_name_and_number(tmp_path):
    pdf = minutes_pdf(hand_made())
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    info = poppler("pdfinfo", "-f", "1", "-l", "99", str(path))
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size:" in line]
    assert len(sizes) == pages and all("595.276 x 841.89 pts (A4)" in line for line in sizes)

    text = pdf_text(pdf, tmp_path)
    for expected in (
        "UBND HUYỆN NGỌC HỒI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ngọc Hồi, ngày 16 tháng 6 năm 2025",
        "BIÊN BẢN",
        "vào hồi 8 giờ 00 phút",
        "Nguyễn Thị Hồng Nhung",
        "Trần Văn Bảo",
        "Y Blai",
        "Đặng Thị Ngọc Ánh",
        "Vắng mặt, có ý kiến",
        "Vắng mặt (Đi công",
        "Số thành viên có mặt: 6/8; cần tối thiểu 6 thành viên (từ 66,7% trở lên)",
        "Phiên họp đủ điều kiện tiến hành",
        "Lao động tiên tiến (bỏ phiếu kín, bằng phiếu giấy)",
        "Chiến sĩ thi đua cơ sở (biểu quyết công khai, trên hệ thống điện tử)",
        "75%",
        "62,5%",
        "50%",
        "Không tham gia biểu quyết đối với Y Blai: Y Blai (Là người được đề nghị).",
        "tổng số thành viên Hội đồng (8 người); đạt khi từ 66,7% trở lên",
        "Tổng hợp: 1/3 trường hợp đạt",
        "kết thúc vào hồi 10 giờ 45 phút cùng ngày",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    # STT, then agree, disagree, abstain, invalid, and agree over the base.
    layout = pdf_text(pdf, tmp_path, layout=True).partition("KẾT QUẢ BIỂU QUYẾT")[2]
    assert numbers_in_row(layout, "Y Blai  ") == ["1", "5", "0", "0", "0", "5/8"]
    assert numbers_in_row(layout, "Trần Văn") == ["2", "6", "0", "0", "0", "6/8"]
    assert numbers_in_row(layout, "Đặng Thị") == ["1", "4", "1", "0", "1", "4/8"]

    # The first page as a Vietnamese official would see it.
    ARTIFACTS.mkdir(exist_ok=True)
    poppler("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / "minutes"))
    png = (ARTIFACTS / "minutes.png").read_bytes()
    width, height = int.from_bytes(png[16:20]), int.from_bytes(png[20:24])
    assert (width, height) == (662, 936)  # A4, 210 × 297 mm, at 80 dpi (rounded up)


def test_every_vietnamese_letter_is_set_in_the_serif(tmp_path):
    assert len(VIETNAMESE_LETTERS) == 134
    letters = " ".join(VIETNAMESE_LETTERS)
    # In bold (the summary under the title) and in regular (the meeting place).
    pdf = minutes_pdf(dataclasses.replace(hand_made(), title=letters, location=letters))
    # pdftotext guesses the spaces between one-letter words, so they are left out of the comparison.
    text = pdf_text(pdf, tmp_path).replace(" ", "")
    assert f"{VIETNAMESE_LETTERS}Thờigian" in text
    assert f"Địađiểm:{VIETNAMESE_LETTERS}." in text
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    fonts = {line.split()[0].partition("+")[2] for line in poppler("pdffonts", str(path)).splitlines()[2:]}
    # No letter fell back to another family: Times New Roman is Liberation Serif, in its four faces.
    assert fonts == {f"Liberation-Serif{face}" for face in ("", "-Bold", "-Italic", "-Bold-Italic")}


def test_the_ballot_count_gives_each_polls_figures(tmp_path):
    pdf = ballot_count_pdf(hand_made())
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "BIÊN BẢN KIỂM PHIẾU",
        "Số thành viên Hội đồng có quyền biểu quyết: 8; có mặt: 6.",
        "Phiếu phát ra",
        "Được biểu quyết",
        "Không tham gia biểu quyết đối với Y Blai: Y Blai (Là người được đề nghị).",
    ):
        assert expected in text, expected
    # STT, entitled, cast, invalid, agree, disagree, abstain, agree over the base; Y Blai recused from their own.
    layout = pdf_text(pdf, tmp_path, layout=True)
    assert numbers_in_row(layout, "Y Blai  ") == ["1", "5", "5", "0", "5", "0", "0", "5/8"]
    assert numbers_in_row(layout, "Trần Văn") == ["2", "6", "6", "0", "6", "0", "0", "6/8"]
    assert numbers_in_row(layout, "Đặng Thị") == ["1", "6", "6", "1", "4", "1", "0", "4/8"]


# --- from the council's tables ------------------------------------------------------------------------------------


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _nomination(dossier: Dossier, name: str, title_code: str) -> Nomination:
    nominee = Nominee(kind="person", full_name=name, unit_id=dossier.unit_id)
    db.session.add(nominee)
    db.session.flush()
    nomination = Nomination(
        dossier_id=dossier.id, nominee_id=nominee.id, title_code=title_code, year=2025, state="eligible"
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _poll(session: CouncilSession, nomination: Nomination, position: int, **poll) -> Poll:
    item = AgendaItem(session_id=session.id, nomination_id=nomination.id, position=position)
    db.session.add(item)
    db.session.flush()
    row = Poll(agenda_item_id=item.id, base="total", base_count=8, pass_ratio=TWO_THIRDS, **poll)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def council_session(demo) -> CouncilSession:
    """The district council's session of 16 June 2025, set up directly in its end state: six of eight members
    present, three polls finished or published, one still running."""
    district = db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))
    council = db.session.scalar(select(Council).where(Council.authority_id == district.id))
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    session = CouncilSession(
        council_id=council.id,
        title="Họp xét thi đua, khen thưởng năm 2025",
        scheduled_at=datetime(2025, 6, 16, 1, 0, tzinfo=UTC),
        location="Phòng họp UBND huyện",
        state="closed",
        opened_at=datetime(2025, 6, 16, 1, 5, tzinfo=UTC),
        closed_at=datetime(2025, 6, 16, 3, 30, tzinfo=UTC),
    )
    dossier = Dossier(
        unit_id=unit.id,
        authority_id=district.id,
        procedure="regular",
        year=2025,
        title="Đề nghị khen thưởng năm 2025",
        created_by_id=_user("canbo.pleikan").id,
        state="in_council",
    )
    db.session.add_all([session, dossier])
    db.session.flush()
    statuses = {"uyvien6": ("absent", "Đi công tác"), "uyvien7": ("written", "")}
    for username in ("chutich", *(f"uyvien{i}" for i in range(1, 8))):
        status, note = statuses.get(username, ("present", ""))
        db.session.add(Attendance(session_id=session.id, user_id=_user(username).id, status=status, note=note))

    counts = {"entitled_count": 6, "no_count": 0, "abstain_count": 0, "invalid_count": 0}
    _poll(
        session,
        _nomination(dossier, "Trần Văn Bảo", "LDTT"),
        1,
        state="published",
        secret=True,
        mode="paper",
        yes_count=6,
        passed=True,
        **counts,
    )
    recused = _poll(
        session,
        _nomination(dossier, "Y Blai", "LDTT"),
        2,
        state="finished",
        secret=True,
        mode="paper",
        yes_count=4,
        passed=False,
        **{**counts, "entitled_count": 5, "no_count": 1},
    )
    db.session.add_all(
        [
            PollParticipation(
                poll_id=recused.id, user_id=_user("uyvien2").id, recused=True, note="Cùng đơn vị công tác"
            ),
            PollParticipation(poll_id=recused.id, user_id=_user("uyvien3").id, voted=True),
        ]
    )
    _poll(
        session,
        _nomination(dossier, "Đặng Thị Ngọc Ánh", "CSTDCS"),
        3,
        state="finished",
        secret=False,
        mode="electronic",
        yes_count=5,
        passed=False,
        **counts,
    )
    _poll(
        session,
        _nomination(dossier, "Nguyễn Thị Hồng Nhung", "LDTT"),
        4,
        state="started",
        secret=True,
        mode="electronic",
        yes_count=2,
        **counts,
    )
    db.session.commit()
    return session  # fmt: skip


def test_the_minutes_read_the_councils_tables(council_session):
    data = minutes_from_db(db.session, council_session)
    assert (data.authority, data.council, data.place) == (
        "UBND huyện Ngọc Hồi",
        "Hội đồng Thi đua – Khen thưởng huyện Ngọc Hồi",
        "Ngọc Hồi",
    )
    assert (data.started_at, data.ended_at) == (
        datetime(2025, 6, 16, 8, 5, tzinfo=LOCAL_TZ),
        datetime(2025, 6, 16, 10, 30, tzinfo=LOCAL_TZ),
    )
    assert data.chair == Member(_user("chutich").full_name, "Chủ tịch UBND huyện – Chủ tịch Hội đồng", "present")
    assert data.secretary.name == _user("thuky").full_name
    # The eight voting members; the secretary keeps the minutes and is not among them.
    assert [(m.name, m.attendance, m.note) for m in data.members if m.attendance != "present"] == [
        (_user("uyvien6").full_name, "absent", "Đi công tác"),
        (_user("uyvien7").full_name, "written", ""),
    ]
    assert len(data.members) == 8
    assert (data.quorum.present, data.quorum.members, data.quorum.needed, data.quorum.reached) == (6, 8, 6, True)
    # The running poll is not a result; the others in agenda order, by title and ballot type.
    assert [(g.title, g.secret, g.mode, [n.name for n in g.nominees]) for g in data.results] == [
        ("Lao động tiên tiến", True, "paper", ["Trần Văn Bảo", "Y Blai"]),
        ("Chiến sĩ thi đua cơ sở", False, "electronic", ["Đặng Thị Ngọc Ánh"]),
    ]
    blai = data.results[0].nominees[1]
    assert (blai.unit, blai.entitled, blai.yes, blai.no, blai.base_count, blai.passed) == (
        "Thị trấn Plei Kần",
        5,
        4,
        1,
        8,
        False,
    )
    assert blai.share == Decimal("0.5")
    assert blai.recusals == (Recusal(_user("uyvien2").full_name, "Cùng đơn vị công tác"),)
    assert data.results[0].nominees[0].recusals == ()


def test_the_chairs_absence_gives_the_chair_to_the_standing_member(council_session):
    chair = db.session.scalar(
        select(Attendance).where(Attendance.session_id == council_session.id, Attendance.user_id == _user("chutich").id)
    )
    chair.status = "absent"
    db.session.commit()
    data = minutes_from_db(db.session, council_session)
    assert data.chair.name == _user("uyvien1").full_name
    assert (data.quorum.present, data.quorum.reached) == (5, False)


def test_the_route_gets_the_minutes_of_a_session(council_session, tmp_path):
    text = pdf_text(session_minutes_pdf(db.session, council_session), tmp_path)
    for expected in ("Trần Văn Bảo", "Y Blai", "Đặng Thị Ngọc Ánh", "6/8", "75%", "Ngọc Hồi, ngày 16 tháng 6"):
        assert expected in text, expected
    assert "Nguyễn Thị Hồng Nhung" not in text
