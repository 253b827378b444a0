"""Time to import 5,000 nominees from Excel into one dossier, as the background job runs it.

A file holds at most 2,000 data rows (workflow/registry/xlsx.py::MAX_ROWS, the hostile-input bound), so the 5,000
nominees come as three files (2,000 + 2,000 + 1,000) filled into the dossier's own template, each imported by
`workflow/jobs/kinds.py::_nominees` through `nominee_import.import_nominees` (all or nothing, every row through
`add_nomination`: identity, the year's facts, an audit entry) and committed. Names are distinct and half the people
carry a national ID, so nothing is refused. Prints one JSON line: seconds per file and in all. Target: 5 s.

Usage: .venv/bin/python benchmarks/import_nominees.py [--rows 5000] [--profile]
PostgreSQL when TEST_DATABASE_URL points at a throw-away database (its schema `public` is rebuilt)."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
import time_machine
from sqlalchemy import func, select

from benchmarks.bench_app import bench_app, migrate_from_empty
from benchmarks.history import FAMILY, GIVEN, MIDDLE, STORY_MOMENT
from models import Nomination, User, db
from workflow.demo.seed import seed_demo
from workflow.dossiers import editing
from workflow.dossiers.nominee_import import import_nominees, nominee_template
from workflow.registry.xlsx import DATA_SHEET, MAX_ROWS


def rows(count: int, start: int) -> list[list]:
    """Distinct people: a name from the mixes, a birthday, every other one with a national ID."""
    names = [(f, m, g) for f in FAMILY for m in MIDDLE for g in GIVEN]
    found = []
    for i in range(start, start + count):
        family, middle, given = names[i % len(names)]
        name = " ".join(p for p in (family, middle, given, f"{i:05d}") if p)
        found.append([
            "Cá nhân", name, date(1970 + i % 30, 1 + i % 12, 1 + i % 28), f"0620{i:08d}" if i % 2 else None,
            "Nữ" if "Thị" in middle else "Nam", "Chuyên viên", "LDTT", "Hoàn thành tốt nhiệm vụ", 12, None, None,
            "Hoàn thành tốt nhiệm vụ được giao.", None, None, None, None, None,
        ])  # fmt: skip
    return found


def workbook(template: bytes, data: list[list]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[DATA_SHEET]
    for number, values in enumerate(data, start=3):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions (cProfile)")
    args = parser.parse_args()
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.db'}"
    with time_machine.travel(STORY_MOMENT, tick=True):
        app = bench_app(url, Path(tempfile.mkdtemp(prefix="import-uploads-")))
        with app.app_context():
            migrate_from_empty()
            seed_demo(db.session)
            db.session.commit()
            officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
            dossier = editing.create_dossier(
                db.session, actor=officer, procedure="regular", year=2025, title="Đề nghị công nhận LĐTT năm 2025"
            )
            db.session.commit()
            template = nominee_template(db.session, dossier)
            files = [
                workbook(template, rows(min(MAX_ROWS, args.rows - start), start))
                for start in range(0, args.rows, MAX_ROWS)
            ]
            dossier_id, officer_id = dossier.id, officer.id
            db.session.remove()
            profile = cProfile.Profile() if args.profile else None
            seconds = []
            for content in files:
                start = time.perf_counter()
                if profile:
                    profile.enable()
                # What the job does: load the dossier and the owner, import, commit.
                dossier = db.session.get(editing.Dossier, dossier_id)
                actor = db.session.get(User, officer_id)
                report = import_nominees(db.session, dossier, io.BytesIO(content), actor=actor)
                assert not report.errors, report.errors[:3]
                db.session.commit()
                if profile:
                    profile.disable()
                seconds.append(round(time.perf_counter() - start, 2))
                db.session.remove()
            written = db.session.scalar(
                select(func.count()).select_from(Nomination).where(Nomination.dossier_id == dossier_id)
            )
    print(json.dumps({
        "database": url.split(":")[0], "rows": args.rows, "written": written, "files": len(files),
        "seconds_per_file": seconds, "seconds": round(sum(seconds), 2), "load_1min": round(os.getloadavg()[0], 2),
    }))  # fmt: skip
    if profile:
        pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(25)


if __name__ == "__main__":
    main()
