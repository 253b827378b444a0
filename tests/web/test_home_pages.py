import pytest

HOMES = [
    ("admin", "/admin", "Quản trị hệ thống"),
    ("noivu", "/office", "Hồ sơ mới nộp, chờ tiếp nhận"),
    ("thuky", "/secretary", "Số hồ sơ theo trạng thái"),
    ("chutich", "/chairman", "Quyết định chờ ký"),
    *[(f"uyvien{i}", "/council", "Phiên họp sắp tới của Hội đồng") for i in range(1, 8)],
    ("canbo.pleikan", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.pleikan", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    ("canbo.dakxu", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.dakxu", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    ("canbo.pgddt", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.pgddt", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
]


@pytest.mark.parametrize(("username", "home", "next_step"), HOMES)
def test_every_demo_account_lands_on_its_role_home_in_vietnamese(demo, client, auth, username, home, next_step):
    page = auth.login(username, follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == home
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert next_step in html
