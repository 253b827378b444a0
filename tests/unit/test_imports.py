"""Excel imports: the templates, every bad row reported with its row, column and reason, all-or-nothing writing,
and files refused by content, size and row count."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from models import AuditEntry, Nomination, Nominee, NomineeYear, RegistryEntry, User, db
from tests.conftest import PDF_BYTES
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.dossiers import nominee_import
from workflow.registry import award_import
from workflow.registry import xlsx as imports
from workflow.registry.xlsx import RowError

# The registry template's columns, in order.
GOOD_ROW = [
    "Nguyễn Văn An", date(1985, 3, 12), "062085001234", "TT-PLEIKAN", "Cá nhân", "LDTT", 2023, "12/QĐ-UBND",
    date(2024, 1, 15), "UBND huyện Ngọc Hồi", "Thường xuyên", 540000,
]  # fmt: skip


def office_user():
    return db.session.scalar(select(User).where(User.username == "noivu"))


def row(**changes) -> list:
    headers = [c.key for c in award_import.registry_columns(db.session, office_user())]
    values = dict(zip(headers, GOOD_ROW, strict=True)) | changes
    return [values[h] for h in headers]


def workbook(template: bytes, rows: list[list]) -> io.BytesIO:
    """The template with `rows` typed in from row 3 of its data sheet, as a user would fill it."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[imports.DATA_SHEET]
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def registry_file(rows: list[list]) -> io.BytesIO:
    return workbook(award_import.registry_template(db.session, office_user()), rows)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> tuple[int, int, int, int]:
    return count(RegistryEntry), count(Nominee), count(NomineeYear), count(AuditEntry)


# --- past awards into the registry ---------------------------------------------------------------------------------


def test_a_good_file_writes_every_row_into_the_registry(demo, user):
    rows = [
        row(),
        row(full_name="Trần Thị Bình", national_id=None, date_of_birth=date(1990, 2, 1), title_code="CSTDCS"),
        row(
            full_name="Trường Tiểu học Đắk Xú",
            kind="Tập thể",
            date_of_birth=None,
            national_id=None,
            unit="TH-DAKXU",
            title_code="TLDTT",
            money_vnd=None,
            basis=None,
        ),
    ]
    report = award_import.import_registry(db.session, registry_file(rows), actor=user("noivu"))
    db.session.commit()
    assert (report.rows_read, report.rows_written, report.errors) == (3, 3, [])
    entries = list(db.session.scalars(select(RegistryEntry).order_by(RegistryEntry.id)))
    assert [(e.nominee.full_name, e.title_code, e.year) for e in entries] == [
        ("Nguyễn Văn An", "LDTT", 2023),
        ("Trần Thị Bình", "CSTDCS", 2023),
        ("Trường Tiểu học Đắk Xú", "TLDTT", 2023),
    ]
    first = entries[0]
    assert (first.source, first.basis, first.money_vnd, first.decision_date) == (
        "import",
        "regular",
        540000,
        date(2024, 1, 15),
    )
    assert first.deciding_authority == "Ủy ban nhân dân huyện Ngọc Hồi" and first.authority_id is not None
    assert first.nominee.national_id == "062085001234"
    assert entries[2].nominee.kind == "collective" and entries[2].basis == "regular"
    assert count(NomineeYear) == 3
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "registry_recorded")) == 3


def test_an_import_with_three_bad_rows_writes_nothing_and_reports_all_three(demo, user):
    before = counts()
    rows = [
        row(),
        row(full_name="Trần Thị Bình", date_of_birth="31/02/1990", national_id=None),
        row(full_name="Lê Văn Cường", unit="XA-KHONG-CO", national_id=None),
        row(full_name="Phạm Thị Dung", national_id=None, date_of_birth=date(1991, 1, 1)),
        row(full_name="Hoàng Văn Em", title_code="DANH_HIEU_LA", national_id=None),
    ]
    report = award_import.import_registry(db.session, registry_file(rows), actor=user("noivu"))
    db.session.commit()
    assert (report.rows_read, report.rows_written, report.bad_rows) == (5, 0, 3)
    assert [(e.row, e.column, e.header) for e in report.errors] == [
        (4, "B", "Ngày sinh"),
        (5, "D", "Đơn vị"),
        (7, "F", "Danh hiệu"),
    ]
    assert report.errors[0].reason == "Ngày không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 31/01/1980."
    assert report.errors[1].reason.startswith("Không có đơn vị “XA-KHONG-CO”")
    assert report.errors[2].reason.startswith("Danh hiệu/hình thức “DANH_HIEU_LA” không có trong bộ quy định nào")
    assert counts() == before


