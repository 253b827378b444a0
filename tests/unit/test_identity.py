"""Nominee identity: one row per person, collective or household across units, years and dossiers; duplicates
found and merged with everything they carry, audited; merges that would join two different subjects refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Initiative, InitiativeAuthor, Nomination, Nominee, NomineeYear, RegistryEntry, Unit, db
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.dossiers import editing as service
from workflow.permissions import person_units
from workflow.registry import entries as registry
from workflow.registry import identity
from workflow.registry.identity import (
    duplicate_candidates,
    find_or_create_nominee,
    merge_nominees,
    record_unit_history,
)

BIRTH = date(1985, 3, 12)


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def person(name: str = "Nguyễn Văn An", unit_code: str = "TT-PLEIKAN", national_id=None, birth=BIRTH) -> Nominee:
    return find_or_create_nominee(
        db.session,
        kind="person",
        full_name=name,
        date_of_birth=birth,
        national_id=national_id,
        gender=None,
        unit_id=unit(unit_code).id,
    )


def nominee_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Nominee))


# --- matching ------------------------------------------------------------------------------------------------------


def test_national_id_wins_over_name_birth_date_and_unit(demo):
    first = person("Nguyễn Văn An", national_id="062085001234")
    again = person("Nguyễn Văn Ân", "XA-DAKXU", national_id="062085001234", birth=date(1985, 3, 13))
    assert again.id == first.id
    assert nominee_count() == 1


def test_same_name_and_birth_date_in_the_same_unit_is_the_same_person_whatever_the_case_and_spacing(demo):
    first = person("Nguyễn Văn An")
    again = person("  NGUYỄN   văn AN ")
    assert again.id == first.id
    assert first.full_name == "Nguyễn Văn An"


def test_diacritics_tell_people_apart(demo):
    assert person("Nguyễn Văn Hùng").id != person("Nguyễn Văn Hưng").id


def test_a_name_typed_decomposed_matches_the_same_name_typed_composed(demo):
    composed = person("Trần Thị Bình")
    decomposed = person("Tra\u0302\u0300n Thi\u0323 Bi\u0300nh")
    assert decomposed.id == composed.id


def test_the_same_name_and_birth_date_in_another_unit_is_a_new_row_until_someone_merges_them(demo):
    first = person(unit_code="TT-PLEIKAN")
    other = person(unit_code="XA-DAKXU")
    assert other.id != first.id


def test_a_unit_the_person_worked_in_before_still_finds_them(demo):
    first = person(unit_code="TT-PLEIKAN")
    record_unit_history(db.session, first, year=2022, unit_id=unit("XA-DAKXU").id)
    assert person(unit_code="XA-DAKXU").id == first.id
    assert person_units(first) == {unit("TT-PLEIKAN").id, unit("XA-DAKXU").id}


def test_a_national_id_given_later_is_kept_on_the_person_known_without_it(demo):
    first = person()
    again = person(national_id="062085001234")
    assert again.id == first.id and first.national_id == "062085001234"


def test_a_different_birth_date_is_a_different_person(demo):
    assert person(birth=date(1985, 3, 12)).id != person(birth=date(1986, 3, 12)).id


def test_a_collective_is_found_by_its_unit_and_name(demo):
    def collective(name: str, unit_code: str) -> Nominee:
        return find_or_create_nominee(
            db.session,
            kind="collective",
            full_name=name,
            date_of_birth=None,
            national_id=None,
            gender=None,
            unit_id=unit(unit_code).id,
        )

    office = collective("Văn phòng UBND thị trấn", "TT-PLEIKAN")
    assert collective("văn phòng  UBND thị trấn", "TT-PLEIKAN").id == office.id
    assert collective("Văn phòng UBND thị trấn", "XA-DAKXU").id != office.id
    assert collective("Công an thị trấn", "TT-PLEIKAN").id != office.id


def test_a_collective_cannot_carry_a_national_id_or_a_birthday(demo):
    with pytest.raises(InvalidInput) as refused:
        find_or_create_nominee(
            db.session,
            kind="collective",
            full_name="Tổ dân phố 1",
            date_of_birth=BIRTH,
            national_id="062085001234",
            gender=None,
            unit_id=unit("TT-PLEIKAN").id,
        )
    assert set(refused.value.errors) == {"national_id", "date_of_birth"}
    assert nominee_count() == 0


def test_a_merged_row_is_never_matched_again_the_survivor_is(demo, user):
    keep = person(unit_code="TT-PLEIKAN", national_id="062085001234")
    duplicate = person(unit_code="XA-DAKXU")
    merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    assert person(unit_code="XA-DAKXU").id == keep.id


def test_nominations_in_dossiers_of_two_years_share_one_identity(make_dossier):
    first = make_dossier(year=2024, nominees=("Nguyễn Văn An",))
    second = make_dossier(year=2025, nominees=("nguyễn văn an",))
    assert first.nominations[0].nominee_id == second.nominations[0].nominee_id


# --- duplicates ----------------------------------------------------------------------------------------------------


def test_duplicate_candidates_pair_namesakes_born_the_same_day_in_different_units(demo, user):
    first = person(unit_code="TT-PLEIKAN")
    other = person(" nguyễn văn an", unit_code="XA-DAKXU")
    person("Nguyễn Văn An", birth=date(1990, 1, 1))
    pairs = duplicate_candidates(db.session, user("noivu"))
    assert [(p.keep.id, p.duplicate.id) for p in pairs] == [(first.id, other.id)]
    assert pairs[0].reason == "Cùng họ tên, ngày sinh, khác đơn vị."


def test_the_row_with_a_national_id_is_suggested_as_the_one_to_keep(demo, user):
    without_id = person(unit_code="TT-PLEIKAN")
    with_id = person(unit_code="XA-DAKXU", national_id="062085001234")
    pairs = duplicate_candidates(db.session, user("noivu"))
    assert [(p.keep.id, p.duplicate.id) for p in pairs] == [(with_id.id, without_id.id)]


def test_two_different_national_ids_are_never_candidates(demo, user):
    person(unit_code="TT-PLEIKAN", national_id="062085001234")
    person(unit_code="XA-DAKXU", national_id="062085009999")
    assert duplicate_candidates(db.session, user("noivu")) == []


# --- merging -------------------------------------------------------------------------------------------------------


@pytest.fixture
def two_rows(make_dossier, user):
    """One person recorded twice: nominated by Plei Kần in 2024 and by Đắk Xú in 2025, with registry entries,
    an initiative and yearly facts on each row."""
    pleikan = make_dossier(year=2024, nominees=("Nguyễn Văn An",))
    dakxu = make_dossier(officer="canbo.dakxu", year=2025, nominees=("Nguyễn Văn An",))
    keep, duplicate = pleikan.nominations[0].nominee, dakxu.nominations[0].nominee
    assert keep.id != duplicate.id
    office = user("noivu")
    for nominee, year in ((keep, 2023), (duplicate, 2022)):
        registry.record_entry(
            db.session,
            nominee=nominee,
            title_code="LDTT",
            year=year,
            decision_number=f"{year}/QĐ-UBND",
            decision_date=date(year + 1, 1, 15),
            deciding_authority="UBND huyện Ngọc Hồi",
            actor=office,
        )
    dakxu_unit = unit("XA-DAKXU")
    initiative = Initiative(
        authority_id=dakxu_unit.authority_id, unit_id=dakxu_unit.id, year=2025, title="Số hóa hồ sơ một cửa",
        state="recognised", scope="district",
    )  # fmt: skip
    initiative.authors = [InitiativeAuthor(nominee_id=duplicate.id, share=100)]
    db.session.add(initiative)
    record_unit_history(db.session, duplicate, year=2024, unit_id=unit("XA-DAKXU").id)
    db.session.commit()
    return keep, duplicate


def test_merging_moves_nominations_registry_entries_initiatives_and_years_to_the_kept_row(two_rows, user):
    keep, duplicate = two_rows
    report = merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    db.session.commit()
    assert duplicate.merged_into_id == keep.id
    assert set(db.session.scalars(select(Nomination.nominee_id))) == {keep.id}
    assert set(db.session.scalars(select(RegistryEntry.nominee_id))) == {keep.id}
    assert set(db.session.scalars(select(InitiativeAuthor.nominee_id))) == {keep.id}
    assert [y.year for y in keep.years] == [2024, 2025]
    assert len(report.nominations) == 1 and len(report.registry_entries) == 1 and len(report.initiatives) == 1
    assert report.years_moved == [2025]
    assert [e.year for e in registry.person_history(db.session, keep.id)] == [2022, 2023]


def test_a_year_both_rows_have_keeps_the_kept_rows_facts_and_is_reported(two_rows, user):
    keep, duplicate = two_rows
    kept_2024 = db.session.scalar(select(NomineeYear).where(NomineeYear.nominee_id == keep.id))
    report = merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    assert report.year_conflicts == [2024]
    assert next(y for y in keep.years if y.year == 2024) is kept_2024
    assert kept_2024.unit_id == unit("TT-PLEIKAN").id


def test_a_merge_is_audited_with_what_moved(two_rows, user):
    keep, duplicate = two_rows
    report = merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    assert (entry.entity_type, entry.entity_id, entry.actor_id) == ("nominee", keep.id, user("noivu").id)
    assert entry.data["merged"]["id"] == duplicate.id
    assert entry.data["nominations"] == report.nominations and entry.data["year_conflicts"] == [2024]


def test_the_national_id_of_the_merged_row_moves_to_the_kept_row(demo, user):
    keep = person(unit_code="TT-PLEIKAN")
    duplicate = person(unit_code="XA-DAKXU", national_id="062085001234")
    merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    assert (keep.national_id, duplicate.national_id) == ("062085001234", None)


def test_a_person_cannot_be_merged_with_a_collective(demo, user):
    someone = person()
    collective = find_or_create_nominee(
        db.session,
        kind="collective",
        full_name="Nguyễn Văn An",
        date_of_birth=None,
        national_id=None,
        gender=None,
        unit_id=unit("TT-PLEIKAN").id,
    )
    with pytest.raises(InvalidInput) as refused:
        merge_nominees(db.session, keep=someone, duplicate=collective, actor=user("noivu"))
    assert "loại đối tượng khác nhau" in refused.value.errors["duplicate_id"][0]
    assert collective.merged_into_id is None


def test_two_different_national_ids_cannot_be_merged(demo, user):
    first = person(unit_code="TT-PLEIKAN", national_id="062085001234")
    second = person(unit_code="XA-DAKXU", national_id="062085009999")
    with pytest.raises(InvalidInput) as refused:
        merge_nominees(db.session, keep=first, duplicate=second, actor=user("noivu"))
    assert refused.value.errors["duplicate_id"] == [
        "Hai bản ghi có số định danh cá nhân khác nhau: đây là hai người khác nhau."
    ]


def test_a_row_cannot_be_merged_with_itself_or_merged_twice(demo, user):
    keep, duplicate, third = person(), person(unit_code="XA-DAKXU"), person(unit_code="P-GDDT")
    with pytest.raises(InvalidInput):
        merge_nominees(db.session, keep=keep, duplicate=keep, actor=user("noivu"))
    merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    with pytest.raises(InvalidInput) as refused:
        merge_nominees(db.session, keep=third, duplicate=duplicate, actor=user("noivu"))
    assert "đã được gộp vào" in refused.value.errors["duplicate_id"][0]


@pytest.mark.parametrize("username", ["canbo.pleikan", "thuky", "chutich", "uyvien2"])
def test_only_the_standing_office_or_the_administrator_may_merge(demo, user, username):
    keep, duplicate = person(), person(unit_code="XA-DAKXU")
    with pytest.raises(PermissionDenied):
        merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user(username))
    merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("admin"))


def test_adding_a_nomination_goes_through_the_identity_rules(make_dossier, user):
    dossier = make_dossier(nominees=())
    data = service.NomineeInput(
        kind="person", full_name="Lê Văn Cường", title_code="LDTT", date_of_birth=BIRTH, national_id="062085001234"
    )
    service.add_nomination(db.session, dossier, actor=user("canbo.pleikan"), data=data)
    other = make_dossier(officer="canbo.dakxu", nominees=())
    data.full_name = "LÊ VĂN CƯỜNG"
    service.add_nomination(db.session, other, actor=user("canbo.dakxu"), data=data)
    # Another unit's person is never linked by a unit: the office confirms the match first.
    assert dossier.nominations[0].nominee_id != other.nominations[0].nominee_id
    (match,) = identity.pending_matches(db.session, user("noivu"))
    identity.confirm_identity(db.session, match, actor=user("noivu"))
    db.session.expire_all()
    assert dossier.nominations[0].nominee_id == other.nominations[0].nominee_id
