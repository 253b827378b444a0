"""Template helpers: permission predicates, state labels, dates and domain messages, the same everywhere."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from models.dossier import DossierState
from web.messages import translate
from workflow import permissions

STATE_LABELS = {
    "draft": _l("Đang soạn"),
    "awaiting_head": _l("Chờ Thủ trưởng ký"),
    "submitted": _l("Đã nộp"),
    "returned": _l("Trả lại bổ sung"),
    "accepted": _l("Đã tiếp nhận"),
    "in_council": _l("Đang xét tại Hội đồng"),
    "awaiting_decision": _l("Chờ quyết định"),
    "decided": _l("Đã có quyết định"),
    "forwarded": _l("Đã trình cấp trên"),
    "closed": _l("Hoàn thành"),
    "withdrawn": _l("Đã rút"),
    "rejected": _l("Không chấp nhận"),
}

NOMINATION_LABELS = {
    "proposed": _l("Đề nghị"),
    "eligible": _l("Đủ điều kiện"),
    "ineligible": _l("Không đủ điều kiện"),
    "approved": _l("Hội đồng thông qua"),
    "not_approved": _l("Hội đồng không thông qua"),
    "awarded": _l("Được khen thưởng"),
    "forwarded": _l("Trình cấp trên"),
    "awarded_by_higher": _l("Cấp trên khen thưởng"),
    "declined_by_higher": _l("Cấp trên không khen thưởng"),
    "withdrawn": _l("Đã rút"),
    "revoked": _l("Bị hủy khen thưởng"),
}

REASON_LABELS = {
    "wrong_subject": _l("Sai đối tượng"),
    "criteria_not_met": _l("Không đạt tiêu chuẩn"),
    "incomplete_dossier": _l("Hồ sơ không đầy đủ"),
    "law_violation": _l("Vi phạm pháp luật"),
}

ROLE_LABELS = {
    "unit_officer": _l("Cán bộ thi đua đơn vị"),
    "unit_head": _l("Thủ trưởng đơn vị"),
    "office": _l("Phòng Nội vụ (cơ quan thường trực)"),
    "secretary": _l("Thư ký Hội đồng"),
    "council_member": _l("Ủy viên Hội đồng"),
    "chairman": _l("Chủ tịch UBND"),
    "admin": _l("Quản trị hệ thống"),
}


def register(app: Flask) -> None:
    @app.context_processor
    def inject():
        return {
            "can": permissions,
            "state_labels": STATE_LABELS,
            # A dossier in one of these has no clock to start (closed, withdrawn, rejected).
            "final_states": DossierState.FINAL,
            "role_labels": ROLE_LABELS,
            "nomination_labels": NOMINATION_LABELS,
            "reason_labels": REASON_LABELS,
            "get_locale": get_locale,
        }

    @app.template_filter("vndate")
    def vndate(value):
        return format_date(value, "dd/MM/yyyy") if value else ""

    @app.template_filter("vndatetime")
    def vndatetime(value):
        """In Vietnam's time zone (Babel's configured zone), whatever the server's."""
        return format_datetime(value, "HH:mm dd/MM/yyyy") if value else ""

    app.add_template_filter(translate, "translate")
