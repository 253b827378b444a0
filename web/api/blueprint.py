"""The API's blueprint class: flask-smorest's, with a request parser that reads multipart bodies whole, reads JSON
through the bounded loader and answers malformed JSON in Vietnamese, and a shorthand to document the problem
responses of a view."""

from __future__ import annotations

from http import HTTPStatus

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from web.params import loads_bounded

# Every API URL and the OpenAPI paths use the same converter: werkzeug's bare `int` accepts 2**70, which
# overflows SQLite's integers (a 500); a larger id than this cannot exist.
MAX_ID = 2147483647
ID = f"int(max={MAX_ID})"


class Parser(FlaskParser):
    """Adds `form_and_files`: a multipart body's text fields and files in one schema, as one request body."""

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req):
        """The body through the bounded loader (size, depth, number length: web/params.py)."""
        if not is_json_request(req):
            return core.missing
        return loads_bounded(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        detail = error.msg if error.msg.startswith("Nội dung") else "Nội dung gửi lên không phải JSON hợp lệ."
        abort(400, exc=error, messages={"json": [detail]})


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }

    def problems(self, *statuses: int):
        """Document the problem+json answers a view can give besides its success and 422."""

        def decorate(view):
            for status in statuses:
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view

        return decorate
