"""Every response carries the security headers, and no page needs what the Content-Security-Policy forbids."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Response
from sqlalchemy import select

from config import TestingConfig
from models import RuleSet, db
from web import create_app
from web.security_headers import CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_INLINE_STYLES

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    for name, value in (EXPECTED | {"Content-Security-Policy": policy}).items():
        assert response.headers.get(name) == value, name
    assert "Strict-Transport-Security" not in response.headers


def test_the_policy_allows_only_our_own_scripts():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    relaxed = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    assert relaxed == CONTENT_SECURITY_POLICY_INLINE_STYLES


def test_a_page_has_the_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_secured(response)


def test_an_error_page_has_the_headers(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404 and response.content_type.startswith("text/html")
    assert_secured(response)


def test_an_api_problem_has_the_headers(client):
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert_secured(response)


def test_a_static_file_has_the_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_secured(response)
    response.close()


def test_a_redirect_has_the_headers(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert_secured(response)


def test_only_the_diagram_page_allows_inline_styles(demo, client, auth):
    auth.login("admin")
    assert_secured(client.get("/admin/workflows"), CONTENT_SECURITY_POLICY_INLINE_STYLES)
    assert_secured(client.get("/admin/rulesets"))


@pytest.fixture
def other_app(app):
    """Build an app with other settings on the test database; its engine is closed afterwards."""
    built = []

    def build(**settings):
        database = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
        built.append(create_app(type("HeadersConfig", (TestingConfig,), database | settings)))
        return built[-1]

    yield build
    for each in built:
        with each.app_context():
            db.engine.dispose()


def test_hsts_is_sent_when_the_configuration_asks(other_app):
    client = other_app(HSTS=True).test_client()
    for path in ("/login", "/static/css/app.css", "/api/v1/dossiers", "/"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert response.headers["X-Frame-Options"] == "DENY"
        response.close()


def test_a_header_a_view_chose_is_kept_and_a_crash_still_gets_the_rest(other_app):
    app = other_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/own-policy")
    def own_policy():
        chosen = {"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "SAMEORIGIN"}
        return Response("ok", headers=chosen)

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/own-policy")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    crashed = client.get("/crash")
    assert crashed.status_code == 500
    assert_secured(crashed)


class InlineCode(HTMLParser):
    """Collects what the policy would block: inline scripts, on* handlers, <style> elements, style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or (name == "href" and (value or "").startswith("javascript:")):
                self.found.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_inline_code(template):
    assert inline_code((TEMPLATES / template).read_text(encoding="utf-8")) == []


USERS = ["admin", "noivu", "thuky", "chutich", "uyvien1", "canbo.pleikan", "truong.pleikan"]


def test_no_rendered_page_has_inline_code(app, make_dossier, client, auth):
    """Every GET page the app has, as each kind of demo user sees it (or is refused it)."""
    dossier = make_dossier()
    nomination = dossier.nominations[0]
    values = {
        "dossier_id": dossier.id,
        "nomination_id": nomination.id,
        "nominee_id": nomination.nominee_id,
        "document_id": dossier.documents[0].id,
        "rule_set_id": db.session.scalar(select(RuleSet.id).limit(1)),
    }
    adapter = app.url_map.bind("localhost")
    paths = [
        adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.arguments <= values.keys()
    ]
    checked = 0
    for username in USERS:
        auth.login(username)
        for path in paths:
            response = client.get(path)
            if response.content_type.startswith("text/html"):
                assert inline_code(response.get_data(as_text=True)) == [], (username, path)
                checked += 1
            response.close()
        auth.logout()
    assert checked > len(USERS) * 20
