"""Bearer-token authentication for the API and the endpoints that issue and revoke tokens.

The API never reads the session cookie: a browser's cookie would otherwise let another site send unsafe requests
in the user's name (CSRF), and the API blueprints are exempt from the form CSRF check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request

from models import User, db
from web.access import Predicate, public
from web.api.blueprint import ApiBlueprint
from web.api.schemas import IssuedTokenSchema, TokenRequestSchema
from web.errors import render_error
from workflow.accounts.tokens import MAX_LIVE_TOKENS, issue_token, revoke_token, verify_token
from workflow.accounts.users import LoginThrottled, authenticate, revoke_all_tokens
from workflow.permissions import can_view_home

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng"
NO_TOKEN = "Vui lòng gửi mã truy cập trong tiêu đề Authorization: Bearer <mã>."
BAD_TOKEN = "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
# Longer than any token we issue (43 characters); anything longer is not worth hashing.
MAX_TOKEN_LENGTH = 200

blp = ApiBlueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="Cấp và thu hồi mã truy cập API.")


def unauthorized(detail: str, error: str | None = None):
    challenge = 'Bearer realm="api"' + (f', error="{error}"' if error else "")
    return render_error(401, detail, headers=[("WWW-Authenticate", challenge)])


def current_actor() -> User:
    """The user whose token authenticated this request (set by `api_permission_required`)."""
    return g.api_token.user


def api_permission_required(predicate: Predicate, load: Callable[..., object] | None = None):
    """The API twin of `web.access.permission_required`: a valid bearer token (else 401), then
    `predicate(user, obj)` (else 403); `load(**view_args)` fetches obj (404 when missing)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            header = request.authorization
            if header is None or header.type != "bearer" or not header.token:
                return unauthorized(NO_TOKEN)
            row = verify_token(db.session, header.token) if len(header.token) <= MAX_TOKEN_LENGTH else None
            if row is None:
                return unauthorized(BAD_TOKEN, "invalid_token")
            g.api_token = row
            obj = load(**kwargs) if load else None
            if not predicate(row.user, obj):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = predicate
        guarded.load = load
        return guarded

    return decorate


@blp.route("/tokens", methods=["POST"])
@blp.doc(
    summary="Cấp mã truy cập",
    description="Đổi tên đăng nhập và mật khẩu lấy một mã truy cập (bearer) có hạn 30 ngày. "
    "Mã chỉ hiện ra một lần; máy chủ chỉ lưu giá trị băm SHA-256 của mã. Mỗi tài khoản giữ tối đa "
    f"{MAX_LIVE_TOKENS} mã còn hiệu lực: cấp thêm sẽ thu hồi mã cũ nhất. Đăng nhập sai nhiều lần liên tiếp bị "
    "tạm khóa (429, tiêu đề Retry-After cho biết số giây phải chờ).",
    security=[],
)
@blp.problems(401, 429)
@public
@blp.arguments(TokenRequestSchema)
@blp.response(201, IssuedTokenSchema)
def issue(credentials: dict):
    try:
        user = authenticate(
            db.session, credentials["username"], credentials["password"], address=request.remote_addr or ""
        )
    except LoginThrottled as throttled:
        return render_error(429, throttled.message, headers=[("Retry-After", str(throttled.retry_after_seconds))])
    if user is None:
        db.session.commit()  # the refusal counts for the throttle
        return unauthorized(BAD_CREDENTIALS)
    issued = issue_token(db.session, user)
    db.session.commit()
    return issued


@blp.route("/tokens/current", methods=["DELETE"])
@blp.doc(summary="Thu hồi mã truy cập đang dùng", description="Mã bị thu hồi không dùng được nữa.")
@blp.problems(401)
@api_permission_required(can_view_home)
@blp.response(204)
def revoke():
    revoke_token(g.api_token)
    db.session.commit()
    return current_app.response_class(status=204)


@blp.route("/tokens", methods=["DELETE"])
@blp.doc(
    summary="Thu hồi mọi mã truy cập của tôi",
    description="Mọi mã còn hiệu lực của tài khoản (kể cả mã đang dùng) không dùng được nữa.",
)
@blp.problems(401)
@api_permission_required(can_view_home)
@blp.response(204)
def revoke_all():
    revoke_all_tokens(db.session, current_actor())
    db.session.commit()
    return current_app.response_class(status=204)
