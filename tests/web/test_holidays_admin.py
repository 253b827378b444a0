from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Holiday, db
from tests.conftest import csrf_token_from
from workflow.core.calendar import seed_holidays

PAGE = "/admin/holidays"


@pytest.fixture
def admin_client(demo, client, auth):
    seed_holidays(db.session, 2025, 2025)
    db.session.commit()
    auth.login("admin")
    return client


def token(client) -> str:
    return csrf_token_from(client.get(f"{PAGE}?year=2025").get_data(as_text=True))


def holiday(day: date) -> Holiday | None:
    return db.session.scalar(select(Holiday).where(Holiday.day == day))


def holiday_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Holiday))


def test_admin_sees_the_years_holidays_with_their_source_and_kind(admin_client):
    html = admin_client.get(f"{PAGE}?year=2025").get_data(as_text=True)
    assert "Lịch ngày nghỉ, ngày làm việc bù năm 2025" in html
    assert "29/01/2025" in html and "Tết Nguyên Đán" in html
    assert "26/04/2025" in html and "<td>Ngày làm việc bù</td>" in html
    assert "Theo quy định chung" in html
    assert '<label class="form-label" for="day">Ngày' in html


def test_admin_adds_an_extra_day_off_and_sees_it_listed(admin_client):
    response = admin_client.post(
        PAGE,
        data={"day": "2025-02-03", "kind": "day_off", "name": "Nghỉ thêm sau Tết", "csrf_token": token(admin_client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PAGE}?year=2025")
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu điều chỉnh cho ngày 03/02/2025." in html
    assert "Nghỉ thêm sau Tết" in html and "Quản trị viên điều chỉnh" in html
    assert (holiday(date(2025, 2, 3)).kind, holiday(date(2025, 2, 3)).source) == ("day_off", "admin")


def test_office_user_cannot_open_or_change_the_calendar(demo, client, auth):
    auth.login("noivu")
    assert client.get(PAGE).status_code == 403
    form_token = csrf_token_from(client.get("/account/language").get_data(as_text=True))
    response = client.post(
        PAGE, data={"day": "2025-02-03", "kind": "day_off", "name": "Nghỉ thêm", "csrf_token": form_token}
    )
    assert response.status_code == 403
    assert holiday(date(2025, 2, 3)) is None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"day": "2025-02-30", "kind": "day_off", "name": "Nghỉ thêm"}, "Ngày không hợp lệ"),
        ({"day": "", "kind": "day_off", "name": "Nghỉ thêm"}, "Vui lòng nhập ngày."),
        ({"day": "3025-02-03", "kind": "day_off", "name": "Nghỉ thêm"}, "Chỉ nhận ngày từ năm 1995 đến năm 2100."),
        (
            {"day": "2025-02-03", "kind": "holiday", "name": "Nghỉ thêm"},
            "Vui lòng chọn Ngày nghỉ hoặc Ngày làm việc bù.",
        ),
        ({"day": "2025-02-03", "kind": "day_off", "name": "  "}, "Vui lòng nhập tên hoặc lý do."),
    ],
)
def test_bad_input_gets_a_422_with_the_fields_message_and_writes_nothing(admin_client, form, message):
    before = holiday_rows()
    response = admin_client.post(PAGE, data={**form, "csrf_token": token(admin_client)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert holiday_rows() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_deleting_a_public_holiday_is_refused_with_a_message(admin_client):
    tet = holiday(date(2025, 1, 29))
    response = admin_client.post(f"{PAGE}/{tet.id}/delete", data={"csrf_token": token(admin_client)})
    assert response.status_code == 302
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ngày 29/01/2025 theo quy định chung nên không xóa được." in html
    db.session.expire_all()
    assert holiday(date(2025, 1, 29)).name == "Tết Nguyên Đán"


def test_deleting_an_override_restores_the_public_holiday(admin_client):
    admin_client.post(
        PAGE,
        data={"day": "2025-01-31", "kind": "working_day", "name": "Đi làm", "csrf_token": token(admin_client)},
    )
    override = holiday(date(2025, 1, 31))
    response = admin_client.post(f"{PAGE}/{override.id}/delete", data={"csrf_token": token(admin_client)})
    assert response.status_code == 302
    db.session.expire_all()
    restored = holiday(date(2025, 1, 31))
    assert (restored.kind, restored.source, restored.name) == ("day_off", "package", "Mùng ba Tết Nguyên Đán")


def test_a_missing_holiday_is_a_404_and_a_year_outside_the_calendar_a_422(admin_client):
    assert admin_client.post(f"{PAGE}/999999/delete", data={"csrf_token": token(admin_client)}).status_code == 404
    response = admin_client.get(f"{PAGE}?year=99999")
    assert response.status_code == 422
    assert "Phải là số nguyên từ 1995 đến 2100." in response.get_data(as_text=True)