def test_a_row_already_in_the_registry_is_reported_and_nothing_is_written(demo, user):
    award_import.import_registry(db.session, registry_file([row()]), actor=user("noivu"))
    db.session.commit()
    before = counts()
    report = award_import.import_registry(
        db.session, registry_file([row(full_name="Trần Thị Bình", national_id=None), row()]), actor=user("noivu")
    )
    db.session.commit()
    assert [(e.row, e.column, e.header) for e in report.errors] == [(4, "F", "Danh hiệu")]
    assert report.errors[0].reason.startswith("Đã có trong sổ theo dõi: LDTT năm 2023")
    assert counts() == before


def test_the_same_award_twice_in_one_file_is_reported_on_the_second_row(demo, user):
    report = award_import.import_registry(db.session, registry_file([row(), row()]), actor=user("noivu"))
    assert [(e.row, e.column) for e in report.errors] == [(4, "F")]
    assert count(RegistryEntry) == 0


def test_a_person_needs_a_birth_date_or_a_national_id_and_a_collective_has_neither(demo, user):
    rows = [
        row(national_id=None, date_of_birth=None),
        row(full_name="Tổ dân phố 3", kind="Tập thể", title_code="TLDTT", national_id=None),
    ]
    report = award_import.import_registry(db.session, registry_file(rows), actor=user("noivu"))
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (3, "B", "Cá nhân cần có ngày sinh hoặc số định danh cá nhân."),
        (4, "B", "Chỉ cá nhân mới có ngày sinh."),
    ]


def test_values_are_read_the_way_people_type_them(demo, user):
    typed = row(
        full_name="  nguyễn   văn an ",
        date_of_birth="12/03/1985",
        national_id=62085001234,
        unit="thị trấn plei kần",
        kind="cá nhân",
        title_code="LĐTT",
        decision_date="15/01/2024",
        deciding_authority="UBND-NGOCHOI",
        basis="đột xuất",
        money_vnd="540.000",
    )
    report = award_import.import_registry(db.session, registry_file([typed]), actor=user("noivu"))
    assert report.errors == []
    entry = db.session.scalar(select(RegistryEntry))
    assert (entry.nominee.national_id, entry.title_code, entry.basis, entry.money_vnd) == (
        "062085001234",
        "LDTT",
        "sudden",
        540000,
    )
    assert entry.nominee.full_name == "nguyễn văn an" and entry.nominee.date_of_birth == date(1985, 3, 12)


def test_a_title_may_be_written_by_its_vietnamese_name(demo, user):
    report = award_import.import_registry(
        db.session, registry_file([row(title_code="Chiến sĩ thi đua cơ sở")]), actor=user("noivu")
    )
    assert report.errors == [] and db.session.scalar(select(RegistryEntry.title_code)) == "CSTDCS"


def test_imported_awards_join_the_identity_of_people_already_known(make_dossier, user):
    dossier = make_dossier(nominees=("Nguyễn Văn An",), year=2025)
    known = dossier.nominations[0].nominee
    rows = [row(national_id=None, date_of_birth=known.date_of_birth, year=2022, decision_date=date(2023, 1, 10))]
    award_import.import_registry(db.session, registry_file(rows), actor=user("noivu"))
    assert db.session.scalar(select(RegistryEntry.nominee_id)) == known.id


@pytest.mark.parametrize("username", ["canbo.pleikan", "truong.pleikan", "thuky", "chutich", "uyvien1"])
def test_only_the_standing_office_or_the_administrator_imports_past_awards(demo, user, username):
    with pytest.raises(PermissionDenied):
        award_import.import_registry(db.session, registry_file([row()]), actor=user(username))


# --- files that are not what they claim ----------------------------------------------------------------------------


