"""Bad input gets a clear 4xx naming what is wrong, never a 500: the cases the review found, then every route and
API operation fuzzed with NUL characters, huge integers, non-ASCII digits and deeply nested or oversized JSON."""

from __future__ import annotations

import io
import json

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from models import Dossier, db
from tests.conftest import PDF_BYTES, AuthActions, csrf_token_from
from workflow.accounts.tokens import issue_token

HUGE = str(2**70)
POISONS = ["\x00", HUGE, "١٢٣", "¹", "-1", "abc"]
QUERY_NAMES = ["year", "page", "per_page", "unit", "unit_id", "name", "state", "title", "next", "open"]
DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def demo_with_dossiers(demo_story):
    """The whole demo (tests/conftest.py::demo_story)."""


def logged_in(app, username: str):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def token_headers(user, username: str) -> dict[str, str]:
    token = issue_token(db.session, user(username)).token
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# --- the cases the review found -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [f"year={HUGE}", f"page={HUGE}", "year=٢٠٢٤", "page=0", "per_page=-5"])
def test_huge_or_foreign_numbers_in_a_list_query_are_a_422_naming_the_parameter(demo, app, query):
    response = logged_in(app, "noivu").get(f"/dossiers?{query}")
    assert response.status_code == 422
    assert "Phải là số nguyên từ" in response.get_data(as_text=True)


