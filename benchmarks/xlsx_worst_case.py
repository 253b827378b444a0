"""CPU cost of importing hostile .xlsx files, next to honest ones.

Prints one JSON line per file: {"file", "bytes", "unpacked_bytes", "cpu_s", "read_cpu_s", "outcome"}. `cpu_s` is
the CPU time of the whole nominee import (the route any unit officer reaches), `read_cpu_s` that of reading the
workbook alone; `outcome` is the answer a user reads (the refusal of the file, or how many rows were written).
The database is a SQLite file in a temporary folder; each file goes into a dossier of its own.

The hostile files are a few kilobytes to a few hundred: a sheet declaring 1,048,576 rows of 16,384 columns and
ending with an empty row that far down; rows a million apart, the last reaching column XFD; 2,000 data rows spread
over 100,000 rows; styles at their size limit; shared strings, defined names, sheets, relationships, one row of
cells, repeated rows, each filling the unpacked-size limit; nested entities. The honest ones are 2,000 rows typed
into the nominee template; each writes 2,000 nominations, which takes the services about a minute.

Usage: .venv/bin/python benchmarks/xlsx_worst_case.py [--only NAME]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
from flask_migrate import upgrade
from sqlalchemy import select

from config import TestingConfig
from models import Dossier, User, db
from web import create_app
from workflow.core.errors import InvalidInput
from workflow.core.today import told_on
from workflow.demo.dossiers import STORY_DAY
from workflow.demo.seed import seed_demo
from workflow.dossiers import editing as dossiers
from workflow.dossiers import nominee_import
from workflow.registry import xlsx as imports

SUMMARY = "Hoàn thành xuất sắc nhiệm vụ được giao, có sáng kiến được Hội đồng cấp huyện công nhận. "


def nominee_row(n: int, summary_chars: int) -> list:
    summary = (SUMMARY * (summary_chars // len(SUMMARY) + 1))[:summary_chars]
    return [
        "Cá nhân", f"Nguyễn Văn An {n}", date(1985, 3, 12), f"{62085000000 + n:012d}", "Nam", "Chuyên viên", "LDTT",
        "Hoàn thành tốt nhiệm vụ", 12, None, None, summary,
    ]  # fmt: skip


def filled(template: bytes, rows: dict[int, list]) -> bytes:
    """The template with `rows` (Excel row number → values) typed into its data sheet."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[imports.DATA_SHEET]
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def small_sheet() -> bytes:
    """A real workbook of a few cells and no template header."""
    book = openpyxl.Workbook()
    book.active.append(["Danh sách", "đề nghị"])
    book.active.append(["Nguyễn Văn An", 2023])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, changes: dict[str, Callable[[str], str]]) -> bytes:
    """The archive with some parts rewritten (a part missing from it is made from the empty string)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            text = source.read(name).decode()
            target.writestr(name, changes[name](text) if name in changes else text, compresslevel=9)
        for name in changes.keys() - set(names):
            target.writestr(name, changes[name](""), compresslevel=9)
    return out.getvalue()


def unpacked(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def repeat(piece: str, room: int) -> str:
    return piece * (room // len(piece))


def hostile_files(template: bytes) -> dict[str, bytes]:
    sheet, book, rels = "xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    base = small_sheet()
    room = imports.MAX_UNPACKED_BYTES - unpacked(base) - 64 * 1024  # what the limit leaves, less a margin
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    strings_type = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    strings_rel = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))

    def before(marker: str, filler: str) -> Callable[[str], str]:
        return lambda text: text.replace(marker, filler + marker, 1)

    def numbered(piece: str, size: int) -> str:
        return "".join(piece.format(i) for i in range(size // len(piece.format(10**5))))

    return {
        "dimension_A1_XFD1048576_empty_last_row": rezip(
            base,
            {
                sheet: lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x).replace(
                    "</sheetData>", '<row r="1048576"/></sheetData>'
                )
            },
        ),
        "rows_3_and_1000000_to_column_XFD": filled(
            template, {3: nominee_row(1, 300), 1_000_000: nominee_row(2, 300) + [None] * 16371 + ["x"]}
        ),
        "2000_rows_50_apart": filled(template, {3 + 50 * n: nominee_row(n, 300) for n in range(imports.MAX_ROWS)}),
        "styles_at_their_limit": rezip(
            base,
            {
                "xl/styles.xml": before(
                    "</cellXfs>", repeat('<xf numFmtId="0" fontId="0"/>', imports.MAX_STYLES_BYTES - 8 * 1024)
                )
            },
        ),
        "shared_strings": rezip(
            base,
            {
                "xl/sharedStrings.xml": lambda _: (
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + repeat("<si><t>x</t></si>", room)
                    + "</sst>"
                ),
                "[Content_Types].xml": before("</Types>", strings_type),
                rels: before("</Relationships>", strings_rel),
            },
        ),
        "defined_names": rezip(
            base,
            {
                book: lambda x: x.replace(
                    "<definedNames/>",
                    "<definedNames>"
                    + numbered('<definedName name="n{}">Sheet!$A$1</definedName>', room)
                    + "</definedNames>",
                )
            },
        ),
        "sheets_sharing_one_part": rezip(
            base,
            {
                book: lambda x: before("</sheets>", numbered('<sheet name="s{0}" sheetId="{0}" r:id="rId1"/>', room))(
                    x.replace("<workbook ", f"<workbook {r_ns} ", 1)
                )
            },
        ),
        "relationships": rezip(
            base, {rels: before("</Relationships>", numbered('<Relationship Id="x{}" Type="t" Target="a"/>', room))}
        ),
        "one_row_of_cells": rezip(base, {sheet: before("</sheetData>", f'<row r="3">{repeat("<c/>", room)}</row>')}),
        "one_row_of_dates": rezip(
            base,
            {sheet: before("</sheetData>", '<row r="3">' + repeat('<c t="d"><v>2020-01-01</v></c>', room) + "</row>")},
        ),
        "row_1_repeated": rezip(base, {sheet: before("</sheetData>", repeat('<row r="1"/>', room))}),
        "billion_laughs": rezip(
            base,
            {
                sheet: lambda x: (
                    f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
                    + x.replace("<t>Danh sách", "<t>&l9;")
                )
            },
        ),
    }


def honest_files(template: bytes) -> dict[str, bytes]:
    def rows(summary_chars: int) -> dict[int, list]:
        return {3 + n: nominee_row(n, summary_chars) for n in range(imports.MAX_ROWS)}

    return {
        "honest_2000_rows": filled(template, rows(300)),
        "honest_2000_rows_600_char_summaries": filled(template, rows(600)),
    }


def cpu(call: Callable[[], str]) -> tuple[float, str]:
    """CPU seconds of `call` and its outcome, or the refusal of the file a user would read."""
    start = time.process_time()
    try:
        outcome = call()
    except InvalidInput as refused:
        outcome = refused.errors["file"][0]
    return time.process_time() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="measure only the file of this name")
    args = parser.parse_args()
    # The demo district's day: its district ended on 30 June 2025, so a dossier made at today's date would be refused.
    with tempfile.TemporaryDirectory() as tmp, told_on(STORY_DAY):
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": tmp})
        app = create_app(config)
        with app.app_context():
            upgrade()
            seed_demo(db.session)
            officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))

            def new_dossier() -> Dossier:
                # One dossier per file: on SQLite an import that writes is committed even when rolled back after.
                dossier = dossiers.create_dossier(db.session, actor=officer, procedure="regular", year=2025, title="Đo")
                db.session.commit()
                return dossier

            dossier = new_dossier()
            columns = nominee_import.nominee_columns(db.session, dossier)
            template = nominee_import.nominee_template(db.session, dossier)
            for name, data in (hostile_files(template) | honest_files(template)).items():
                if args.only and name != args.only:
                    continue
                dossier = new_dossier()

                def read(data: bytes = data) -> str:
                    return f"{len(imports.read_sheet(io.BytesIO(data), columns)[0])} dòng đọc được"

                def load(data: bytes = data, dossier: Dossier = dossier) -> str:
                    report = nominee_import.import_nominees(db.session, dossier, io.BytesIO(data), actor=officer)
                    return f"{report.rows_written} dòng đã ghi, {report.bad_rows} dòng lỗi"

                read_s, _ = cpu(read)
                cpu_s, outcome = cpu(load)
                db.session.rollback()
                line = {"file": name, "bytes": len(data), "unpacked_bytes": unpacked(data), "cpu_s": round(cpu_s, 3)}
                print(json.dumps(line | {"read_cpu_s": round(read_s, 3), "outcome": outcome}, ensure_ascii=False))
            db.engine.dispose()


if __name__ == "__main__":
    main()