def _zip(names: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "content",
    [
        io.BytesIO(PDF_BYTES),
        io.BytesIO(b"Ho ten;Ngay sinh\nNguyen Van An;12/03/1985\n"),
        _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
    ],
    ids=["pdf", "csv", "docx"],
)
def test_a_file_that_is_not_a_real_xlsx_is_refused_whatever_its_name(demo, user, content):
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, content, actor=user("noivu"))
    assert refused.value.errors["file"][0].startswith("Tệp không phải bảng tính Excel .xlsx")


def test_a_damaged_workbook_is_refused_with_a_message(demo, user):
    broken = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"not xml at all"})
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, broken, actor=user("noivu"))
    assert refused.value.errors["file"] == ["Không đọc được tệp Excel; tệp có thể bị hỏng."]


def test_a_file_over_five_megabytes_is_refused(demo, user):
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(
            db.session, io.BytesIO(b"PK\x03\x04" + b"\0" * imports.MAX_BYTES), actor=user("noivu")
        )
    assert refused.value.errors["file"] == ["Tệp vượt quá dung lượng tối đa 5 MB; hãy chia thành nhiều tệp."]


def test_an_empty_file_is_refused(demo, user):
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, io.BytesIO(b""), actor=user("noivu"))
    assert refused.value.errors["file"] == ["Tệp rỗng."]


def test_more_than_two_thousand_rows_are_refused_before_anything_is_read_into_the_database(demo, user):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([c.header for c in award_import.registry_columns(db.session, office_user())])
    # One cell a row: the count, not the reading time budget, is what refuses the file even on a busy machine.
    values = row()[:1]
    for _ in range(imports.MAX_ROWS + 1):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, out, actor=user("noivu"))
    assert refused.value.errors["file"] == ["Tệp có hơn 2.000 dòng dữ liệu; hãy chia thành nhiều tệp."]


def test_a_sheet_without_the_required_headers_is_refused_naming_them(demo, user):
    book = openpyxl.Workbook()
    book.active.append(["Họ tên", "Năm"])
    book.active.append(["Nguyễn Văn An", 2023])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, out, actor=user("noivu"))
    message = refused.value.errors["file"][0]
    assert message.startswith("Không tìm thấy dòng tiêu đề có đủ các cột bắt buộc: Họ tên, Đơn vị, Loại đối tượng")


def test_the_untouched_template_has_no_rows_to_import(demo, user):
    with pytest.raises(InvalidInput) as refused:
        award_import.import_registry(db.session, registry_file([]), actor=user("noivu"))
    assert refused.value.errors["file"] == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(demo, user):
    wanted = ["title_code", "full_name", "date_of_birth", "unit", "kind", "year", "decision_number", "decision_date"]
    columns = {c.key: c for c in award_import.registry_columns(db.session, office_user())}
    book = openpyxl.Workbook()
    book.active.append([columns[k].header for k in [*wanted, "deciding_authority"]])
    values = dict(zip(columns, row(), strict=True))
    book.active.append([values[k] for k in [*wanted, "deciding_authority"]])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    report = award_import.import_registry(db.session, out, actor=user("noivu"))
    assert report.errors == [] and report.rows_written == 1


# --- the templates -------------------------------------------------------------------------------------------------


def test_the_registry_template_is_a_workbook_with_headers_lists_a_guide_and_an_example(demo):
    book = openpyxl.load_workbook(io.BytesIO(award_import.registry_template(db.session, office_user())))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục"]
    data = book["Dữ liệu"]
    assert data["A1"].value.startswith("Nhập từ dòng 3 trở đi")
    assert [c.value for c in data[2]] == [
        "Họ tên *", "Ngày sinh", "Số định danh cá nhân", "Đơn vị *", "Loại đối tượng *", "Danh hiệu *", "Năm *",
        "Số quyết định *", "Ngày quyết định *", "Cơ quan quyết định *", "Căn cứ", "Số tiền",
    ]  # fmt: skip
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert lists["E3:E2002"] == '"Cá nhân,Tập thể,Hộ gia đình"'
    assert lists["K3:K2002"] == '"Thường xuyên,Đột xuất,Chuyên đề"'
    assert lists["F3:F2002"].startswith("'Danh mục'!$A$2")
    guide = [[c.value for c in r] for r in book["Hướng dẫn"].iter_rows()]
    assert guide[-2][:3] == ["Họ tên *", "Ngày sinh", "Số định danh cá nhân"]
    assert guide[-1][0] == "Nguyễn Văn An"
    codes = {r[0] for r in book["Danh mục"].iter_rows(min_row=2, max_col=1, values_only=True)}
    units = {r[0] for r in book["Danh mục"].iter_rows(min_row=2, min_col=5, max_col=5, values_only=True)}
    assert {"LDTT", "CSTDCS", "TLDTT"} <= codes and "TT-PLEIKAN" in units


