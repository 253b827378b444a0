"""Reading and writing the .xlsx files of the imports (past awards: workflow/registry/award_import.py; a nominee
list: workflow/dossiers/nominee_import.py): the cell readers, the bounded reading of an untrusted workbook, the
all-or-nothing import loop and the template builder.

An import reads every row and collects every problem (Excel row, column letter and header, reason) before anything
counts as written; writing is all-or-nothing inside a savepoint, so a file with one bad row leaves the database as
it was and the report lists all of them. Files are checked by content, size and row count first, and read with
bounded dimensions and a CPU budget, so a hostile file costs at most a few seconds."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from models import AwardTitle
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.dossiers.documents import MEDIA_TYPES, sniff_media_type
from workflow.registry import identity
from workflow.registry.identity import clean_name, name_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# A 5 MB .xlsx can unpack to gigabytes. 2,000 rows typed into the nominee template unpack to 2.7 MB with a
# 300-character summary on each (the registry template: 1.4 MB). The parts openpyxl parses in one piece (the
# workbook, relationships, one row) are out of READ_SECONDS' reach: this bounds them, at up to 0.6 s a megabyte.
MAX_UNPACKED_BYTES = 4 * 1024 * 1024
# Parts openpyxl parses in one piece, with no read in between for the time budget to stop it: the style table (1.3 s
# of CPU a megabyte), the workbook (its defined names, 0.6 s a megabyte) and its relationships. Excel writes a few
# dozen kilobytes of each.
MAX_STYLES_BYTES = 512 * 1024
PART_LIMITS = {
    "xl/styles.xml": MAX_STYLES_BYTES,
    "xl/workbook.xml": 256 * 1024,
    "xl/_rels/workbook.xml.rels": 256 * 1024,
}
# A workbook saved by Excel or LibreOffice has a dozen or two parts; each part costs a copy below.
MAX_PARTS = 1000
# The header row is looked for among the first rows, so a title or note above it is fine.
HEADER_SEARCH_ROWS = 10
# Every row counts, blank or not, so a sheet ending further down is refused, not walked.
LAST_ROW = HEADER_SEARCH_ROWS + MAX_ROWS
# Cells read to the right of the known columns: room for a numbering or notes column, or a table set further right.
EXTRA_COLUMNS = 8
# CPU seconds a request may spend in openpyxl reading one workbook. 2,000 honest rows take 0.4 to 0.6 s on the
# development machine; the rest is room for a slower or busier server.
READ_SECONDS = 1.0
DATA_SHEET = "Dữ liệu"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
XLSX = MEDIA_TYPES["xlsx"]

KINDS = {"Cá nhân": "person", "Tập thể": "collective", "Hộ gia đình": "household"}
YES_NO = {"Có": True, "Không": False}


class CellError(ValueError):
    """One cell that cannot be read. `reason` (a `msg`) is shown to the user, kept as given: str() of the exception
    would lose its catalogue id."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    header: str
    reason: str


@dataclass
class ImportReport:
    """What an import read and wrote; `errors` non-empty means nothing was written."""

    rows_read: int = 0
    rows_written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    hint: str = ""
    example: Any = None
    choices: tuple[str, ...] = ()
    default: Any = None
    width: int = 18
    as_text: bool = False


