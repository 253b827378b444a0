"""Error handlers: Vietnamese HTML pages for people, problem+json documents under /api/."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from models import db
from web.messages import translate, translate_all, translate_fields
from workflow.accounts.users import LoginThrottled
from workflow.core.errors import (
    DomainError,
    GuardFailed,
    InvalidInput,
    PermissionDenied,
    StaleObject,
    TransitionNotAllowed,
)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không đúng định dạng.")),
        401: (_("Chưa đăng nhập"), _("Vui lòng đăng nhập để tiếp tục.")),
        403: (_("Không có quyền truy cập"), _("Tài khoản của bạn không có quyền thực hiện thao tác này.")),
        404: (_("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi.")),
        405: (_("Phương thức không được hỗ trợ"), _("Trang này không nhận loại yêu cầu đó.")),
        409: (_("Xung đột dữ liệu"), _("Hồ sơ đã được người khác thay đổi, vui lòng tải lại")),
        413: (
            _("Tệp quá lớn"),
            _(
                "Tệp gửi lên vượt quá dung lượng cho phép: mỗi tệp tối đa 20 MB, mỗi lần gửi tối đa %(total)s MB. "
                "Hãy nén hoặc chia nhỏ tệp (ví dụ quét lại PDF ở độ phân giải thấp hơn) rồi tải lên lại.",
                total=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
            ),
        ),
        422: (_("Dữ liệu không hợp lệ"), _("Vui lòng kiểm tra lại các trường đã nhập.")),
        429: (_("Quá nhiều lần thử"), _("Vui lòng chờ một lúc rồi thử lại.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi xảy ra. Vui lòng thử lại sau hoặc liên hệ quản trị viên.")),
        503: (
            _("Mất kết nối cơ sở dữ liệu"),
            _(
                "Mất kết nối tới cơ sở dữ liệu hoặc cơ sở dữ liệu đang bận. Phần chưa kịp lưu đã được hủy, không có "
                "gì bị ghi dở dang. Vui lòng tải lại trang sau ít giây để xem tình trạng hiện tại rồi thử lại; nếu "
                "lỗi còn lặp lại, hãy báo quản trị viên."
            ),
        ),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, headers=None, **extra):
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    if headers:
        response.headers.extend(headers)
    return response


def render_error(status: int, detail: str | None = None, headers=None, **extra):
    """Roll back whatever the request wrote, then answer with a page or a problem document.
    `extra` (field errors, failed guards, allowed triggers) goes into both."""
    db.session.rollback()
    title, default_detail = _messages().get(status, (str(status), ""))
    detail = translate(detail) if detail else detail
    if "failures" in extra:
        extra["failures"] = translate_all(extra["failures"])
    if "errors" in extra and isinstance(extra["errors"], dict):
        extra["errors"] = translate_fields(extra["errors"])
    if wants_json():
        return problem(status, title, detail or default_detail, headers, **extra)
    try:
        page = render_template(
            "errors/error.html",
            status=status,
            title=title,
            detail=detail or default_detail,
            extra=extra,
            back=same_site_referrer(),
        )
    except Exception:  # the layout itself failed: still answer the person with a plain page
        current_app.logger.exception("error page failed to render")
        text = escape(detail or default_detail)
        page = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{text}</p>"
    return page, status, dict(headers or {})


def same_site_referrer() -> str | None:
    """The page the person came from, as a path, only when it is a page of this site (the Referer header is
    whatever the client sent: another site's address, or a javascript: URL)."""
    referrer = request.referrer
    if not referrer or len(referrer) > 2000:
        return None
    parts = urlsplit(referrer)
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not path.startswith("//") else None


def request_field_errors(error: HTTPException) -> dict:
    """The API's request parser (webargs) attaches marshmallow's messages nested under the request location,
    e.g. {"json": {"data": {"reason": [...]}}}; clients get them keyed by field path: {"data.reason": [...]}."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return {}
    flat: dict[str, list[str]] = {}

    def walk(path: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{path}.{key}" if path else str(key), inner)
        else:
            flat.setdefault(path or "_schema", []).extend(value if isinstance(value, list) else [value])

    for located in messages.values():
        walk("", located)
    return {"errors": flat}


# Seconds a client is told to wait after the database failed: a restart or failover takes about that long.
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable(error: Exception) -> bool:
    """Whether a database error is the database's trouble (a dropped connection, a lock or a deadlock, the pool
    exhausted), which a retry can cure, rather than a bug in a statement (IntegrityError, ProgrammingError…)."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def discard_session() -> None:
    """Give back the request's connection after a database failure. The rollback goes to a connection that may be
    dead; if even that fails, closing the session hands the connection to the pool, which throws it away."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.remove()


def register(app: Flask) -> None:
    @app.teardown_appcontext
    def end_transaction(_error=None) -> None:
        """End the request's transaction before Flask-SQLAlchemy closes the session (teardowns run last registered
        first): if the database dropped the connection after the answer was made, the failed ROLLBACK is logged
        here instead of escaping as a bare 500 that replaces a good answer. The database has ended the
        transaction itself when it dropped the connection."""
        try:
            db.session.rollback()
        except DBAPIError as error:
            app.logger.warning("database connection lost after the answer was made: %s", str(error.orig).strip())
            db.session.remove()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _("Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo mật (CSRF). Vui lòng tải lại trang và thử lại."),
        )

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        return render_error(403, error.message)

    @app.errorhandler(TransitionNotAllowed)
    def not_allowed(error: TransitionNotAllowed):
        return render_error(409, error.message, state=error.state, allowed_triggers=error.allowed)

    @app.errorhandler(StaleObject)
    def stale(error: StaleObject):
        return render_error(409, error.message)

    @app.errorhandler(GuardFailed)
    def guard_failed(error: GuardFailed):
        return render_error(422, _("Chưa thể thực hiện thao tác:"), failures=error.failures)

    @app.errorhandler(InvalidInput)
    def invalid_input(error: InvalidInput):
        return render_error(422, None, errors=error.errors)

    @app.errorhandler(LoginThrottled)
    def throttled(error: LoginThrottled):
        return render_error(429, error.message, headers=[("Retry-After", str(error.retry_after_seconds))])

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """Any other refusal a service names: the person reads its message, nothing was written."""
        return render_error(422, error.message)

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError):
        return render_error(409, StaleObject.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 413 and request.endpoint == "dossiers.upload" and not wants_json():
            # The files never reached the server: back to the dossier, with the limit and what to do.
            flash(_messages()[413][1], "danger")
            return redirect(url_for("dossiers.show", dossier_id=request.view_args["dossier_id"], _anchor="documents"))
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_error(error.code or 500, headers=headers, **request_field_errors(error))

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_error(error: Exception):
        """The database dropped the connection or could not answer in time: nothing of the request was committed
        (its transaction is rolled back), the person is told so and asked to retry; the pool reconnects."""
        if not database_unavailable(error):
            return unexpected(error)
        discard_session()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
        app.logger.error(
            "database unavailable on %s %s (%s%s): %s",
            request.method,
            request.path,
            type(error).__name__,
            ", connection invalidated" if getattr(error, "connection_invalidated", False) else "",
            reason,
        )
        return render_error(503, headers=[("Retry-After", str(DATABASE_RETRY_AFTER_SECONDS))])

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