@pytest.mark.parametrize("chosen", ["99999999999999999999", "abc", "١"])
def test_a_bad_nominee_choice_in_the_upload_form_is_a_field_error(make_dossier, app, chosen):
    dossier = make_dossier(complete=False)
    client = logged_in(app, "canbo.pleikan")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    response = client.post(
        f"/dossiers/{dossier.id}/documents",
        data={
            "csrf_token": csrf_token_from(page),
            "kind": "khac",
            "nomination_id": chosen,
            "file": (io.BytesIO(PDF_BYTES), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Người được đề nghị không thuộc hồ sơ này." in response.get_data(as_text=True)


def test_deeply_nested_json_is_a_400_not_a_crash(demo, client):
    response = client.post("/api/v1/auth/tokens", data=DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    assert "lồng quá" in json.dumps(response.json, ensure_ascii=False)


def test_a_five_thousand_digit_version_is_refused(make_dossier, client, user):
    dossier = make_dossier()
    body = '{"trigger": "submit_to_head", "version": ' + "9" * 5000 + ', "data": {}}'
    response = client.post(
        f"/api/v1/dossiers/{dossier.id}/transitions",
        data=body,
        content_type="application/json",
        headers=token_headers(user, "canbo.pleikan"),
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "draft"


@pytest.mark.parametrize("unit", ["¹", "٣", "1" * 30])
def test_a_unit_filter_of_odd_digits_is_a_field_error(demo, client, user, unit):
    response = client.get(f"/api/v1/registry?unit={unit}", headers=token_headers(user, "noivu"))
    assert response.status_code == 422
    assert "unit" in response.json["errors"]


def test_a_nul_in_the_anonymous_login_form_is_a_422_naming_the_field(demo, client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "noi\x00vu", "password": "demo", "csrf_token": token})
    assert response.status_code == 422
    assert "Không được chứa ký tự NUL." in response.get_data(as_text=True)


def test_a_nul_anywhere_in_a_json_body_is_named_by_its_path(make_dossier, client, user):
    dossier = make_dossier()
    response = client.post(
        f"/api/v1/dossiers/{dossier.id}/transitions",
        json={"trigger": "submit_to_head", "version": dossier.version, "data": {"comment": "a\x00b"}},
        headers=token_headers(user, "canbo.pleikan"),
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"data.comment": ["Không được chứa ký tự NUL."]}


def test_the_error_page_links_back_only_to_a_page_of_this_site(demo, client):
    hostile = client.get("/no-such-page", headers={"Referer": "javascript:alert(document.cookie)"})
    assert hostile.status_code == 404 and "javascript:" not in hostile.get_data(as_text=True)
    foreign = client.get("/no-such-page", headers={"Referer": "https://evil.example/phish"})
    assert "evil.example" not in foreign.get_data(as_text=True)
    ours = client.get("/no-such-page", headers={"Referer": "http://localhost/registry?year=2023"})
    assert 'href="/registry?year=2023"' in ours.get_data(as_text=True)


# --- every route, every operation ----------------------------------------------------------------------------------


def _form_field_names() -> set[str]:
    names, stack = set(), [FlaskForm]
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        names |= {name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)}
    return names


PATH_VALUES = {"trigger": "accept", "decision": "reject", "name": "dossier", "period": "2024-2025"}
SKIPPED = {"/logout", "/api/v1/auth/tokens/current"}  # they take no input and would end the session under test


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in SKIPPED:
            continue
        path = rule.rule
        # Every placeholder of the path (an argument given by the rule's defaults has none).
        while "<" in path:
            start, end = path.index("<"), path.index(">")
            argument = path[start + 1 : end].rpartition(":")[2]
            path = path[:start] + PATH_VALUES.get(argument, "1") + path[end + 1 :]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not (method == "DELETE" and path == "/api/v1/auth/tokens"):
                yield method, path


def _json_bodies(app) -> dict[str, list[str]]:
    """Per API path, hostile bodies built from the request schema the OpenAPI document gives for it."""
    spec = app.test_client().get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    bodies: dict[str, list[str]] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = content["application/json"]["schema"]
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
            fields = list(schema.get("properties", {}))
            flask_path = path.replace("{", "<").replace("}", ">")
            bodies[flask_path] = [
                *(json.dumps({f: poison for f in fields}) for poison in ("\x00", 10**30, "١٢٣", -1, None, [], {})),
                json.dumps({f: {"x": ["\x00"]} for f in fields}),
                "{" + ", ".join(f'"{f}": {"9" * 5000}' for f in fields) + "}",
                DEEP_JSON,
                '{"a": "' + "x" * (2 * 1024 * 1024) + '"}',
            ]
    return bodies


@pytest.mark.parametrize("username", ["admin", "noivu", "canbo.pleikan", None])
def test_no_route_answers_a_server_error_to_hostile_input(demo_with_dossiers, app, user, username):
    client = logged_in(app, username) if username else app.test_client()
    token = csrf_token_from(client.get("/login" if username is None else "/account/language").get_data(True))
    fields = _form_field_names()
    api_headers = token_headers(user, username) if username else {}
    bodies = _json_bodies(app)
    failures = []
    for method, path in _routes(app):
        for poison in POISONS:
            query = {name: poison for name in QUERY_NAMES}
            if path.startswith("/api/"):
                requests = [dict(query_string=query, headers=api_headers)]
                template = next((p for p in bodies if _matches(p, path)), None)
                if method == "POST" and template:
                    requests += (
                        [
                            dict(data=body, content_type="application/json", headers=api_headers)
                            for body in bodies[template]
                        ]
                        if poison == POISONS[0]
                        else []
                    )
            else:
                form = {name: poison for name in fields} | {"csrf_token": token}
                requests = [dict(query_string=query, data=form if method == "POST" else None)]
            for request in requests:
                response = client.open(path, method=method, **request)
                response.close()
                if response.status_code >= 500:
                    failures.append((method, path, repr(poison), response.status_code))
    assert failures == []


def _matches(template: str, path: str) -> bool:
    parts, actual = template.split("/"), path.split("/")
    return len(parts) == len(actual) and all(p == a or p.startswith("<") for p, a in zip(parts, actual, strict=True))


def test_a_multipart_body_with_nameless_or_odd_parts_is_not_a_crash(demo, client, user):
    body = (
        b'--B\r\nContent-Disposition: form-data; name="%0A\xc3\x9dx"\r\n\r\ntrue\r\n'
        b'--B\r\nContent-Disposition: form-data; name=""\r\n\r\n{}\r\n--B--\r\n'
    )
    response = client.post(
        "/api/v1/registry/import",
        data=body,
        content_type="multipart/form-data; boundary=B",
        headers=token_headers(user, "noivu"),
    )
    assert response.status_code == 422
