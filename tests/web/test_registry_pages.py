"""Registry pages: search with filters within what the reader may see, a person's full history, and the
duplicates list with its merge form."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditEntry, Nominee, Unit, db
from tests.conftest import csrf_token_from
from workflow.registry import entries as registry
from workflow.registry.identity import find_or_create_nominee, merge_nominees


def unit_id(code: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.code == code))


def person(name: str, unit_code: str, national_id: str | None = None, birth=date(1985, 3, 12)) -> Nominee:
    return find_or_create_nominee(
        db.session,
        kind="person",
        full_name=name,
        date_of_birth=birth,
        national_id=national_id,
        gender=None,
        unit_id=unit_id(unit_code),
    )


def award(who: Nominee, title: str, year: int, office):
    return registry.record_entry(
        db.session,
        nominee=who,
        title_code=title,
        year=year,
        decision_number=f"{year}{title}/QĐ-UBND",
        decision_date=date(year + 1, 1, 15),
        deciding_authority="UBND huyện Ngọc Hồi",
        money_vnd=540000,
        actor=office,
    )


@pytest.fixture
def people(demo, user):
    office = user("noivu")
    an = person("Nguyễn Văn An", "TT-PLEIKAN")
    lan = person("Đỗ Thị Lan", "P-GDDT", birth=date(1990, 5, 1))
    award(an, "LDTT", 2022, office)
    award(an, "CSTDCS", 2023, office).revoked_at = datetime(2024, 5, 1, tzinfo=UTC)
    award(lan, "LDTT", 2023, office)
    db.session.commit()
    return {"an": an, "lan": lan}


def test_the_office_searches_the_registry_by_name_and_year(people, client, auth):
    auth.login("noivu")
    html = client.get("/registry?name=đỗ+thị&year=2023").get_data(as_text=True)
    assert "Sổ theo dõi khen thưởng" in html
    assert "Đỗ Thị Lan" in html and "Nguyễn Văn An" not in html
    assert "1 khen thưởng" in html
    assert f'href="/registry/nominees/{people["lan"].id}"' in html
    assert "Lao động tiên tiến" in html and "2023LDTT/QĐ-UBND" in html and "540.000" in html


def test_the_office_filters_by_unit_and_title(people, client, auth):
    auth.login("noivu")
    html = client.get(f"/registry?unit_id={unit_id('TT-PLEIKAN')}&title=CSTDCS").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Đỗ Thị Lan" not in html
    assert "Đã bị hủy 01/05/2024" in html


def test_a_unit_user_sees_only_the_people_of_their_unit(people, client, auth):
    auth.login("canbo.pleikan")
    html = client.get("/registry").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Đỗ Thị Lan" not in html
    assert "Nhập khen thưởng từ Excel" not in html and "Bản ghi trùng" not in html


def test_out_of_range_filters_are_refused_naming_the_filter_not_a_server_error(people, client, auth):
    auth.login("noivu")
    response = client.get(f"/registry?year={2**70}&unit_id=%D9%A1")  # unit_id is the Arabic-Indic digit one
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Phải là số nguyên từ 1945 đến 2200." in html
    assert "Phải là số nguyên từ 1 đến 2147483647." in html
    assert client.get("/registry?year=2023").status_code == 200


def test_a_council_member_cannot_open_the_registry(people, client, auth):
    auth.login("uyvien2")
    assert client.get("/registry").status_code == 403


def test_a_persons_page_shows_the_whole_history_with_revoked_awards_marked(people, client, auth):
    auth.login("noivu")
    html = client.get(f"/registry/nominees/{people['an'].id}").get_data(as_text=True)
    assert "Quá trình khen thưởng (2)" in html
    assert html.index("Lao động tiên tiến") < html.index("Chiến sĩ thi đua cơ sở")
    assert "text-decoration-line-through" in html and "Đã bị hủy 01/05/2024" in html
    assert "12/03/1985" in html and "Thị trấn Plei Kần" in html


def test_a_unit_user_cannot_open_the_history_of_another_units_person(people, client, auth):
    auth.login("canbo.pleikan")
    assert client.get(f"/registry/nominees/{people['lan'].id}").status_code == 403
    assert client.get(f"/registry/nominees/{people['an'].id}").status_code == 200


def test_a_merged_row_leads_to_the_survivors_page_with_both_histories(people, client, auth, user):
    duplicate = person("Nguyễn Văn An", "XA-DAKXU")
    award(duplicate, "LDTT", 2021, user("noivu"))
    merge_nominees(db.session, keep=people["an"], duplicate=duplicate, actor=user("noivu"))
    db.session.commit()
    auth.login("noivu")
    response = client.get(f"/registry/nominees/{duplicate.id}")
    assert response.headers["Location"] == f"/registry/nominees/{people['an'].id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quá trình khen thưởng (3)" in html
    assert "Bản ghi trùng đã gộp vào đây" in html and "Xã Đắk Xú" in html


# --- duplicates and merging ----------------------------------------------------------------------------------------


@pytest.fixture
def twins(people):
    """Nguyễn Văn An recorded again by Đắk Xú, with his national ID this time."""
    return people["an"], person("Nguyễn Văn An", "XA-DAKXU", national_id="062085001234")


def merge_form(client, keep_id, duplicate_id):
    token = csrf_token_from(client.get("/registry/duplicates").get_data(as_text=True))
    return client.post("/registry/merge", data={"keep_id": keep_id, "duplicate_id": duplicate_id, "csrf_token": token})


def test_the_office_sees_the_likely_duplicates_and_merges_them(twins, client, auth, user):
    without_id, with_id = twins
    db.session.commit()
    auth.login("noivu")
    html = client.get("/registry/duplicates").get_data(as_text=True)
    assert "Cùng họ tên, ngày sinh; một bản ghi có số định danh, một bản ghi không có." in html
    response = merge_form(client, with_id.id, without_id.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/registry/nominees/{with_id.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Đã gộp mã {without_id.id} vào mã {with_id.id}: chuyển 0 đề nghị, 2 khen thưởng" in html
    assert "Quá trình khen thưởng (2)" in html
    db.session.rollback()
    assert db.session.get(Nominee, without_id.id).merged_into_id == with_id.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge")).actor_id == user("noivu").id
    assert "Không thấy bản ghi nào có vẻ trùng." in client.get("/registry/duplicates").get_data(as_text=True)


def test_a_refused_merge_says_why_and_changes_nothing(twins, client, auth):
    first = twins[1]
    other = person("Nguyễn Văn An", "P-GDDT", national_id="062085009999")
    db.session.commit()
    auth.login("noivu")
    response = merge_form(client, first.id, other.id)
    assert response.status_code == 422
    assert "Hai bản ghi có số định danh cá nhân khác nhau" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Nominee, other.id).merged_into_id is None


def test_a_merge_form_without_ids_is_answered_with_the_form_again(twins, client, auth):
    db.session.commit()
    auth.login("noivu")
    token = csrf_token_from(client.get("/registry/duplicates").get_data(as_text=True))
    response = client.post("/registry/merge", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Vui lòng nhập mã." in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["canbo.pleikan", "thuky", "chutich"])
def test_only_the_office_or_the_administrator_may_see_duplicates_or_merge(twins, client, auth, username):
    db.session.commit()
    auth.login(username)
    assert client.get("/registry/duplicates").status_code == 403
    token = csrf_token_from(client.get("/account/language").get_data(as_text=True))
    response = client.post("/registry/merge", data={"keep_id": 1, "duplicate_id": 2, "csrf_token": token})
    assert response.status_code == 403
