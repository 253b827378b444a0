"""The caller's own notifications (the bell's list, with its filters), marking them read, and the caller's
notification preferences."""

from __future__ import annotations

from flask import abort
from marshmallow import Schema, fields, validate

from models import db
from models.base import utcnow
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, ApiBlueprint
from web.api.schemas import (
    Boolean,
    Date,
    InputSchema,
    Integer,
    PageMetaSchema,
    Text,
    TextList,
    in_range,
    max_length,
    one_of,
)
from web.messages import translate
from web.pagination import paginate
from workflow.notify import centre, preferences
from workflow.permissions import can_change_own_settings, can_view_home

blp = ApiBlueprint(
    "api_notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="Thông báo trong ứng dụng của người gọi và cách người gọi muốn nhận thông báo.",
)

GROUP_KEYS = list(preferences.GROUPS)


class NotificationSchema(Schema):
    id = fields.Integer()
    topic = fields.String(metadata={"example": "dossier.returned"})
    group = fields.Function(lambda n: preferences.group_of(n.topic), metadata={"enum": GROUP_KEYS})
    title = fields.String()
    body = fields.String()
    link = fields.String(metadata={"description": "Đường dẫn trong trang (ví dụ /dossiers/12); rỗng nếu không có."})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    meta = fields.Nested(PageMetaSchema)
    unread = fields.Integer(metadata={"description": "Số thông báo chưa đọc (mọi nhóm), như trên chuông."})


class NotificationQuerySchema(InputSchema):
    unread = Boolean(load_default=False, metadata={"description": "true: chỉ thông báo chưa đọc."})
    group = Text(validate=one_of(GROUP_KEYS), metadata={"description": "Nhóm thông báo."})
    # `from` is a Python keyword: the field is read from the query parameter of that name.
    since = Date(data_key="from", metadata={"description": "Từ ngày (YYYY-MM-DD, giờ Việt Nam), kể cả ngày đó."})
    until = Date(data_key="to", metadata={"description": "Đến ngày (YYYY-MM-DD), kể cả ngày đó."})
    page = Integer(strict=False, load_default=1, validate=in_range(1, 2147483647))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class ReadAllSchema(Schema):
    marked = fields.Integer(metadata={"description": "Số thông báo vừa được đánh dấu đã đọc."})


class GroupPreferenceSchema(Schema):
    key = fields.String(metadata={"enum": GROUP_KEYS})
    name = fields.String()
    email = fields.Boolean(metadata={"description": "Có gửi e-mail cho thông báo của nhóm này không."})


class PreferencesSchema(Schema):
    groups = fields.List(fields.Nested(GroupPreferenceSchema))
    daily_digest = fields.Boolean()


class PreferencesRequestSchema(InputSchema):
    email_on = TextList(
        Text(validate=max_length(20)),
        required=True,
        validate=validate.Length(max=len(GROUP_KEYS) * 2, error="Tối đa {max} nhóm."),
        metadata={"description": "Các nhóm muốn nhận e-mail; nhóm không có trong danh sách chỉ hiện trên chuông."},
    )
    daily_digest = Boolean(required=True)


def _preferences_body(chosen: preferences.Preferences) -> dict:
    return {
        "groups": [
            {"key": key, "name": translate(name), "email": key not in chosen.email_off}
            for key, name in preferences.GROUPS.items()
        ],
        "daily_digest": chosen.daily_digest,
    }


@blp.route("", methods=["GET"])
@blp.doc(
    summary="Thông báo của tôi",
    description="Mới nhất trước; lọc theo `unread`, `group`, `from`, `to`. Phân trang bằng `page`, `per_page`.",
)
@blp.problems(401, 403)
@api_permission_required(can_view_home)
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(query: dict):
    wanted = centre.InboxFilter(
        unread_only=query["unread"], group=query.get("group"), since=query.get("since"), until=query.get("until")
    )
    page = paginate(db.session, centre.inbox_query(db.session, current_actor(), wanted), per_page=query["per_page"])
    return {"items": page.items, "meta": page, "unread": centre.unread_count(db.session, current_actor())}


@blp.route(f"/<{ID}:notification_id>/read", methods=["POST"])
@blp.doc(summary="Đánh dấu một thông báo đã đọc", description="Thông báo của người khác trả về 404.")
@blp.problems(401, 403, 404)
@api_permission_required(can_view_home)
@blp.response(200, NotificationSchema)
def mark_read(notification_id: int):
    notification = centre.own_notification(db.session, current_actor(), notification_id) or abort(404)
    centre.mark_read(notification, utcnow())
    db.session.commit()
    return notification


@blp.route("/read-all", methods=["POST"])
@blp.doc(summary="Đánh dấu mọi thông báo đã đọc")
@blp.problems(401, 403)
@api_permission_required(can_view_home)
@blp.response(200, ReadAllSchema)
def mark_all_read():
    marked = centre.mark_all_read(db.session, current_actor(), utcnow())
    db.session.commit()
    return {"marked": marked}


@blp.route("/preferences", methods=["GET"])
@blp.doc(summary="Cách nhận thông báo", description="Nhóm nào gửi e-mail, có nhận bản tin hằng ngày không.")
@blp.problems(401, 403)
@api_permission_required(can_change_own_settings)
@blp.response(200, PreferencesSchema)
def get_preferences():
    return _preferences_body(preferences.preferences_of(db.session, current_actor()))


@blp.route("/preferences", methods=["PUT"])
@blp.doc(
    summary="Đổi cách nhận thông báo",
    description="Thông báo trên chuông luôn được giữ; tắt một nhóm chỉ dừng e-mail của nhóm đó.",
)
@blp.problems(401, 403)
@api_permission_required(can_change_own_settings)
@blp.arguments(PreferencesRequestSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(data: dict):
    chosen = preferences.save_preferences(
        db.session, current_actor(), email_on=data["email_on"], daily_digest=data["daily_digest"]
    )
    db.session.commit()
    return _preferences_body(chosen)
