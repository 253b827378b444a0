"""Movement pages: the office drafts a launch plan from the form (every problem shown at once), sees it laid out
section by section, launches it (a plan without targets is refused with the reason), and the demo's movement
shows its plan and its dossiers over the years."""

from __future__ import annotations

from sqlalchemy import select

from models import Movement, OutboxMessage, db
from tests.conftest import csrf_token_from

PLAN = {
    "name": "Phong trào thi đua “Dân vận khéo” năm 2025",
    "period_start": "2025-01-01",
    "period_end": "2025-12-31",
    "description": "Phát huy vai trò của nhân dân.",
    "purposes": "Nâng cao chất lượng công tác dân vận\nBiểu dương điển hình",
    "requirements": "Thiết thực, hiệu quả",
    "contents": (
        "1. Dân vận trong xây dựng nông thôn mới\n- Mỗi xã có ít nhất 1 mô hình\n2. Dân vận chính quyền\n"
        "- 100% hồ sơ đúng hạn"
    ),
    "forms": "Thi đua thường xuyên",
    "organisation": (
        "Phòng Nội vụ | Theo dõi, tổng hợp | Hằng quý\nCác xã, thị trấn | Đăng ký mô hình | Trước 31/3"
    ),
    "clusters": "Khối xã: Thị trấn Plei Kần; Xã Đắk Xú",
}


def post_form(client, url: str, data: dict):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_the_office_drafts_a_plan_and_sees_each_section(client, auth, demo):
    auth.login("noivu")
    response = post_form(client, "/movements/new", PLAN)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Dự thảo", "I. Mục đích, yêu cầu", "Biểu dương điển hình", "II. Nội dung thi đua",
                 "Dân vận chính quyền", "100% hồ sơ đúng hạn", "III. Hình thức thi đua", "Khối xã",
                 "Thị trấn Plei Kần; Xã Đắk Xú", "IV. Tổ chức thực hiện", "Trước 31/3", "Phát động phong trào"):
        assert text in page, text
    movement = db.session.scalar(select(Movement).where(Movement.name == PLAN["name"]))
    assert [(i["key"], i["title"]) for i in movement.contents] == [
        ("c1", "Dân vận trong xây dựng nông thôn mới"), ("c2", "Dân vận chính quyền"),
    ]  # fmt: skip


def test_a_bad_plan_comes_back_with_every_problem(client, auth, demo):
    auth.login("noivu")
    bad = {**PLAN, "name": "", "period_end": "2024-01-01", "clusters": "Khối xã: Xã Không Có"}
    response = post_form(client, "/movements/new", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập tên phong trào." in page
    assert "Ngày kết thúc không được trước ngày bắt đầu." in page
    assert "Xã Không Có" in page


def test_the_edit_form_shows_the_plan_as_typed_and_saves_changes(client, auth, demo):
    auth.login("noivu")
    location = post_form(client, "/movements/new", PLAN).headers["Location"]
    edit = f"{location}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "1. Dân vận trong xây dựng nông thôn mới\n- Mỗi xã có ít nhất 1 mô hình" in page
    movement = db.session.scalar(select(Movement).where(Movement.name == PLAN["name"]))
    changed = {**PLAN, "forms": "Thi đua theo đợt", "version": str(movement.version)}
    assert post_form(client, edit, changed).status_code == 302
    assert "Thi đua theo đợt" in client.get(location).get_data(as_text=True)


def test_launching_without_targets_is_refused_with_the_reason_then_launched(client, auth, demo):
    auth.login("noivu")
    location = post_form(client, "/movements/new", {**PLAN, "contents": "Dân vận khéo"}).headers["Location"]
    token = csrf_token_from(client.get(location).get_data(as_text=True))
    page = client.post(f"{location}/launch", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Nội dung 1 chưa có chỉ tiêu, tiêu chí." in page
    assert "Dự thảo" in page
    movement = db.session.scalar(select(Movement).where(Movement.name == PLAN["name"]))
    post_form(client, f"{location}/edit", {**PLAN, "version": str(movement.version)})
    page = client.post(f"{location}/launch", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Đã phát động phong trào." in page and "Đã phát động" in page
    assert db.session.scalar(select(OutboxMessage.topic).where(OutboxMessage.topic == "movement.launched"))


def test_a_unit_officer_reads_the_plan_but_has_no_buttons(client, auth, demo):
    auth.login("canbo.pleikan")
    assert client.get("/movements/new").status_code == 403
    movement = db.session.scalar(select(Movement))
    page = client.get(f"/movements/{movement.id}").get_data(as_text=True)
    assert "Thi đua đẩy mạnh cải cách hành chính, chuyển đổi số" in page
    assert "Kết thúc phong trào" not in page and "Sửa kế hoạch" not in page


def test_the_demo_movement_lists_its_dossiers_by_year(client, auth, demo_story):
    auth.login("noivu")
    movement = db.session.scalar(select(Movement))
    listing = client.get("/movements").get_data(as_text=True)
    assert movement.name in listing
    page = client.get(f"/movements/{movement.id}").get_data(as_text=True)
    assert "Qua các năm" in page and "Khối các xã, thị trấn" in page
    assert "Kết thúc phong trào" in page  # the office may close the launched movement
    assert client.get(f"/movements/{movement.id}/edit").status_code == 409
