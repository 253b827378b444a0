"""The JSON API under /api/v1 (flask-smorest), its OpenAPI document and its docs page.

Errors are not flask-smorest's: its app-wide HTTPException handler would replace the Vietnamese HTML error
pages too, so it is not registered and web/errors.py answers every /api/ path with problem+json instead
(webargs' field messages included, `Allow` on 405)."""

from __future__ import annotations

from http import HTTPStatus

import flask_smorest
from flask import Blueprint, Flask, jsonify, render_template, url_for
from flask_smorest.utils import prepare_response

from web.access import public as public_view
from web.api import (
    auth,
    council,
    dashboard,
    decisions,
    dossiers,
    findings,
    forwarding,
    initiatives,
    jobs,
    money,
    movements,
    notifications,
    past_years,
    public,
    registry,
    reports,
    revocations,
    rulesets,
    search,
    units,
    workflows,
)
from web.api.schemas import ProblemSchema
from web.extensions import csrf

PROBLEM_JSON = "application/problem+json"
PREFIX = "/api/v1"

DEFAULTS = {
    "API_TITLE": "Thi đua – Khen thưởng API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "API cho các chương trình dùng chung dịch vụ với giao diện web: hồ sơ đề nghị, người "
            "được đề nghị, tài liệu, chuyển trạng thái, nhật ký và định nghĩa quy trình. Lấy mã truy cập bằng "
            "`POST /api/v1/auth/tokens`, rồi gửi `Authorization: Bearer <mã>` với mọi yêu cầu khác (trừ các quyết định "
            "đã ký công khai dưới `/api/v1/public/decisions`, không cần mã). Lỗi trả về "
            "dạng application/problem+json (RFC 9457)."
        },
        "security": [{"bearerAuth": []}],
    },
}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Deliberately none: see the module docstring."""

    def _register_responses(self):
        """Error responses are documented as problem+json, which is what web/errors.py sends."""
        for status in HTTPStatus:
            if status >= 400:
                response = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
                prepare_response(response, self.spec, PROBLEM_JSON)
                self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Lỗi (problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def _register_doc_blueprint(self):
        """The document and the docs page as plain public views (flask-smorest's are bound methods, which cannot
        carry the `permission` mark every view needs), with the docs page served from vendored files."""
        spec = self.spec
        docs = Blueprint("api_docs", __name__, url_prefix=self.config["OPENAPI_URL_PREFIX"])

        @docs.get("/" + self.config["OPENAPI_JSON_PATH"])
        @public_view
        def openapi_json():
            return jsonify(spec.to_dict())

        @docs.get("/docs")
        @public_view
        def docs_page():
            return render_template("api_docs.html", spec_url=url_for(".openapi_json"), title=spec.title)

        self._app.register_blueprint(docs)


def init_api(app: Flask) -> Api:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Mã từ POST /api/v1/auth/tokens."}
    )
    for blueprint in (
        auth.blp,
        council.blp,
        dashboard.blp,
        decisions.blp,
        dossiers.blp,
        findings.blp,
        forwarding.blp,
        initiatives.blp,
        jobs.blp,
        money.blp,
        movements.blp,
        notifications.blp,
        past_years.blp,
        public.blp,
        registry.blp,
        reports.blp,
        revocations.blp,
        rulesets.blp,
        search.blp,
        units.blp,
        workflows.blp,
    ):
        # Bearer tokens, not cookies, authenticate API calls, so a forged cross-site request carries nothing.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    return api
