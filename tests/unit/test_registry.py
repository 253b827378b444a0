"""The award registry: entries validated and audited, one achievement recorded once, search by name, unit, title
and year within what the reader may see, and a person's whole history across a merge."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditEntry, Nominee, RegistryEntry, Unit, User, db
from workflow.core.errors import InvalidInput
from workflow.permissions import can_search_registry, can_view_registry_person
from workflow.registry import entries as registry
from workflow.registry.identity import find_or_create_nominee, merge_nominees, record_unit_history


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def nominee(name: str, unit_code: str = "TT-PLEIKAN", kind: str = "person", birth=date(1985, 3, 12)) -> Nominee:
    return find_or_create_nominee(
        db.session,
        kind=kind,
        full_name=name,
        date_of_birth=birth if kind == "person" else None,
        national_id=None,
        gender=None,
        unit_id=unit(unit_code).id,
    )


def record(who: Nominee, title: str = "LDTT", year: int = 2023, number: str | None = None, **extra) -> RegistryEntry:
    values = {
        "decision_number": number or f"{year}-{title}/QĐ-UBND",
        "decision_date": date(year + 1, 1, 15),
        "deciding_authority": "UBND huyện Ngọc Hồi",
        **extra,
    }
    return registry.record_entry(db.session, nominee=who, title_code=title, year=year, actor=office(), **values)


def office() -> User:
    return db.session.scalar(select(User).where(User.username == "noivu"))


def found(actor, **filters) -> list[tuple[str, str, int]]:
    query = registry.search(db.session, actor=actor, **filters)
    return [(e.nominee.full_name, e.title_code, e.year) for e in db.session.scalars(query)]


# --- recording -----------------------------------------------------------------------------------------------------


def test_an_entry_is_recorded_and_audited(demo, user):
    entry = record(nominee("Nguyễn Văn An"), money_vnd=540000, basis="regular")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registry_recorded"))
    assert (entry.source, entry.money_vnd, entry.decision_number) == ("system", 540000, "2023-LDTT/QĐ-UBND")
    assert (audit.entity_type, audit.entity_id, audit.actor_id) == ("registry_entry", entry.id, user("noivu").id)
    assert audit.data["title_code"] == "LDTT" and audit.data["year"] == 2023


def test_every_problem_of_an_entry_is_reported_at_once(demo):
    with pytest.raises(InvalidInput) as refused:
        registry.record_entry(
            db.session,
            nominee=nominee("Nguyễn Văn An"),
            title_code="KHONG_CO",
            year=1900,
            decision_number="",
            decision_date=None,
            deciding_authority=" ",
            money_vnd=-1,
            basis="weekly",
            actor=office(),
        )
    assert set(refused.value.errors) == {
        "title_code",
        "year",
        "decision_number",
        "decision_date",
        "deciding_authority",
        "money_vnd",
        "basis",
    }
    assert db.session.scalar(select(RegistryEntry)) is None


def test_a_title_for_collectives_cannot_be_recorded_for_a_person(demo):
    with pytest.raises(InvalidInput) as refused:
        record(nominee("Nguyễn Văn An"), title="TLDTT")
    assert refused.value.errors["title_code"] == ["Danh hiệu/hình thức này không dành cho loại đối tượng này."]


def test_a_decision_cannot_precede_the_year_it_rewards_nor_lie_in_the_future(demo):
    with pytest.raises(InvalidInput) as early:
        record(nominee("Nguyễn Văn An"), year=2023, decision_date=date(2022, 12, 30))
    assert "không thể ký trước năm đó" in early.value.errors["decision_date"][0]
    with pytest.raises(InvalidInput) as future:
        record(nominee("Nguyễn Văn An"), year=2023, decision_date=date(2999, 1, 1))
    assert future.value.errors["decision_date"] == ["Ngày quyết định không được sau ngày hôm nay."]


def test_the_same_decision_cannot_be_entered_twice(demo):
    person = nominee("Nguyễn Văn An")
    record(person, title="GIAY_KHEN_CT_HUYEN", number="15/QĐ-UBND", basis="thematic")
    with pytest.raises(InvalidInput) as refused:
        record(person, title="GIAY_KHEN_CT_HUYEN", number="15/qđ-ubnd", basis="thematic")
    assert refused.value.errors["title_code"][0].startswith("Đã có trong sổ theo dõi: GIAY_KHEN_CT_HUYEN năm 2023")


def test_a_yearly_title_is_given_once_a_year_but_a_form_may_be_given_again(demo):
    person = nominee("Nguyễn Văn An")
    record(person, title="LDTT", number="1/QĐ-UBND")
    with pytest.raises(InvalidInput) as refused:
        record(person, title="LDTT", number="2/QĐ-UBND")
    assert "mỗi danh hiệu chỉ được tặng một lần trong năm" in refused.value.errors["title_code"][0]
    record(person, title="GIAY_KHEN_CT_HUYEN", number="3/QĐ-UBND", basis="sudden")
    record(person, title="GIAY_KHEN_CT_HUYEN", number="4/QĐ-UBND", basis="thematic")


def test_a_revoked_entry_no_longer_blocks_recording_the_title_again(demo):
    person = nominee("Nguyễn Văn An")
    record(person, number="1/QĐ-UBND").revoked_at = datetime(2024, 3, 1, tzinfo=UTC)
    record(person, number="9/QĐ-UBND")


# --- search --------------------------------------------------------------------------------------------------------


@pytest.fixture
def book(demo):
    """Three people in three units and a collective, with awards from 2021 to 2024."""
    an = nominee("Nguyễn Văn An", "TT-PLEIKAN")
    do = nominee("Đỗ Thị Lan", "P-GDDT", birth=date(1990, 5, 1))
    thuong = nominee("Y Thương", "XA-DAKXU", birth=date(1979, 9, 9))
    office_team = nominee("Văn phòng UBND thị trấn", "TT-PLEIKAN", kind="collective")
    record(an, "LDTT", 2022)
    record(an, "CSTDCS", 2023)
    record(do, "LDTT", 2023)
    record(thuong, "LDTT", 2021)
    record(office_team, "TLDTT", 2024)
    db.session.commit()
    return {"an": an, "do": do, "thuong": thuong}


def test_the_office_finds_entries_by_name_whatever_the_case(book, user):
    assert found(user("noivu"), name="đỗ thị") == [("Đỗ Thị Lan", "LDTT", 2023)]
    assert found(user("noivu"), name="ĐỖ THỊ LAN") == [("Đỗ Thị Lan", "LDTT", 2023)]
    assert found(user("noivu"), name="văn an") == [("Nguyễn Văn An", "CSTDCS", 2023), ("Nguyễn Văn An", "LDTT", 2022)]


def test_search_filters_by_title_and_year(book, user):
    assert found(user("noivu"), title_code="LDTT", year=2023) == [("Đỗ Thị Lan", "LDTT", 2023)]
    assert [e[2] for e in found(user("noivu"), title_code="LDTT")] == [2023, 2022, 2021]


def test_search_by_unit_finds_people_who_belonged_to_it_in_the_year_of_the_award(book, user):
    record_unit_history(db.session, book["thuong"], year=2021, unit_id=unit("P-GDDT").id)
    assert found(user("noivu"), unit_id=unit("P-GDDT").id) == [("Đỗ Thị Lan", "LDTT", 2023), ("Y Thương", "LDTT", 2021)]
    assert ("Văn phòng UBND thị trấn", "TLDTT", 2024) in found(user("noivu"), unit_id=unit("TT-PLEIKAN").id)


def test_a_unit_sees_only_its_own_people_and_the_office_sees_the_authoritys(book, user):
    assert {e[0] for e in found(user("canbo.pleikan"))} == {"Nguyễn Văn An", "Văn phòng UBND thị trấn"}
    assert {e[0] for e in found(user("truong.dakxu"))} == {"Y Thương"}
    assert len(found(user("noivu"))) == len(found(user("chutich"))) == len(found(user("admin"))) == 5


def test_a_council_member_without_another_role_sees_nothing(book, user):
    assert not can_search_registry(user("uyvien2"))
    assert found(user("uyvien2")) == []


def test_a_unit_user_may_open_the_history_of_their_own_people_only(book, user):
    assert can_view_registry_person(user("canbo.pleikan"), book["an"])
    assert not can_view_registry_person(user("canbo.pleikan"), book["do"])
    assert can_view_registry_person(user("noivu"), book["do"])
    assert not can_view_registry_person(user("uyvien2"), book["do"])


def test_a_person_who_moved_units_is_visible_to_the_unit_they_left(book, user):
    record_unit_history(db.session, book["an"], year=2020, unit_id=unit("XA-DAKXU").id)
    assert can_view_registry_person(user("canbo.dakxu"), book["an"])
    assert "Nguyễn Văn An" in {e[0] for e in found(user("canbo.dakxu"))}


# --- a person's history --------------------------------------------------------------------------------------------


def test_a_persons_history_spans_a_merge_oldest_first_with_revoked_entries_marked(demo, user):
    keep = nominee("Nguyễn Văn An", "TT-PLEIKAN")
    duplicate = nominee("Nguyễn Văn An", "XA-DAKXU")
    record(keep, "CSTDCS", 2023)
    record(duplicate, "LDTT", 2021)
    revoked = record(keep, "LDTT", 2022)
    revoked.revoked_at = datetime(2024, 6, 1, tzinfo=UTC)
    merge_nominees(db.session, keep=keep, duplicate=duplicate, actor=user("noivu"))
    history = registry.person_history(db.session, keep.id)
    assert [(e.title_code, e.year) for e in history] == [("LDTT", 2021), ("LDTT", 2022), ("CSTDCS", 2023)]
    assert [e.revoked_at is not None for e in history] == [False, True, False]
    assert registry.person_history(db.session, duplicate.id) == history


def test_the_history_of_an_unknown_nominee_is_empty(app):
    assert registry.person_history(db.session, 424242) == []


def test_the_registry_knows_every_title_of_every_rule_set_by_its_newest_name(demo):
    names = registry.title_names(db.session)
    assert names["LDTT"] == "Lao động tiên tiến"
    assert {"CSTDCS", "TLDTT", "GIAY_KHEN_CT_HUYEN"} <= set(names)


def test_a_unit_is_found_by_id_code_or_name(demo, user):
    pleikan = unit("TT-PLEIKAN")
    assert registry.find_unit(db.session, actor=user("noivu"), value=str(pleikan.id)) == pleikan
    assert registry.find_unit(db.session, actor=user("noivu"), value="tt-pleikan") == pleikan
    assert registry.find_unit(db.session, actor=user("noivu"), value="thị trấn  plei kần") == pleikan
    assert registry.find_unit(db.session, actor=user("noivu"), value="Không có") is None