def test_the_example_row_of_the_guide_imports_cleanly(demo, user):
    guide = openpyxl.load_workbook(io.BytesIO(award_import.registry_template(db.session, office_user())))["Hướng dẫn"]
    example = [c.value for c in list(guide.iter_rows())[-1]]
    report = award_import.import_registry(db.session, registry_file([example]), actor=user("noivu"))
    assert report.errors == []


# --- a nominee list into a dossier ---------------------------------------------------------------------------------

NOMINEE_ROW = [
    "Cá nhân", "Nguyễn Văn An", date(1985, 3, 12), None, "Nam", "Chuyên viên", "LDTT", "Hoàn thành tốt nhiệm vụ", 12,
    None, None, "Hoàn thành tốt nhiệm vụ được giao.", None, None, None, None, None,
]  # fmt: skip


def nominee_row(**changes) -> list:
    keys = [
        "kind", "full_name", "date_of_birth", "national_id", "gender", "position", "title_code", "annual_rating",
        "months_of_service", "discipline_status", "relies_on_initiative", "achievement", "member_count",
        "members_ldtt", "members_cstdcs", "members_completed", "members_disciplined",
    ]  # fmt: skip
    values = dict(zip(keys, NOMINEE_ROW, strict=True)) | changes
    return [values[k] for k in keys]


def nominee_file(dossier, rows) -> io.BytesIO:
    return workbook(nominee_import.nominee_template(db.session, dossier), rows)


