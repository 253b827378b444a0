"""The initiative register: a unit proposes, the standing office records the recognition (audited, through the
engine) or the refusal, and only recognised initiatives of the nominee's identity count for E4 and E6 (Luật Thi đua,
khen thưởng 2022 Điều 26: CSTĐCS needs an initiative, or from 2024 an excellent rating; CSTĐ tỉnh needs three
consecutive CSTĐCS and an initiative with provincial effect). The import writes all rows or none."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select, text

from models import (
    AuditEntry,
    Dossier,
    Initiative,
    InitiativeAuthor,
    Nomination,
    Nominee,
    NomineeYear,
    RegistryEntry,
    Unit,
    User,
    db,
)
from tests.conftest import make_config
from web import create_app
from workflow.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflow.dossiers.appraisal import evaluate
from workflow.permissions import can_view_initiative
from workflow.registry import initiative_import
from workflow.registry import initiatives as register
from workflow.registry import xlsx as imports

TODAY = date(2025, 6, 16)


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def person(name: str, unit_code: str = "TT-PLEIKAN", born: date = date(1980, 1, 10)) -> Nominee:
    nominee = Nominee(kind="person", full_name=name, date_of_birth=born, unit_id=unit(unit_code).id)
    db.session.add(nominee)
    db.session.flush()
    return nominee


def nominate(nominee: Nominee, title: str, year: int, *, rating: str = "good", state: str = "submitted") -> Nomination:
    """A nomination in a dossier of the nominee's unit, with the year's facts (test setup, as in
    test_eligibility_rules)."""
    own = db.session.get(Unit, nominee.unit_id)
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    dossier = Dossier(
        unit_id=own.id, authority_id=own.authority_id, procedure="regular", year=year, title="Đề nghị",
        created_by_id=officer.id, state=state,
    )  # fmt: skip
    db.session.add(NomineeYear(nominee_id=nominee.id, year=year, unit_id=own.id, annual_rating=rating,
                               months_of_service=12))  # fmt: skip
    nomination = Nomination(dossier=dossier, nominee_id=nominee.id, title_code=title, year=year)
    db.session.add(nomination)
    db.session.flush()
    return nomination


def award(nominee: Nominee, title: str, year: int) -> None:
    db.session.add(
        RegistryEntry(
            nominee_id=nominee.id, title_code=title, year=year, decision_number=f"{year}/QĐ-UBND",
            decision_date=date(year + 1, 1, 15), deciding_authority="UBND huyện Ngọc Hồi",
        )
    )  # fmt: skip
    db.session.flush()


def propose(user, nominee: Nominee, year: int, officer: str = "canbo.pleikan", **changes) -> Initiative:
    values = {"title": f"Số hóa hồ sơ một cửa {year}", "year": year, "kind": "initiative", "field": "Hành chính"}
    return register.propose(
        db.session, actor=user(officer), authors=[register.Author(nominee.id, 100)], **(values | changes)
    )


def recognise(user, initiative: Initiative, scope: str, day: date) -> None:
    register.recognise(
        db.session, initiative, actor=user("noivu"), version=initiative.version, decision_number="45/QĐ-HĐSK",
        recognised_on=day, recognised_by="Hội đồng sáng kiến tỉnh Kon Tum", scope=scope,
    )  # fmt: skip


def finding(nomination: Nomination, rule: str, on: date = TODAY):
    return next(f for f in evaluate(db.session, nomination, today=on, basis="review").findings if f.rule == rule)


# --- E6 and E4 read the register -------------------------------------------------------------------------------


def _provincial_candidate(user, name: str, scope: str | None) -> Nomination:
    """CSTĐCS 2021–2024 in the registry: three consecutive years before 2024 and three ending with it, so the
    ladder holds whichever window E6 reads and the initiative alone decides."""
    nominee = person(name)
    for year in (2021, 2022, 2023, 2024):
        award(nominee, "CSTDCS", year)
    initiative = propose(user, nominee, 2024, title=f"Sáng kiến của {name}")
    if scope is not None:
        recognise(user, initiative, scope, date(2024, 12, 20))
    return nominate(nominee, "CSTD_TINH", 2024)


def test_e6_a_provincial_recognition_passes_and_a_unit_one_blocks(demo, user):
    provincial = finding(_provincial_candidate(user, "Nguyễn Văn An", "province"), "E6")
    assert provincial.severity == "pass"
    assert "“Sáng kiến của Nguyễn Văn An” (cấp tỉnh, 2024)" in provincial.message
    unit_only = finding(_provincial_candidate(user, "Trần Văn Bảo", "unit"), "E6")
    assert unit_only.severity == "block"
    assert "phạm vi ảnh hưởng từ cấp tỉnh trở lên" in unit_only.message


def test_e6_a_proposal_not_yet_recognised_does_not_count(demo, user):
    assert finding(_provincial_candidate(user, "Nguyễn Văn An", None), "E6").severity == "block"


def test_e6_a_refused_initiative_does_not_count(demo, user):
    nomination = _provincial_candidate(user, "Nguyễn Văn An", None)
    initiative = db.session.scalar(select(Initiative))
    register.refuse(db.session, initiative, actor=user("noivu"), version=initiative.version, comment="Chưa áp dụng")
    assert initiative.state == "not_recognised"
    assert finding(nomination, "E6").severity == "block"


def test_e4_before_2024_cstdcs_2023_passes_with_a_recognised_initiative_of_2023_and_blocks_without(demo, user):
    on = date(2023, 12, 15)  # the law of 2018–2023: an initiative or research work was mandatory
    with_one = nominate(person("Nguyễn Văn An"), "CSTDCS", 2023)
    recognise(user, propose(user, with_one.nominee, 2023), "unit", date(2023, 11, 20))
    assert finding(with_one, "E4", on).severity == "pass"
    without = nominate(person("Trần Văn Bảo", born=date(1982, 2, 2)), "CSTDCS", 2023)
    propose(user, without.nominee, 2023)  # proposed only
    assert finding(without, "E4", on).severity == "block"


def test_a_co_authored_initiative_counts_for_each_author_and_a_linked_one_for_the_nomination(demo, user):
    first, second = person("Nguyễn Văn An"), person("Trần Văn Bảo", born=date(1982, 2, 2))
    initiative = register.propose(
        db.session, actor=user("canbo.pleikan"), title="Phần mềm một cửa", year=2023, kind="initiative",
        authors=[register.Author(first.id, 60), register.Author(second.id, 40)],
    )  # fmt: skip
    recognise(user, initiative, "district", date(2023, 11, 20))
    for nominee in (first, second):
        nomination = nominate(nominee, "CSTDCS", 2023)
        assert [f.title for f in register.initiative_facts(db.session, [nominee.id], nomination)] == [
            "Phần mềm một cửa"
        ]
    nomination = nominate(person("Lê Văn Cường", born=date(1983, 3, 3)), "CSTDCS", 2023)
    assert register.initiative_facts(db.session, [nomination.nominee_id], nomination) == ()


# --- the workflow --------------------------------------------------------------------------------------------


def test_recognition_goes_through_the_engine_and_is_audited(demo, user):
    initiative = propose(user, person("Nguyễn Văn An"), 2024)
    assert initiative.state == "proposed"
    recognise(user, initiative, "province", date(2025, 1, 10))
    db.session.commit()
    assert (initiative.state, initiative.scope, initiative.decision_number) == ("recognised", "province", "45/QĐ-HĐSK")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "initiative", AuditEntry.entity_id == initiative.id)
    ).all()
    assert [(e.action, e.from_state, e.to_state) for e in entries] == [
        ("initiative_proposed", None, "proposed"),
        ("recognise", "proposed", "recognised"),
    ]
    assert entries[1].data == {
        "title": "Số hóa hồ sơ một cửa 2024", "decision_number": "45/QĐ-HĐSK", "recognised_on": "2025-01-10",
        "recognised_by": "Hội đồng sáng kiến tỉnh Kon Tum", "scope": "province",
    }  # fmt: skip
    with pytest.raises(TransitionNotAllowed):
        recognise(user, initiative, "national", date(2025, 2, 1))


def test_a_recognition_missing_its_decision_is_refused_with_every_field_and_changes_nothing(demo, user):
    initiative = propose(user, person("Nguyễn Văn An"), 2024)
    with pytest.raises(InvalidInput) as refused:
        register.recognise(
            db.session, initiative, actor=user("noivu"), decision_number=" ", recognised_on=date(2023, 5, 1),
            recognised_by="", scope="village",
        )  # fmt: skip
    assert set(refused.value.errors) == {"decision_number", "recognised_on", "recognised_by", "scope"}
    assert initiative.state == "proposed"


def test_shares_are_whole_percents_that_make_at_most_100(demo, user):
    first, second = person("Nguyễn Văn An"), person("Trần Văn Bảo", born=date(1982, 2, 2))
    with pytest.raises(InvalidInput) as refused:
        register.propose(
            db.session, actor=user("canbo.pleikan"), title="Sáng kiến", year=2024, kind="initiative",
            authors=[register.Author(first.id, 70), register.Author(second.id, 40)],
        )  # fmt: skip
    assert refused.value.errors == {"authors": ["Tổng tỷ lệ đóng góp của các tác giả không được quá 100%."]}
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_only_the_office_of_the_registers_authority_records_a_recognition(demo, user):
    initiative = propose(user, person("Nguyễn Văn An"), 2024)
    for username in ("canbo.pleikan", "truong.pleikan", "thuky", "chutich"):
        with pytest.raises(PermissionDenied):
            register.recognise(
                db.session, initiative, actor=user(username), decision_number="1/QĐ", recognised_on=date(2025, 1, 1),
                recognised_by="Hội đồng", scope="unit",
            )  # fmt: skip


# --- who sees and links what -----------------------------------------------------------------------------------


def test_another_unit_neither_sees_nor_proposes_for_nor_links_the_initiative(demo, user):
    own = person("Nguyễn Văn An")
    initiative = propose(user, own, 2024)
    other = user("canbo.dakxu")
    assert not can_view_initiative(other, initiative)
    assert can_view_initiative(user("noivu"), initiative) and can_view_initiative(user("canbo.pleikan"), initiative)
    assert db.session.scalars(register.search(db.session, actor=other)).all() == []
    assert db.session.scalars(register.search(db.session, actor=user("noivu"))).all() == [initiative]
    with pytest.raises(InvalidInput) as refused:
        propose(user, own, 2024, officer="canbo.dakxu")
    assert list(refused.value.errors) == ["authors"]
    # Đắk Xú's own nomination of its own person cannot name Plei Kần's initiative.
    dakxu_nomination = nominate(person("Y Blong", "XA-DAKXU"), "CSTDCS", 2024, state="draft")
    with pytest.raises(InvalidInput) as refused:
        register.link_nomination(db.session, dakxu_nomination, [initiative.id], actor=other)
    assert list(refused.value.errors) == ["initiative_ids"]
    # Nor can it touch Plei Kần's nomination.
    own_nomination = nominate(own, "CSTDCS", 2024, state="draft")
    with pytest.raises(PermissionDenied):
        register.link_nomination(db.session, own_nomination, [initiative.id], actor=other)
    register.link_nomination(db.session, own_nomination, [initiative.id], actor=user("canbo.pleikan"))
    assert own_nomination.initiatives == [initiative]
    linked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "initiatives_linked"))
    assert (linked.dossier_id, linked.data["after"]) == (own_nomination.dossier_id, [initiative.id])


# --- the import ------------------------------------------------------------------------------------------------

GOOD = {
    "title": "Số hóa hồ sơ một cửa", "year": 2023, "kind": "Sáng kiến", "field": "Hành chính", "unit": "TT-PLEIKAN",
    "full_name": "Nguyễn Văn An", "date_of_birth": date(1985, 3, 12), "national_id": None, "share": 60,
    "recognised_by": "Hội đồng sáng kiến tỉnh Kon Tum", "decision_number": "45/QĐ-HĐSK",
    "recognised_on": date(2023, 12, 20), "scope": "Cấp tỉnh",
}  # fmt: skip


def _file(rows: list[dict]) -> io.BytesIO:
    office = db.session.scalar(select(User).where(User.username == "noivu"))
    keys = [c.key for c in initiative_import.initiative_columns(db.session, office)]
    book = openpyxl.load_workbook(io.BytesIO(initiative_import.initiative_template(db.session, office)))
    sheet = book[imports.DATA_SHEET]
    for number, values in enumerate(rows, start=3):
        for column, key in enumerate(keys, start=1):
            sheet.cell(row=number, column=column, value=(GOOD | values)[key])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Initiative, InitiativeAuthor, Nominee)
    )


def test_an_import_writes_one_recognised_initiative_per_title_and_decision_with_its_authors(demo, user):
    rows = [{}, {"full_name": "Trần Thị Bình", "date_of_birth": date(1990, 5, 1), "share": 40}]
    report = initiative_import.import_initiatives(db.session, _file(rows), actor=user("noivu"))
    db.session.commit()
    assert (report.rows_read, report.rows_written, report.errors) == (2, 2, [])
    initiative = db.session.scalar(select(Initiative))
    assert (initiative.state, initiative.scope, initiative.year, initiative.unit.code) == (
        "recognised", "province", 2023, "TT-PLEIKAN",
    )  # fmt: skip
    assert sorted((a.nominee.full_name, a.share) for a in initiative.authors) == [
        ("Nguyễn Văn An", 60), ("Trần Thị Bình", 40),
    ]  # fmt: skip


def test_one_bad_row_writes_nothing_and_each_error_names_its_row_and_column(demo, user):
    before = _counts()
    rows = [
        {},
        {"full_name": "Trần Thị Bình", "date_of_birth": date(1990, 5, 1), "share": 40, "scope": "Cấp huyện"},
        {"title": "Sáng kiến khác", "decision_number": "46/QĐ-HĐSK", "scope": "Cấp xã"},
    ]
    report = initiative_import.import_initiatives(db.session, _file(rows), actor=user("noivu"))
    db.session.commit()
    assert (report.rows_written, report.bad_rows) == (0, 2)
    # Row 4 repeats row 3's initiative with another scope; row 5 names a scope the law does not have.
    assert [(e.row, e.column, e.header) for e in report.errors] == [
        (4, "M", "Phạm vi ảnh hưởng"),
        (5, "M", "Phạm vi ảnh hưởng"),
    ]
    assert report.errors[0].reason == "Khác với dòng trước của cùng sáng kiến (cùng tên và số quyết định)."
    assert _counts() == before


def test_co_authors_over_100_percent_are_reported_on_the_share_cell(demo, user):
    rows = [{}, {"full_name": "Trần Thị Bình", "date_of_birth": date(1990, 5, 1), "share": 50}]
    report = initiative_import.import_initiatives(db.session, _file(rows), actor=user("noivu"))
    assert [(e.row, e.column) for e in report.errors] == [(4, "I")]
    assert report.rows_written == 0


def test_only_the_office_imports(demo, user):
    with pytest.raises(PermissionDenied):
        initiative_import.import_initiatives(db.session, _file([{}]), actor=user("canbo.pleikan"))


# --- the migration ---------------------------------------------------------------------------------------------


def test_the_migration_makes_each_old_initiative_a_recognised_one_of_its_nominee_and_back(
    empty_database_url, tmp_path, monkeypatch
):
    from alembic import command

    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    fresh = create_app(make_config(empty_database_url, tmp_path / "uploads"))
    engine = create_engine(empty_database_url)

    def migrate(step, revision: str) -> None:
        with fresh.app_context():
            step(fresh.extensions["migrate"].migrate.get_config(), revision)

    try:
        migrate(command.upgrade, "fb113a52e70f")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO authorities (id, code, name, short_name, level, place_name, valid_from) "
                    "VALUES (1, 'KT', 'UBND tỉnh Kon Tum', 'Kon Tum', 'province', 'Kon Tum', '2020-01-01'), "
                    "(2, 'NH', 'UBND huyện Ngọc Hồi', 'Ngọc Hồi', 'district', 'Ngọc Hồi', '2020-01-01')"
                )
            )
            conn.execute(text("UPDATE authorities SET parent_id = 1 WHERE id = 2"))
            conn.execute(
                text(
                    "INSERT INTO units (id, code, name, kind, authority_id, valid_from) "
                    "VALUES (1, 'TT', 'Thị trấn Plei Kần', 'township', 2, '2020-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO nominees (id, kind, full_name, unit_id, address, created_at) "
                    "VALUES (1, 'person', 'Nguyễn Văn An', 1, '', '2024-01-01 00:00:00+00'), "
                    "(2, 'person', 'Trần Thị Bình', NULL, '', '2024-01-01 00:00:00+00')"
                )
            )
            conn.execute(text(
                "INSERT INTO initiatives (id, nominee_id, year, title, kind, scope, recognised_by, created_at) "
                "VALUES (1, 1, 2023, 'Sáng kiến A', 'initiative', 'province', 'Hội đồng', '2024-01-01 00:00:00+00'), "
                "(2, 2, 2022, 'Đề tài B', 'research', 'unit', '', '2024-01-01 00:00:00+00')"
            ))  # fmt: skip
        migrate(command.upgrade, "head")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, authority_id, unit_id, state FROM initiatives ORDER BY id")).all()
            authors = conn.execute(text("SELECT initiative_id, nominee_id, share FROM initiative_authors")).all()
        # The unit's authority for the first; the second's nominee has no unit: the topmost authority.
        assert [tuple(r) for r in rows] == [(1, 2, 1, "recognised"), (2, 1, None, "recognised")]
        assert sorted(tuple(a) for a in authors) == [(1, 1, 100), (2, 2, 100)]
        migrate(command.downgrade, "fb113a52e70f")
        with engine.connect() as conn:
            back = conn.execute(text("SELECT id, nominee_id, scope FROM initiatives ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(1, 1, "province"), (2, 2, "unit")]
    finally:
        engine.dispose()
        with fresh.app_context():
            db.engine.dispose()
