"""Security headers on every response: pages, the API, static files, error pages and redirects.

Scripts and styles come only from our own static files: no inline script, no eval, no inline style, so markup
slipped into a page can neither run nor restyle it (CSS selectors can read attribute values such as CSRF
tokens). The one exception is the workflow diagrams page: Mermaid writes a `<style>` element and `style=`
attributes into every diagram it draws, whose text changes with the diagram, so neither a nonce nor a hash fits
and only 'unsafe-inline' for styles lets it draw. That page is for administrators and shows nothing users typed."""

from __future__ import annotations

from flask import Flask, Response, request


def _policy(style_src: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = _policy("'self'")
CONTENT_SECURITY_POLICY_INLINE_STYLES = _policy("'self' 'unsafe-inline'")
INLINE_STYLE_ENDPOINTS = frozenset({"workflows_admin.index"})

HEADERS = {
    # For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Our own pages still see where a request came from (Flask-WTF checks the Referer of HTTPS form posts);
    # other sites learn nothing, not even our host name, from a link followed out of a dossier.
    "Referrer-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        """setdefault: a view that chose its own value for one of these headers keeps it."""
        inline_styles = request.endpoint in INLINE_STYLE_ENDPOINTS
        response.headers.setdefault(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY_INLINE_STYLES if inline_styles else CONTENT_SECURITY_POLICY,
        )
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # Only where the site is served over HTTPS: browsers then refuse plain HTTP to the host for a year.
        if app.config["HSTS"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
