"""The search page (/search) and its API (/api/v1/search): one box, results grouped with counts, each a link to
the row's own page, the empty and no-result states saying what to try, and nothing outside the user's reach."""

from __future__ import annotations

import re

from models import db
from workflow.accounts.tokens import issue_token


def _page(client, auth, username: str, query: str = ""):
    auth.login(username)
    return client.get("/search", query_string={"q": query} if query else None)


def test_the_secretary_finds_a_person_typed_without_marks_and_opens_the_page(client, auth, make_dossier):
    dossier = make_dossier(nominees=("Nguyễn Văn An",))
    nominee = dossier.nominations[0].nominee
    response = _page(client, auth, "thuky", "nguyen van an")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'role="search"' in html
    group = re.search(r'data-testid="search-group-nominee".*?</section>', html, re.S).group(0)
    assert "Cá nhân, tập thể" in group and '<span class="badge text-bg-secondary">1</span>' in group
    assert f'href="/registry/nominees/{nominee.id}"' in group
    assert client.get(f"/registry/nominees/{nominee.id}").status_code == 200


def test_units_typed_in_capitals_link_to_their_registry(client, auth, demo):
    html = _page(client, auth, "thuky", "DAK XU").get_data(as_text=True)
    group = re.search(r'data-testid="search-group-unit".*?</section>', html, re.S).group(0)
    # workflow/demo/seed.py::UNITS: Xã Đắk Xú and Trường Tiểu học Đắk Xú.
    assert '<span class="badge text-bg-secondary">2</span>' in group
    assert "Xã Đắk Xú" in group and "Trường Tiểu học Đắk Xú" in group
    assert group.count('href="/registry?unit_id=') == 2


def test_a_dossier_links_to_its_page_with_its_code_and_state(client, auth, make_dossier):
    dossier = make_dossier()
    html = _page(client, auth, "thuky", "khen thuong 2025").get_data(as_text=True)
    group = re.search(r'data-testid="search-group-dossier".*?</section>', html, re.S).group(0)
    assert f'href="/dossiers/{dossier.id}"' in group
    assert dossier.code in group and "Đang soạn" in group


def test_another_units_officer_finds_nothing_of_it(client, auth, make_dossier):
    make_dossier(officer="canbo.pleikan", nominees=("Nguyễn Văn An",))
    html = _page(client, auth, "canbo.dakxu", "nguyen van an").get_data(as_text=True)
    assert 'data-testid="search-nothing"' in html
    assert "/dossiers/" not in html and "/registry/nominees/" not in html


def test_the_empty_box_says_what_can_be_searched(client, auth, demo):
    html = _page(client, auth, "thuky").get_data(as_text=True)
    assert 'data-testid="search-empty"' in html
    assert "mã hồ sơ (ví dụ HS-2025-00012)" in html


def test_no_result_says_what_to_try(client, auth, demo):
    auth.login("thuky")
    html = client.get("/search", query_string={"q": "zzzz", "kind": "unit"}).get_data(as_text=True)
    assert "Không tìm thấy kết quả nào cho “zzzz”." in html
    assert "Bớt từ" in html
    assert 'href="/search?q=zzzz"' in html  # search every kind instead


def test_more_results_than_shown_offer_the_kind_alone(client, auth, demo):
    # Every demo unit name and code holds an "a": more than the page's ten per kind.
    html = _page(client, auth, "thuky", "a").get_data(as_text=True)
    group = re.search(r'data-testid="search-group-unit".*?</section>', html, re.S).group(0)
    assert group.count('class="list-group-item search-hit"') == 10
    assert 'href="/search?q=a&amp;kind=unit"' in group


def test_too_many_words_is_a_422_naming_the_limit(client, auth, demo):
    response = _page(client, auth, "thuky", "a b c d e f g h i")
    assert response.status_code == 422
    assert "Nhập tối đa 8 từ." in response.get_data(as_text=True)


def test_the_page_speaks_english_too(client, auth, demo):
    auth.login("thuky")
    client.post(
        "/account/language",
        data={"language": "en", "csrf_token": _token(client)},
    )
    html = client.get("/search", query_string={"q": "dak xu"}).get_data(as_text=True)
    assert "Unit" in html and "Nothing found" not in html and "Search: dak xu" in html


def _token(client) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get("/account/language").get_data(as_text=True))


# --- the API ------------------------------------------------------------------------------------------------------


def _api(client, user, username: str, **params):
    token = issue_token(db.session, user(username)).token
    db.session.commit()
    return client.get("/api/v1/search", query_string=params, headers={"Authorization": f"Bearer {token}"})


def test_the_api_answers_grouped_hits_with_their_links(client, demo, user):
    response = _api(client, user, "thuky", q="dak xu", kind="unit")
    assert response.status_code == 200
    body = response.get_json()
    assert body["words"] == ["dak", "xu"]
    assert body["total"] == 2
    (group,) = body["groups"]
    assert (group["kind"], group["count"]) == ("unit", 2)
    assert sorted(hit["label"] for hit in group["items"]) == ["Trường Tiểu học Đắk Xú", "Xã Đắk Xú"]
    assert all(hit["url"] == f"/registry?unit_id={hit['id']}" for hit in group["items"])


def test_the_api_keeps_a_unit_to_its_own(client, make_dossier, user):
    make_dossier(officer="canbo.pleikan", nominees=("Nguyễn Văn An",))
    mine = _api(client, user, "canbo.pleikan", q="NGUYEN VAN AN", kind="nominee").get_json()
    theirs = _api(client, user, "canbo.dakxu", q="NGUYEN VAN AN", kind="nominee").get_json()
    assert [hit["label"] for hit in mine["groups"][0]["items"]] == ["Nguyễn Văn An"]
    assert theirs["groups"][0]["count"] == 0


def test_the_api_names_a_bad_kind_and_is_in_the_openapi_document(client, demo, user):
    response = _api(client, user, "thuky", q="an", kind="movement")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "kind" in response.get_json()["errors"]
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "kind", "limit"} <= parameters