# --- cell readers --------------------------------------------------------------------------------------------------


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_cell(limit: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = clean_name(str(value))
        if len(text) > limit:
            raise CellError(msg("Tối đa %(limit)s ký tự (đang có %(length)s).", limit=limit, length=len(text)))
        return text

    return read


def long_text_cell(limit: int) -> Callable[[Any], str]:
    """Like text_cell, but line breaks inside the cell are kept."""

    def read(value: Any) -> str:
        text = str(value).strip()
        if len(text) > limit:
            raise CellError(msg("Tối đa %(limit)s ký tự (đang có %(length)s).", limit=limit, length=len(text)))
        return text

    return read


def date_cell(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for layout in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, layout).date()
            except ValueError:
                continue
    raise CellError(msg("Ngày không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 31/01/1980."))


def whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(msg("Phải là một số nguyên."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise CellError(msg("Phải là một số nguyên."))


def number_between(low: int, high: int) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        number = whole_number(value)
        if not low <= number <= high:
            raise CellError(msg("Phải từ %(low)s đến %(high)s.", low=low, high=high))
        return number

    return read


def money_cell(value: Any) -> int:
    if isinstance(value, str):
        # 1.880.000 or 1,880,000 or "1 880 000 đồng"
        value = value.lower().replace("đồng", "").replace("vnđ", "").replace("đ", "")
        value = "".join(ch for ch in value if ch not in "., \u00a0")
    try:
        amount = whole_number(value)
    except CellError:
        raise CellError(msg("Số tiền phải là số đồng, ví dụ 1880000 hoặc 1.880.000.")) from None
    if amount < 0:
        raise CellError(msg("Số tiền không được âm."))
    return amount


def national_id_cell(value: Any) -> str:
    # Excel drops the leading zero of a number typed into a General cell; every ID has 12 digits.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        value = f"{value:012d}"
    text = str(value).strip().replace(" ", "")
    if not (text.isdigit() and len(text) == identity.NATIONAL_ID_LENGTH):
        raise CellError(msg("Số định danh cá nhân gồm 12 chữ số."))
    return text


def choice(mapping: dict[str, Any]) -> Callable[[Any], Any]:
    keys = {name_key(label): code for label, code in mapping.items()}
    keys.update({name_key(str(code)): code for code in mapping.values() if isinstance(code, str)})

    def read(value: Any) -> Any:
        found = keys.get(name_key(str(value)), CellError)
        if found is CellError:
            raise CellError(msg("Giá trị phải là một trong: %(choices)s.", choices=", ".join(mapping)))
        return found

    return read


def yes_no_cell(value: Any) -> bool:
    return value if isinstance(value, bool) else choice(YES_NO)(value)


def _code_key(value: str) -> str:
    """Codes as people type them: any case, Đ for D (LĐTT → LDTT, CSTĐCS → CSTDCS)."""
    return clean_name(value).upper().replace("Đ", "D")


def title_reader(titles: Iterable[AwardTitle], where: str) -> Callable[[Any], str]:
    """`where` names the rule sets searched, as a `msg` of its own (it is translated inside the reason)."""
    lookup: dict[str, str | None] = {}
    for title in titles:
        lookup[_code_key(title.code)] = title.code
        known = lookup.get(name_key(title.name_vi), title.code)
        # One name, two codes (in different rule sets): only the code can say which.
        lookup[name_key(title.name_vi)] = title.code if known == title.code else None

    def read(value: Any) -> str:
        text = str(value)
        code = lookup.get(_code_key(text)) or lookup.get(name_key(text))
        if code is None:
            raise CellError(
                msg(
                    "Danh hiệu/hình thức “%(title)s” không có trong %(where)s; ghi mã như trang “Danh mục”.",
                    title=clean_name(text),
                    where=where,
                )
            )
        return code

    return read


# --- the two kinds of import: their columns ------------------------------------------------------------------------

KIND_COLUMN = dict(header="Loại đối tượng", required=True, choices=tuple(KINDS), example="Cá nhân", width=16)
NAME_HINT = "Họ tên cá nhân, hoặc tên tập thể / hộ gia đình."
BIRTH_HINT = "Bắt buộc với cá nhân; để trống với tập thể, hộ gia đình. Dạng ngày/tháng/năm."
ID_HINT = "Căn cước công dân, 12 chữ số; không bắt buộc."


# --- reading a workbook --------------------------------------------------------------------------------------------


DAMAGED = msg("Không đọc được tệp Excel; tệp có thể bị hỏng.")


def _file_error(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]})


class _OutOfTime(Exception):
    """Reading the workbook used up READ_SECONDS."""


class _Budget(io.BytesIO):
    """The upload as openpyxl reads it: any read past the time budget raises _OutOfTime, so no part of the
    workbook (its strings, its sheets, however many it declares) can hold the worker longer."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        # CPU time of this thread: other requests busy on the same server do not eat into it.
        self.deadline = time.thread_time() + READ_SECONDS

    def read(self, size: int | None = -1, /) -> bytes:
        if time.thread_time() > self.deadline:
            raise _OutOfTime
        return super().read(size)


def _read_upload(stream: BinaryIO) -> bytes:
    """The upload, checked by size and content, as an uncompressed archive: openpyxl then reads it in pieces of
    16 KB of XML, each a point where _Budget can stop it (a compressed part may unpack megabytes in one read)."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise _file_error(msg("Tệp rỗng."))
    if len(data) > MAX_BYTES:
        raise _file_error(msg("Tệp vượt quá dung lượng tối đa 5 MB; hãy chia thành nhiều tệp."))
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        is_xlsx = sniff_media_type(path) == XLSX
    if not is_xlsx:
        raise _file_error(
            msg(
                "Tệp không phải bảng tính Excel .xlsx (kiểm tra theo nội dung tệp, không theo tên); "
                "hãy dùng tệp mẫu và lưu dưới dạng Excel Workbook (.xlsx)."
            )
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if (
            len(parts) > MAX_PARTS
            or sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES
            or any(info.file_size > PART_LIMITS.get(info.filename, MAX_UNPACKED_BYTES) for info in parts)
        ):
            raise _file_error(msg("Tệp Excel giải nén ra quá lớn; hãy chia thành nhiều tệp."))
        unpacked = io.BytesIO()
        try:
            with zipfile.ZipFile(unpacked, "w", zipfile.ZIP_STORED) as copy:
                for info in parts:
                    copy.writestr(info.filename, archive.read(info))
        except Exception:  # a damaged or encrypted part, an unknown compression
            raise _file_error(DAMAGED) from None
    return unpacked.getvalue()


def _header_key(value: Any) -> str:
    return name_key(str(value)).rstrip("*").strip() if not blank(value) else ""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _sheet_rows(data: bytes, width: int) -> list[tuple[int, tuple]]:
    """The data sheet's non-blank rows with their Excel row numbers, `width` cells each, read in one pass. The size
    a sheet declares is not trusted (openpyxl would fill every gap between two rows that wide), every row up to
    LAST_ROW counts, blank or not, and the whole reading stops after READ_SECONDS."""
    try:
        workbook = openpyxl.load_workbook(_Budget(data), read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
            sheet.reset_dimensions()
            rows, number = [], 0
            cells = sheet.iter_rows(max_row=LAST_ROW + 1, max_col=width, values_only=True)
            for number, values in enumerate(cells, start=1):
                if any(not blank(v) for v in values):
                    rows.append((number, values))
        finally:
            workbook.close()
    except _OutOfTime:
        raise _file_error(
            msg(
                "Tệp Excel cần quá nhiều thời gian để đọc (có thể do quá nhiều ô, định dạng hoặc trang tính); "
                "hãy chép dữ liệu sang tệp mẫu mới hoặc chia thành nhiều tệp."
            )
        ) from None
    except Exception:  # an untrusted file: whatever openpyxl trips over, the answer is the same
        raise _file_error(DAMAGED) from None
    if number > LAST_ROW:
        raise _file_error(
            msg(
                "Tệp có hơn %(rows)s dòng dữ liệu (tính cả dòng trống): trang dữ liệu không được dài quá "
                "dòng %(last_row)s; hãy xóa các dòng trống hoặc chia thành nhiều tệp.",
                rows=_thousands(MAX_ROWS),
                last_row=_thousands(LAST_ROW),
            )
        )
    return rows


def _locate_columns(rows: list[tuple[int, tuple]], columns: list[Column]) -> tuple[int, dict[int, Column]]:
    """The header row (its index in `rows`) and which column index holds which field."""
    by_header = {name_key(c.header): c for c in columns}
    required = {name_key(c.header) for c in columns if c.required}
    for index, (_, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [_header_key(v) for v in values]
        if required <= set(keys):
            return index, {i: by_header[k] for i, k in enumerate(keys) if k in by_header}
    names = ", ".join(c.header for c in columns if c.required)
    raise _file_error(
        msg("Không tìm thấy dòng tiêu đề có đủ các cột bắt buộc: %(columns)s. Hãy dùng tệp mẫu.", columns=names)
    )


def _parse_row(
    number: int, values: tuple, positions: dict[int, Column], columns: list[Column], report: ImportReport
) -> dict | None:
    """The row's values by field (defaults for blank cells and absent optional columns), or None when any cell
    is bad; each bad cell is added to the report."""
    parsed: dict[str, Any] = {c.key: c.default for c in columns}
    before = len(report.errors)
    for index, column in positions.items():
        value = values[index] if index < len(values) else None
        letter = get_column_letter(index + 1)
        if blank(value):
            if column.required:
                report.errors.append(RowError(number, letter, column.header, msg("Bắt buộc nhập.")))
            continue
        try:
            parsed[column.key] = column.parse(value)
        except CellError as bad:
            report.errors.append(RowError(number, letter, column.header, bad.reason))
    return parsed if len(report.errors) == before else None


def read_sheet(stream: BinaryIO, columns: list[Column]) -> tuple[list[tuple[int, tuple]], dict[int, Column]]:
    rows = _sheet_rows(_read_upload(stream), len(columns) + EXTRA_COLUMNS)
    header_index, positions = _locate_columns(rows, columns)
    data_rows = rows[header_index + 1 :]
    if not data_rows:
        raise _file_error(msg("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if len(data_rows) > MAX_ROWS:
        raise _file_error(msg("Tệp có hơn %(rows)s dòng dữ liệu; hãy chia thành nhiều tệp.", rows=_thousands(MAX_ROWS)))
    return data_rows, positions


def _row_errors(number: int, errors: dict[str, list[str]], positions: dict[int, Column]) -> list[RowError]:
    """A service's field errors as the cells they are about (or the row, for a field with no column)."""
    by_key = {c.key: (get_column_letter(i + 1), c.header) for i, c in positions.items()}
    return [
        RowError(number, *by_key.get(key, ("", "")), message)
        for key, messages in errors.items()
        for message in messages
    ]


def run_import(
    session: Session,
    stream: BinaryIO,
    columns: list[Column],
    write: Callable[[dict], None],
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read and check every row, try to write every good one so the services can refuse it too (a duplicate, a
    title of the wrong kind), and keep the writing only when no row at all was refused. A refused row may leave
    a new nominee behind until then; the savepoint's rollback takes it away with everything else. `progress(done,
    total)` hears of each row tried (a background job's progress bar)."""
    rows, positions = read_sheet(stream, columns)
    report = ImportReport(rows_read=len(rows))
    parsed_rows = [(number, _parse_row(number, values, positions, columns, report)) for number, values in rows]
    everything = session.begin_nested()
    for done, (number, parsed) in enumerate(parsed_rows):
        if progress is not None:
            progress(done, len(parsed_rows))
        if parsed is None:
            continue
        try:
            write(parsed)
        except InvalidInput as refused:
            report.errors.extend(_row_errors(number, refused.errors, positions))
    if report.errors:
        everything.rollback()
        report.errors.sort(key=lambda e: (e.row, len(e.column), e.column))
    else:
        everything.commit()
        report.rows_written = len(rows)
    return report


# --- templates -----------------------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE = (
    "Nhập từ dòng 3 trở đi, mỗi dòng một {what}; cột có dấu * là bắt buộc. Cách ghi từng cột và một dòng ví dụ "
    "ở trang “Hướng dẫn”; mã đơn vị và mã danh hiệu ở trang “Danh mục”. Ngày ghi dạng ngày/tháng/năm. "
    "Tối đa {rows} dòng, tệp không quá 5 MB. Nếu có dòng sai, hệ thống không ghi dòng nào và liệt kê mọi dòng sai."
)


def _header(column: Column) -> str:
    return column.header + (" *" if column.required else "")


def _write_lists(sheet, titles: list[tuple[str, str, str]], units: list[tuple[str, str]]) -> dict[str, str]:
    """The reference lists; returns the drop-down formula for each list it wrote."""
    headings = ("Mã danh hiệu", "Tên danh hiệu / hình thức", "Đối tượng", None, "Mã đơn vị", "Tên đơn vị")
    for col, text in enumerate(headings, start=1):
        sheet.cell(row=1, column=col, value=text).font = Font(bold=True)
    for row, values in enumerate(titles, start=2):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=row, column=col, value=value)
    for row, (code, name) in enumerate(units, start=2):
        sheet.cell(row=row, column=5, value=code)
        sheet.cell(row=row, column=6, value=name)
    for letter, width in zip("ABCDEF", (22, 40, 12, 4, 18, 44), strict=True):
        sheet.column_dimensions[letter].width = width
    formulas = {"title_code": f"'{LISTS_SHEET}'!$A$2:$A${len(titles) + 1}"}
    if units:
        formulas["unit"] = f"'{LISTS_SHEET}'!$E$2:$E${len(units) + 1}"
    return formulas


def build_template(columns: list[Column], what: str, titles, units) -> bytes:
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    last = get_column_letter(len(columns))
    data.merge_cells(f"A1:{last}1")
    data["A1"] = NOTE.format(what=what, rows=f"{MAX_ROWS:,}".replace(",", "."))
    data["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    data.row_dimensions[1].height = 48
    lists = _write_lists(workbook.create_sheet(LISTS_SHEET), titles, units)
    last_row = MAX_ROWS + 2
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=2, column=index, value=_header(column))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[letter].width = column.width
        if column.as_text:
            data.column_dimensions[letter].number_format = "@"
        formula = f'"{",".join(column.choices)}"' if column.choices else lists.get(column.key)
        if formula:
            # Lists of codes only warn, so a unit or title may also be written by its name.
            check = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop" if column.choices else "warning",
                error="Chọn một giá trị trong danh sách.",
            )
            data.add_data_validation(check)
            check.add(f"{letter}3:{letter}{last_row}")
    data.freeze_panes = "A3"
    _write_guide(workbook.create_sheet(GUIDE_SHEET, 1), columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_guide(sheet, columns: list[Column]) -> None:
    sheet["A1"] = "Cách ghi từng cột"
    sheet["A1"].font = Font(bold=True, size=13)
    for col, text in enumerate(("Cột", "Bắt buộc", "Cách ghi"), start=1):
        sheet.cell(row=2, column=col, value=text).font = Font(bold=True)
    for row, column in enumerate(columns, start=3):
        sheet.cell(row=row, column=1, value=column.header)
        sheet.cell(row=row, column=2, value="Có" if column.required else "")
        sheet.cell(row=row, column=3, value=column.hint)
    example_row = len(columns) + 4
    sheet.cell(row=example_row, column=1, value="Ví dụ một dòng (không nhập dòng này vào trang “Dữ liệu”)").font = Font(
        bold=True
    )
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=example_row + 1, column=index, value=_header(column)).font = Font(bold=True)
        cell = sheet.cell(row=example_row + 2, column=index, value=column.example)
        if isinstance(column.example, date):
            cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate((24, 10, 70), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def title_rows(titles: Iterable[AwardTitle]) -> list[tuple[str, str, str]]:
    kinds = {code: label for label, code in KINDS.items()}
    rows: dict[str, tuple[str, str, str]] = {}
    for title in titles:
        rows[title.code] = (title.code, title.name_vi, kinds[title.subject_kind])
    return list(rows.values())
