from tests.conftest import csrf_token_from


def test_login_page_is_in_vietnamese(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert '<label class="form-label" for="username">' in html


def test_unit_officer_logs_in_and_lands_on_the_unit_home(demo, client, auth):
    response = auth.login("canbo.pleikan")
    assert response.status_code == 302
    home = client.get(response.headers["Location"], follow_redirects=True)
    assert home.request.path == "/unit"
    html = home.get_data(as_text=True)
    assert "Thị trấn Plei Kần" in html and "Hồ sơ đang soạn thảo" in html


def test_wrong_password_does_not_say_which_part_was_wrong(demo, client, auth):
    wrong_password = auth.login("canbo.pleikan", "sai-mat-khau")
    unknown_user = auth.login("khong.ton.tai", "demo")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/unit").status_code == 302


def test_empty_login_form_gets_field_messages_not_an_error(demo, client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập tên đăng nhập." in html and "Vui lòng nhập mật khẩu." in html


def test_login_without_csrf_token_is_refused_with_a_400_page(demo, client):
    response = client.post("/login", data={"username": "canbo.pleikan", "password": "demo"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/unit").status_code == 302


def test_logout_ends_the_session(demo, client, auth):
    auth.login("canbo.pleikan")
    assert client.get("/unit").status_code == 200
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/unit").status_code == 302


def test_session_cookie_flags(demo, client, auth):
    response = auth.login("canbo.pleikan")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_ignores_a_next_link_to_another_site(demo, client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/", data={"username": "noivu", "password": "demo", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_unknown_page_gets_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_unknown_api_path_gets_a_json_problem(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 404 and response.json["title"]


def test_user_can_switch_the_interface_to_english(demo, client, auth):
    auth.login("noivu")
    token = csrf_token_from(client.get("/account/language").get_data(as_text=True))
    client.post("/account/language", data={"language": "en", "csrf_token": token})
    html = client.get("/office").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log out" in html
