"""Search blind to Vietnamese diacritics and case (workflow/search/): the folding, every word of the query in any
order or in part, each kind stopping at what the user may read, keys kept up to date by the listener and filled
for existing rows by the migration, and PostgreSQL's trigram indexes."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import create_engine, select, text

from models import Decision, Unit, db
from tests.conftest import make_config
from web import create_app
from workflow.core.errors import InvalidInput
from workflow.org import units
from workflow.search import fold, search


def found(user, query: str, kind: str) -> list[str]:
    results = search(db.session, user, query, [kind], limit=100)
    return [hit.label for group in results.groups for hit in group.hits]


# --- folding ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Đắk Xú", "dak xu"),
        ("  ĐẮK   XÚ\t", "dak xu"),
        # The same name typed with a decomposed keyboard (tone marks as separate characters).
        (unicodedata.normalize("NFD", "Phạm Thị Ngọc Ánh"), "pham thi ngoc anh"),
        # Old and new tone placement fold alike.
        ("Hoà Bình", "hoa binh"),
        ("Hòa Bình", "hoa binh"),
        ("Số 12/QĐ-UBND", "so 12/qd-ubnd"),
    ],
)
def test_fold_drops_marks_and_case_and_reads_d_bar_as_d(written, folded):
    assert fold(written) == folded


# --- finding ------------------------------------------------------------------------------------------------------


def test_a_name_typed_without_marks_or_in_capitals_finds_the_person(make_dossier, user):
    make_dossier(nominees=("Nguyễn Văn An",))
    secretary = user("thuky")
    assert found(secretary, "nguyen van an", "nominee") == ["Nguyễn Văn An"]
    assert found(secretary, "NGUYEN VAN AN", "nominee") == ["Nguyễn Văn An"]
    assert found(secretary, "Nguyễn Văn An", "nominee") == ["Nguyễn Văn An"]


def test_words_in_another_order_or_in_part_still_match(make_dossier, user):
    make_dossier(nominees=("Nguyễn Văn An", "Trần Thị Bình"))
    secretary = user("thuky")
    assert found(secretary, "van an", "nominee") == ["Nguyễn Văn An"]
    assert found(secretary, "an nguyen", "nominee") == ["Nguyễn Văn An"]
    assert found(secretary, "nguy", "nominee") == ["Nguyễn Văn An"]
    # Every word must appear: "binh" is in one name, "van" in the other, both in neither.
    assert found(secretary, "binh", "nominee") == ["Trần Thị Bình"]
    assert found(secretary, "binh van", "nominee") == []


def test_dak_xu_finds_the_commune_and_its_school_however_typed(demo, user):
    # workflow/demo/seed.py::UNITS has two units named after Đắk Xú: the commune and its primary school.
    expected = ["Trường Tiểu học Đắk Xú", "Xã Đắk Xú"]
    secretary = user("thuky")
    assert sorted(found(secretary, "dak xu", "unit")) == expected
    assert sorted(found(secretary, "DAK XU", "unit")) == expected
    assert sorted(found(secretary, "xú đắk", "unit")) == expected
    # A unit's code is searched too.
    assert found(secretary, "th-dakxu", "unit") == ["Trường Tiểu học Đắk Xú"]


def test_a_dossier_is_found_by_its_title_and_by_its_code(make_dossier, user):
    dossier = make_dossier()
    secretary = user("thuky")
    assert found(secretary, "de nghi khen thuong 2025", "dossier") == ["Đề nghị khen thưởng năm 2025"]
    assert found(secretary, dossier.code, "dossier") == ["Đề nghị khen thưởng năm 2025"]
    assert found(secretary, f"HS-2024-{dossier.id:05d}", "dossier") == []


def test_results_come_grouped_with_counts_and_a_short_context(make_dossier, user):
    make_dossier(nominees=("Nguyễn Văn An",))
    results = search(db.session, user("thuky"), "an")
    groups = {group.kind: group for group in results.groups}
    # The secretary reads every kind but nominations of other authorities' decisions.
    assert list(groups) == ["dossier", "nominee", "unit", "initiative", "decision"]
    (hit,) = groups["nominee"].hits
    # make_dossier: the first nominee was born on 10 January 1980 and belongs to Plei Kần.
    assert (hit.label, hit.context) == ("Nguyễn Văn An", ("sinh năm 1980", "Thị trấn Plei Kần"))


def test_the_signed_decision_is_found_by_its_number(demo_story, user):
    # workflow/demo/decisions.py signs the district's first decision of 2025: 1/QĐ-UBND.
    signed = db.session.scalar(select(Decision).where(Decision.number == 1))
    assert found(user("thuky"), "1/qđ-ubnd", "decision") == [signed.summary]
    assert found(user("chutich"), "1/QD-UBND", "decision") == [signed.summary]


# --- who sees what ------------------------------------------------------------------------------------------------


def test_a_unit_officer_does_not_find_another_units_dossier_or_people(make_dossier, user):
    make_dossier(officer="canbo.pleikan", nominees=("Nguyễn Văn An",))
    assert found(user("canbo.pleikan"), "de nghi khen thuong", "dossier") == ["Đề nghị khen thưởng năm 2025"]
    assert found(user("canbo.dakxu"), "de nghi khen thuong", "dossier") == []
    assert found(user("canbo.dakxu"), "nguyen van an", "nominee") == []
    # Units: a unit's own only.
    assert found(user("canbo.dakxu"), "xa", "unit") == ["Xã Đắk Xú"]


def test_the_office_stops_at_its_authority(other_authority, user):
    # conftest.py::other_authority: Đắk Tô's commune Diên Bình with a dossier and a person.
    assert found(user("noivu"), "dien binh", "dossier") == []
    assert found(user("noivu"), "phan van dung", "nominee") == []
    assert found(user("noivu.dakto"), "dien binh", "dossier") == ["Đề nghị khen thưởng Diên Bình năm 2024"]
    assert found(user("noivu.dakto"), "phan van dung", "nominee") == ["Phan Văn Dũng"]
    # The administrator reads every authority's registry and units.
    assert found(user("admin"), "phan van dung", "nominee") == ["Phan Văn Dũng"]


def test_kinds_the_user_reads_nothing_of_are_left_out(demo, user):
    # A unit officer reads no decisions; a council member alone reads none of the searched lists.
    assert [g.kind for g in search(db.session, user("canbo.dakxu"), "xu").groups] == [
        "dossier", "nominee", "unit", "initiative",
    ]  # fmt: skip
    assert search(db.session, user("uyvien2"), "xu").groups == []


def test_bad_input_is_named(demo, user):
    with pytest.raises(InvalidInput) as too_many:
        search(db.session, user("thuky"), "a b c d e f g h i")
    assert list(too_many.value.errors) == ["q"]
    with pytest.raises(InvalidInput) as unknown:
        search(db.session, user("thuky"), "an", ["movement"])
    assert list(unknown.value.errors) == ["kind"]
    # Nothing to look for: no groups at all; LIKE's wildcards are plain characters.
    assert search(db.session, user("thuky"), "   ").groups == []
    assert search(db.session, user("thuky"), "%").total == 0
    assert search(db.session, user("thuky"), "_").total == 0


# --- keeping the keys ---------------------------------------------------------------------------------------------


def test_a_renamed_unit_is_found_by_its_new_name_only(demo, user):
    commune = db.session.scalar(select(Unit).where(Unit.code == "XA-BOY"))
    units.update_unit(db.session, user("noivu"), commune, {"name": "Xã Bờ Y mới"})
    db.session.commit()
    assert db.session.scalar(select(Unit.search_key).where(Unit.id == commune.id)) == "xa bo y moi xa-boy"
    assert found(user("thuky"), "bo y moi", "unit") == ["Xã Bờ Y mới"]


def test_the_migration_fills_the_keys_of_existing_rows(empty_database_url, tmp_path, monkeypatch):
    from alembic import command

    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    fresh = create_app(make_config(empty_database_url, tmp_path / "uploads"))
    engine = create_engine(empty_database_url)

    def migrate(step, revision: str) -> None:
        with fresh.app_context():
            step(fresh.extensions["migrate"].migrate.get_config(), revision)

    try:
        migrate(command.upgrade, "b5d7f9a1c3e6")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO authorities (id, code, name, short_name, level, place_name, valid_from) "
                "VALUES (1, 'NH', 'UBND huyện Ngọc Hồi', 'Ngọc Hồi', 'district', 'Ngọc Hồi', '2020-01-01')"
            ))
            conn.execute(text(
                "INSERT INTO units (id, code, name, kind, authority_id, valid_from) "
                "VALUES (1, 'XA-DAKXU', 'Xã Đắk Xú', 'commune', 1, '2020-01-01')"
            ))
            conn.execute(text(
                "INSERT INTO nominees (id, kind, full_name, unit_id, address, created_at) "
                "VALUES (1, 'person', 'Nguyễn  Văn An', 1, '', '2024-01-01 00:00:00+00')"
            ))
            conn.execute(text(
                "INSERT INTO users (id, username, full_name, password_hash, unit_id, active, language, "
                "session_version, created_at) "
                "VALUES (1, 'canbo', 'Cán bộ', 'x', 1, true, 'vi', 0, '2024-01-01 00:00:00+00')"
            ))
            conn.execute(text(
                "INSERT INTO dossiers (id, unit_id, authority_id, procedure, year, title, state, version, "
                "created_by_id, overdue, created_at) VALUES (1, 1, 1, 'regular', 2024, "
                "'Đề nghị khen thưởng Đắk Xú', 'draft', 1, 1, false, '2024-01-01 00:00:00+00')"
            ))
            conn.execute(text(
                "INSERT INTO initiatives (id, authority_id, unit_id, year, title, field, kind, state, version, "
                "recognised_by, decision_number, created_at) VALUES (1, 1, 1, 2024, 'Số hóa hồ sơ một cửa', '', "
                "'initiative', 'proposed', 1, '', '', '2024-01-01 00:00:00+00')"
            ))
            conn.execute(text(
                "INSERT INTO decisions (id, authority_id, summary, body, state, version, year, number, signed_on, "
                "signer_id, drafted_by_id, content, created_at) VALUES "
                "(1, 1, 'Về việc khen thưởng Lao động tiên tiến', '', 'signed', 1, 2025, 7, '2025-06-12', 1, 1, "
                "'{}', '2024-01-01 00:00:00+00'), "
                "(2, 1, 'Về việc tặng Giấy khen', '', 'draft', 1, NULL, NULL, NULL, NULL, 1, "
                "'{}', '2024-01-01 00:00:00+00')"
            ))  # fmt: skip
        migrate(command.upgrade, "head")
        with engine.connect() as conn:
            keys = {
                table: [r[0] for r in conn.execute(text(f"SELECT search_key FROM {table} ORDER BY id"))]
                for table in ("units", "nominees", "dossiers", "initiatives", "decisions")
            }
        assert keys == {
            "units": ["xa dak xu xa-dakxu"],
            "nominees": ["nguyen van an"],
            "dossiers": ["de nghi khen thuong dak xu"],
            "initiatives": ["so hoa ho so mot cua"],
            "decisions": ["7/qd-ubnd ve viec khen thuong lao dong tien tien", "ve viec tang giay khen"],
        }
    finally:
        engine.dispose()
        with fresh.app_context():
            db.engine.dispose()


def test_each_search_key_has_its_index_a_trigram_one_on_postgresql(app):
    tables = ("dossiers", "nominees", "units", "initiatives", "decisions")
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT tablename, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_%_search_key'")
        ).all()
        assert sorted(table for table, _ in rows) == sorted(tables)
        assert all("USING gin (search_key gin_trgm_ops)" in definition for _, definition in rows), rows
    else:
        rows = db.session.execute(
            text("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%_search_key'")
        ).all()
        assert sorted(table for (table,) in rows) == sorted(tables)


def test_the_name_as_typed_comes_before_names_that_only_hold_its_words(make_dossier, user):
    # "Nguyễn Văn Hùng" holds "nguyen", "van" and (inside "van") "an": found, but after Nguyễn Văn An.
    make_dossier(nominees=("Nguyễn Văn Hùng", "Nguyễn Văn An"))
    assert found(user("thuky"), "nguyen van an", "nominee") == ["Nguyễn Văn An", "Nguyễn Văn Hùng"]