def test_a_nominee_list_becomes_the_dossiers_nominations(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    rows = [
        nominee_row(),
        nominee_row(full_name="Trần Thị Bình", gender="Nữ", annual_rating="Hoàn thành xuất sắc nhiệm vụ",
                    title_code="CSTDCS", relies_on_initiative="Có"),
        nominee_row(kind="Tập thể", full_name="Văn phòng UBND thị trấn", date_of_birth=None, gender=None,
                    position=None, title_code="Tập thể lao động tiên tiến", annual_rating=None, months_of_service=None),
    ]  # fmt: skip
    report = nominee_import.import_nominees(
        db.session, dossier, nominee_file(dossier, rows), actor=user("canbo.pleikan")
    )
    db.session.commit()
    assert (report.rows_read, report.rows_written, report.errors) == (3, 3, [])
    assert [(n.nominee.full_name, n.title_code) for n in dossier.nominations] == [
        ("Nguyễn Văn An", "LDTT"),
        ("Trần Thị Bình", "CSTDCS"),
        ("Văn phòng UBND thị trấn", "TLDTT"),
    ]
    assert dossier.nominations[1].relies_on_initiative is True
    facts = db.session.scalar(select(NomineeYear).where(NomineeYear.nominee_id == dossier.nominations[1].nominee_id))
    assert (facts.annual_rating, facts.months_of_service, facts.year) == ("excellent", 12, dossier.year)


def test_a_bad_title_code_on_one_row_writes_nothing(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    before = (count(Nomination), count(Nominee), count(AuditEntry))
    rows = [nominee_row(), nominee_row(full_name="Trần Thị Bình", title_code="KHONG_CO"), nominee_row(full_name="C")]
    report = nominee_import.import_nominees(
        db.session, dossier, nominee_file(dossier, rows), actor=user("canbo.pleikan")
    )
    db.session.commit()
    assert report.errors == [
        RowError(
            4,
            "G",
            "Danh hiệu đề nghị",
            "Danh hiệu/hình thức “KHONG_CO” không có trong bộ quy định áp dụng cho hồ sơ này; ghi mã như trang "
            "“Danh mục”.",
        )
    ]
    assert report.rows_written == 0
    assert (count(Nomination), count(Nominee), count(AuditEntry)) == before
    assert db.session.get(type(dossier), dossier.id).nominations == []


def test_what_the_dossier_service_refuses_is_reported_on_the_right_cells(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    rows = [
        nominee_row(date_of_birth=None),
        nominee_row(full_name="Trần Thị Bình", title_code="TLDTT"),
        nominee_row(full_name="Lê Văn Cường"),
        nominee_row(full_name="lê văn cường"),
    ]
    report = nominee_import.import_nominees(
        db.session, dossier, nominee_file(dossier, rows), actor=user("canbo.pleikan")
    )
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (3, "C", "Vui lòng nhập ngày sinh."),
        (4, "G", "Danh hiệu này không dành cho loại đối tượng đã chọn."),
        (6, "B", "Người/tập thể này đã được đề nghị danh hiệu này trong hồ sơ."),
    ]
    assert count(Nomination) == 0


def collective_row(**changes) -> list:
    """Tổ Một cửa for TLĐXS: 10 members, 7 LĐTT, 1 CSTĐCS, all 10 completed, 1 reprimanded."""
    facts = {
        "kind": "Tập thể", "full_name": "Tổ Một cửa", "date_of_birth": None, "gender": None, "position": None,
        "title_code": "TLDXS", "annual_rating": None, "months_of_service": None, "discipline_status": "Khiển trách",
        "member_count": 10, "members_ldtt": 7, "members_cstdcs": 1, "members_completed": 10, "members_disciplined": 1,
    }  # fmt: skip
    return nominee_row(**facts | changes)


def test_a_collectives_member_counts_come_in_with_the_list(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    rows = [nominee_row(), collective_row()]
    report = nominee_import.import_nominees(
        db.session, dossier, nominee_file(dossier, rows), actor=user("canbo.pleikan")
    )
    db.session.commit()
    assert (report.rows_written, report.errors) == (2, [])
    person, collective = (n.year_facts for n in dossier.nominations)
    assert (person.member_count, person.members_ldtt) == (None, None)
    assert (collective.member_count, collective.members_ldtt, collective.members_cstdcs) == (10, 7, 1)
    assert (collective.members_completed, collective.members_disciplined) == (10, 1)
    assert collective.discipline_status == "reprimand"


def test_member_counts_that_do_not_add_up_are_reported_on_their_cells_and_nothing_is_written(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    before = (count(Nomination), count(Nominee), count(NomineeYear), count(AuditEntry))
    rows = [
        nominee_row(),
        collective_row(members_ldtt=11),
        collective_row(full_name="Tổ Tiếp dân", member_count=-1, members_ldtt=None, members_cstdcs=None,
                       members_completed=None, members_disciplined=None),
        collective_row(full_name="Tổ Văn thư", members_completed="mười"),
    ]  # fmt: skip
    report = nominee_import.import_nominees(
        db.session, dossier, nominee_file(dossier, rows), actor=user("canbo.pleikan")
    )
    db.session.commit()
    assert report.errors == [
        RowError(4, "N", "Số đạt LĐTT", "Không được lớn hơn tổng số thành viên (10)."),
        RowError(5, "M", "Tổng số thành viên", "Số người không được âm."),
        RowError(6, "P", "Số hoàn thành nhiệm vụ", "Phải là một số nguyên."),
    ]
    assert report.rows_written == 0
    assert (count(Nomination), count(Nominee), count(NomineeYear), count(AuditEntry)) == before


@pytest.mark.parametrize("username", ["canbo.dakxu", "truong.pleikan", "noivu"])
def test_only_the_units_officer_imports_into_a_dossier(make_dossier, user, username):
    dossier = make_dossier(nominees=(), complete=False)
    with pytest.raises(PermissionDenied):
        nominee_import.import_nominees(
            db.session, dossier, nominee_file(dossier, [nominee_row()]), actor=user(username)
        )


def test_the_nominee_template_lists_the_titles_of_the_dossiers_rule_set(make_dossier):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.load_workbook(io.BytesIO(nominee_import.nominee_template(db.session, dossier)))
    assert [c.value for c in book["Dữ liệu"][2]][:3] == ["Loại đối tượng *", "Họ tên *", "Ngày sinh"]
    assert [c.value for c in book["Dữ liệu"][2]][-5:] == [
        "Tổng số thành viên", "Số đạt LĐTT", "Số đạt CSTĐCS", "Số hoàn thành nhiệm vụ", "Số bị kỷ luật",
    ]  # fmt: skip
    codes = [r[0] for r in book["Danh mục"].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert codes[:2] == ["LDTT", "CSTDCS"] and "GIAY_KHEN_CT_XA" in codes


# --- hostile workbooks: a few kilobytes must not hold a worker ---------------------------------------------------

TOO_LONG = (
    "Tệp có hơn 2.000 dòng dữ liệu (tính cả dòng trống): trang dữ liệu không được dài quá dòng 2.010; "
    "hãy xóa các dòng trống hoặc chia thành nhiều tệp."
)
# A generous bound on CPU seconds: the old reading spent from a minute to ten on these files.
CHEAP = 2.0
SHEET = "xl/worksheets/sheet1.xml"


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, part: str, change) -> io.BytesIO:
    """The workbook with one part's XML passed through `change`, as a hostile sender edits it by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                changed = change(content.decode()).encode()
                assert changed != content, f"{part} was not changed"
                content = changed
            target.writestr(name, content)
    out.seek(0)
    return out


def declaring(data: bytes, ref: str, ending_at: int | None = None) -> io.BytesIO:
    """The workbook with its sheet declaring the size `ref` whatever it holds, and with `ending_at`, an empty row
    that far down."""

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', xml)
        return xml.replace("</sheetData>", f'<row r="{ending_at}"/></sheetData>') if ending_at else xml

    return rewritten(data, SHEET, change)


def nominee_headers(dossier) -> list[str]:
    return [c.header for c in nominee_import.nominee_columns(db.session, dossier)]


def refused_cheaply(dossier, upload: io.BytesIO, actor) -> str:
    """The import's refusal of the file, checked to have cost little CPU and written nothing."""
    before = (count(Nomination), count(Nominee), count(AuditEntry))
    start = time.process_time()
    with pytest.raises(InvalidInput) as refused:
        nominee_import.import_nominees(db.session, dossier, upload, actor=actor)
    spent = time.process_time() - start
    assert spent < CHEAP, f"{spent:.1f} s of CPU"
    assert (count(Nomination), count(Nominee), count(AuditEntry)) == before
    assert list(refused.value.errors) == ["file"]
    return refused.value.errors["file"][0]


def test_a_sheet_declaring_a_million_rows_of_every_column_is_refused_at_once(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.Workbook()
    book.active.append(["Danh sách đề nghị khen thưởng"])
    book.active.append(["Nguyễn Văn An", 2023])
    # The old reading made up every missing row down to the empty last one, 16,384 cells wide, and counted none.
    upload = declaring(saved(book), "A1:XFD1048576", ending_at=1_048_576)
    assert refused_cheaply(dossier, upload, user("canbo.pleikan")) == TOO_LONG


def test_a_good_file_declaring_a_huge_size_imports_what_it_holds(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    upload = declaring(nominee_file(dossier, [nominee_row()]).getvalue(), "A1:XFD1048576")
    start = time.process_time()
    report = nominee_import.import_nominees(db.session, dossier, upload, actor=user("canbo.pleikan"))
    assert time.process_time() - start < CHEAP
    assert (report.rows_written, report.errors) == (1, [])


def test_rows_a_million_apart_are_refused_without_walking_the_gap(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.Workbook()
    book.active.append(nominee_headers(dossier))
    book.active.append(nominee_row())
    book.active.cell(row=1_000_000, column=16384, value="x")  # openpyxl declares A1:XFD1000000, truthfully
    assert refused_cheaply(dossier, io.BytesIO(saved(book)), user("canbo.pleikan")) == TOO_LONG


def test_blank_rows_between_the_data_rows_count_towards_the_limit(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(nominee_headers(dossier))
    for n in range(imports.MAX_ROWS):
        sheet.append(nominee_row(full_name=f"Người thứ {n}"))
        sheet.append([None])
    assert refused_cheaply(dossier, io.BytesIO(saved(book)), user("canbo.pleikan")) == TOO_LONG


@pytest.mark.parametrize("last", [imports.LAST_ROW, imports.LAST_ROW + 1], ids=["at-the-limit", "one-past"])
def test_the_sheet_may_reach_the_limit_row_and_not_one_further(make_dossier, user, last):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.Workbook()
    book.active.append(nominee_headers(dossier))
    book.active.append(nominee_row())
    for column, value in enumerate(nominee_row(full_name="Trần Thị Bình"), start=1):
        book.active.cell(row=last, column=column, value=value)
    upload = io.BytesIO(saved(book))
    if last == imports.LAST_ROW:
        report = nominee_import.import_nominees(db.session, dossier, upload, actor=user("canbo.pleikan"))
        assert (report.rows_written, report.errors) == (2, [])
    else:
        assert refused_cheaply(dossier, upload, user("canbo.pleikan")) == TOO_LONG


def test_two_thousand_honest_rows_are_read_whole(make_dossier):
    """Reading only: writing 2,000 nominations takes the services about a minute."""
    dossier = make_dossier(nominees=(), complete=False)
    typed = [nominee_row(full_name=f"Người thứ {n}", achievement="Hoàn thành tốt nhiệm vụ. " * 12) for n in range(2000)]
    read, positions = imports.read_sheet(
        nominee_file(dossier, typed), nominee_import.nominee_columns(db.session, dossier)
    )
    assert [number for number, _ in read] == list(range(3, 3 + imports.MAX_ROWS))
    assert read[-1][1][1] == "Người thứ 1999" and positions[1].key == "full_name"


def test_reading_past_the_time_budget_is_refused(make_dossier, user, monkeypatch):
    dossier = make_dossier(nominees=(), complete=False)
    monkeypatch.setattr(imports, "READ_SECONDS", 0.05)
    book = openpyxl.Workbook()
    book.active.append(["Danh sách"])
    repeated = '<row r="1"/>' * 200_000  # each parsed and dropped by openpyxl, never yielded as a row
    upload = rewritten(saved(book), SHEET, lambda xml: xml.replace("</sheetData>", repeated + "</sheetData>"))
    assert refused_cheaply(dossier, upload, user("canbo.pleikan")) == (
        "Tệp Excel cần quá nhiều thời gian để đọc (có thể do quá nhiều ô, định dạng hoặc trang tính); "
        "hãy chép dữ liệu sang tệp mẫu mới hoặc chia thành nhiều tệp."
    )


@pytest.mark.parametrize(
    ("part", "filler", "limit"),
    [
        (SHEET, " ", imports.MAX_UNPACKED_BYTES),
        ("xl/styles.xml", '<xf numFmtId="0" fontId="0"/>', imports.MAX_STYLES_BYTES),
        ("xl/workbook.xml", '<definedName name="x">A!$A$1</definedName>', imports.PART_LIMITS["xl/workbook.xml"]),
    ],
    ids=["whole-workbook", "styles", "workbook"],
)
def test_a_workbook_unpacking_past_its_limits_is_refused_before_it_is_parsed(make_dossier, user, part, filler, limit):
    dossier = make_dossier(nominees=(), complete=False)
    closing = {SHEET: "</sheetData>", "xl/styles.xml": "</cellXfs>", "xl/workbook.xml": "</workbook>"}[part]
    padding = filler * (limit // len(filler) + 1)
    upload = rewritten(saved(openpyxl.Workbook()), part, lambda xml: xml.replace(closing, padding + closing))
    assert refused_cheaply(dossier, upload, user("canbo.pleikan")) == (
        "Tệp Excel giải nén ra quá lớn; hãy chia thành nhiều tệp."
    )


def test_nested_entities_are_refused_as_a_damaged_file(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    book = openpyxl.Workbook()
    book.active.append(["Danh sách"])
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
    upload = rewritten(saved(book), SHEET, lambda xml: bomb + xml.replace("Danh sách", "&l9;"))
    assert refused_cheaply(dossier, upload, user("canbo.pleikan")) == "Không đọc được tệp Excel; tệp có thể bị hỏng."
