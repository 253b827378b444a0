"""What people are told: a title per topic in Vietnamese and English, the e-mail bodies rendered from
`templates/<language>/<topic>.txt`. The in-app inbox under the bell is centre.py.

Texts are rendered by the dispatcher outside any request, in the recipient's own language, so they use a
standalone Jinja environment and explicit per-language strings rather than Flask-Babel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session

from models import Dossier, Nomination, User
from workflow.core.today import LOCAL_TZ

LANGUAGES = ("vi", "en")
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# {code}: the dossier's code; {nominee}: the person or collective of a nomination.
TITLES: dict[str, dict[str, str]] = {
    "dossier.submitted_to_head": {
        "vi": "Hồ sơ {code} đang chờ Thủ trưởng ký duyệt",
        "en": "Dossier {code} awaits the head's approval",
    },
    "dossier.sent_back": {
        "vi": "Hồ sơ {code} được Thủ trưởng trả lại để chỉnh sửa",
        "en": "Dossier {code} was sent back by the head for changes",
    },
    "dossier.submitted": {
        "vi": "Hồ sơ {code} đã được nộp Phòng Nội vụ",
        "en": "Dossier {code} was submitted to the standing office",
    },
    "dossier.accepted": {
        "vi": "Hồ sơ {code} đã được tiếp nhận",
        "en": "Dossier {code} was accepted",
    },
    "dossier.returned": {
        "vi": "Hồ sơ {code} bị trả lại để bổ sung",
        "en": "Dossier {code} was returned for completion",
    },
    "dossier.resubmitted": {
        "vi": "Hồ sơ {code} đã được nộp lại sau khi bổ sung",
        "en": "Dossier {code} was resubmitted after completion",
    },
    "dossier.scheduled": {
        "vi": "Hồ sơ {code} được đưa ra Hội đồng xét",
        "en": "Dossier {code} goes before the council",
    },
    "dossier.council_skipped": {
        "vi": "Hồ sơ {code} được trình quyết định không qua Hội đồng",
        "en": "Dossier {code} goes to a decision without the council",
    },
    "dossier.review_closed": {
        "vi": "Hội đồng đã xét xong hồ sơ {code}, chờ quyết định",
        "en": "The council has reviewed dossier {code}; it awaits a decision",
    },
    "dossier.decided": {
        "vi": "Đã ký quyết định khen thưởng cho hồ sơ {code}",
        "en": "The commendation decision for dossier {code} was signed",
    },
    "dossier.forwarded": {
        "vi": "Hồ sơ {code} đã được trình cấp trên",
        "en": "Dossier {code} was forwarded to the higher authority",
    },
    "dossier.closed": {
        "vi": "Hồ sơ {code} đã hoàn thành",
        "en": "Dossier {code} is closed",
    },
    "dossier.withdrawn": {
        "vi": "Hồ sơ {code} đã được rút",
        "en": "Dossier {code} was withdrawn",
    },
    "dossier.rejected": {
        "vi": "Hồ sơ {code} không được chấp nhận",
        "en": "Dossier {code} was rejected",
    },
    "nomination.found_eligible": {
        "vi": "Đề nghị khen thưởng {nominee} (hồ sơ {code}) đủ điều kiện",
        "en": "The nomination of {nominee} (dossier {code}) is eligible",
    },
    "nomination.found_ineligible": {
        "vi": "Đề nghị khen thưởng {nominee} (hồ sơ {code}) không đủ điều kiện",
        "en": "The nomination of {nominee} (dossier {code}) is not eligible",
    },
    "nomination.reappraised": {
        "vi": "Đề nghị khen thưởng {nominee} (hồ sơ {code}) được thẩm định lại",
        "en": "The nomination of {nominee} (dossier {code}) is being appraised again",
    },
    "nomination.approved": {
        "vi": "Hội đồng thông qua đề nghị khen thưởng {nominee} (hồ sơ {code})",
        "en": "The council approved the nomination of {nominee} (dossier {code})",
    },
    "nomination.not_approved": {
        "vi": "Hội đồng không thông qua đề nghị khen thưởng {nominee} (hồ sơ {code})",
        "en": "The council did not approve the nomination of {nominee} (dossier {code})",
    },
    "nomination.awarded": {
        "vi": "{nominee} được khen thưởng (hồ sơ {code})",
        "en": "{nominee} was awarded (dossier {code})",
    },
    "nomination.forwarded": {
        "vi": "Đề nghị khen thưởng {nominee} (hồ sơ {code}) đã được trình cấp trên",
        "en": "The nomination of {nominee} (dossier {code}) was forwarded to the higher authority",
    },
    "nomination.awarded_by_higher": {
        "vi": "{nominee} được cấp trên khen thưởng (hồ sơ {code})",
        "en": "{nominee} was awarded by the higher authority (dossier {code})",
    },
    "nomination.declined_by_higher": {
        "vi": "Cấp trên không khen thưởng {nominee} (hồ sơ {code})",
        "en": "The higher authority declined to award {nominee} (dossier {code})",
    },
    "nomination.withdrawn": {
        "vi": "Đề nghị khen thưởng {nominee} (hồ sơ {code}) đã được rút",
        "en": "The nomination of {nominee} (dossier {code}) was withdrawn",
    },
    "nomination.revoked": {
        "vi": "Khen thưởng của {nominee} (hồ sơ {code}) đã bị hủy",
        "en": "The award of {nominee} (dossier {code}) was revoked",
    },
    "identity_match.confirmed": {
        "vi": "Đã xác minh danh tính của {nominee} (hồ sơ {code})",
        "en": "The identity of {nominee} was confirmed (dossier {code})",
    },
    "identity_match.rejected": {
        "vi": "Cần kiểm tra lại số định danh cá nhân của {nominee} (hồ sơ {code})",
        "en": "Please check the personal ID number of {nominee} (dossier {code})",
    },
    "movement.launched": {
        "vi": "Phong trào thi đua mới được phát động",
        "en": "A new emulation movement was launched",
    },
    "movement.closed": {
        "vi": "Phong trào thi đua đã kết thúc",
        "en": "An emulation movement was closed",
    },
    "unit_report.submitted": {
        "vi": "Đơn vị đã gửi báo cáo kết quả phong trào thi đua",
        "en": "A unit sent its yearly movement report",
    },
    "unit_report.reviewed": {
        "vi": "Báo cáo kết quả phong trào thi đua đã được xem xét",
        "en": "Your yearly movement report was reviewed",
    },
    "unit_report.returned": {
        "vi": "Báo cáo kết quả phong trào thi đua bị trả lại để bổ sung",
        "en": "Your yearly movement report was returned for completion",
    },
    "initiative.recognised": {
        "vi": "Sáng kiến, đề tài đã được công nhận",
        "en": "An initiative or research work was recognised",
    },
    "initiative.not_recognised": {
        "vi": "Sáng kiến, đề tài không được công nhận",
        "en": "An initiative or research work was not recognised",
    },
    "poll.started": {"vi": "Hội đồng bắt đầu biểu quyết", "en": "The council started a vote"},
    "poll.finished": {"vi": "Hội đồng kết thúc biểu quyết", "en": "The council finished a vote"},
    "poll.published": {"vi": "Hội đồng công bố kết quả biểu quyết", "en": "The council published a vote's result"},
    "decision.submitted_for_signature": {
        "vi": "Dự thảo quyết định trình ký",
        "en": "A draft decision awaits signature",
    },
    "decision.sent_back": {"vi": "Dự thảo quyết định bị trả lại", "en": "A draft decision was sent back"},
    "decision.signed": {"vi": "Quyết định khen thưởng đã được ký", "en": "An award decision was signed"},
    "decision.published": {"vi": "Quyết định khen thưởng đã ban hành", "en": "An award decision was issued"},
    "decision.revoked": {"vi": "Quyết định khen thưởng bị hủy", "en": "An award decision was revoked"},
    "council_session.opened": {
        "vi": "Phiên họp Hội đồng Thi đua – Khen thưởng đã khai mạc",
        "en": "The council session has opened",
    },
    "council_session.closed": {
        "vi": "Phiên họp Hội đồng Thi đua – Khen thưởng đã bế mạc",
        "en": "The council session has closed",
    },
}
# A topic added to a definition before its texts still reaches people, with these plainer titles.
GENERIC_TITLE = {"vi": "Hồ sơ {code}: có cập nhật ({action})", "en": "Dossier {code}: updated ({action})"}
GENERIC_TITLE_NO_DOSSIER = {"vi": "Có cập nhật mới ({action})", "en": "New update ({action})"}

REASONS = {
    "wrong_subject": {"vi": "Không đúng đối tượng", "en": "Not an eligible subject"},
    "criteria_not_met": {"vi": "Không đạt tiêu chuẩn", "en": "Criteria not met"},
    "incomplete_dossier": {"vi": "Hồ sơ không đầy đủ", "en": "Incomplete dossier"},
    "law_violation": {"vi": "Vi phạm pháp luật", "en": "Violation of the law"},
}

BODY_LABELS = {
    "vi": {"by": "Người thực hiện", "comment": "Ý kiến", "reason": "Lý do", "missing": "Cần bổ sung"},
    "en": {"by": "By", "comment": "Comment", "reason": "Reason", "missing": "To complete"},
}

_jinja = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=False,  # plain-text e-mail: HTML escaping would corrupt it
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class EventFacts:
    """What the texts say about one event; loaded once, then rendered in each recipient's language."""

    topic: str
    action: str
    dossier_id: int | None
    dossier_code: str = ""
    dossier_title: str = ""
    unit_name: str = ""
    nominee: str = ""
    actor_name: str = ""
    comment: str = ""
    reason: str | None = None
    missing_items: list[str] = field(default_factory=list)
    occurred_at: datetime | None = None

    @property
    def link(self) -> str:
        return f"/dossiers/{self.dossier_id}" if self.dossier_id is not None else ""


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def load_facts(session: Session, payload: dict[str, Any]) -> EventFacts:
    """Read the dossier, nominee and actor an event payload points at (rows may since have changed)."""
    data = payload.get("data") or {}
    dossier = session.get(Dossier, payload["dossier_id"]) if payload.get("dossier_id") is not None else None
    nomination = session.get(Nomination, payload["entity_id"]) if payload.get("entity_type") == "nomination" else None
    actor = session.get(User, payload["actor_id"]) if payload.get("actor_id") is not None else None
    occurred_at = payload.get("occurred_at")
    return EventFacts(
        topic=payload["topic"],
        action=payload.get("action") or "",
        dossier_id=payload.get("dossier_id"),
        dossier_code=dossier.code if dossier else "",
        dossier_title=dossier.title if dossier else "",
        unit_name=dossier.unit.name if dossier else "",
        nominee=nomination.nominee.full_name if nomination else str(data.get("nominee") or ""),
        actor_name=actor.full_name if actor else "",
        comment=str(data.get("comment") or "").strip(),
        reason=data.get("reason"),
        missing_items=[str(item) for item in data.get("missing_items") or [] if str(item).strip()],
        occurred_at=datetime.fromisoformat(occurred_at) if occurred_at else None,
    )


def language_of(user: User) -> str:
    return user.language if user.language in LANGUAGES else "vi"


def title(facts: EventFacts, language: str) -> str:
    generic = GENERIC_TITLE if facts.dossier_code else GENERIC_TITLE_NO_DOSSIER
    pattern = TITLES.get(facts.topic, generic)[language]
    return pattern.format(code=facts.dossier_code, nominee=facts.nominee, action=facts.action)[:300]


def notification_text(facts: EventFacts, language: str) -> Text:
    """The bell's short form: the title, then who did it and the reason or comment, one per line."""
    labels = BODY_LABELS[language]
    lines = [facts.dossier_title] if facts.dossier_title else []
    if facts.actor_name:
        lines.append(f"{labels['by']}: {facts.actor_name}")
    if facts.reason in REASONS:
        lines.append(f"{labels['reason']}: {REASONS[facts.reason][language]}")
    if facts.missing_items:
        lines.append(f"{labels['missing']}: {'; '.join(facts.missing_items)}")
    if facts.comment:
        lines.append(f"{labels['comment']}: {facts.comment}")
    return Text(title(facts, language), "\n".join(lines))


def email_text(facts: EventFacts, language: str, *, recipient_name: str, base_url: str) -> Text:
    """Subject and plain-text body; the topic's own template, or the generic one for a topic not written yet."""
    template = _jinja.select_template([f"{language}/{facts.topic}.txt", f"{language}/_generic.txt"])
    body = template.render(
        recipient_name=recipient_name,
        dossier_code=facts.dossier_code,
        dossier_title=facts.dossier_title,
        unit_name=facts.unit_name,
        nominee=facts.nominee,
        actor_name=facts.actor_name,
        action=facts.action,
        comment=facts.comment,
        reason=REASONS[facts.reason][language] if facts.reason in REASONS else "",
        missing_items=facts.missing_items,
        occurred_at=facts.occurred_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if facts.occurred_at else "",
        link=f"{base_url.rstrip('/')}{facts.link}" if facts.link else base_url,
    )
    return Text(title(facts, language), body)


CHECKPOINT_TITLE = {
    "vi": "Điểm kiểm tra nhật ký hệ thống: {entries} mục, lúc {taken_at}",
    "en": "Audit log checkpoint: {entries} entries at {taken_at}",
}


def checkpoint_email_text(
    language: str,
    *,
    recipient_name: str,
    entries: int,
    last_id: int | None,
    last_hash: str,
    taken_at: datetime,
    signature: str,
) -> Text:
    """The audit checkpoint e-mail: the recipient's copy of the chain's head, kept outside the system."""
    when = taken_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S")
    body = _jinja.get_template(f"{language}/audit.checkpoint.txt").render(
        recipient_name=recipient_name,
        entries=entries,
        last_id="—" if last_id is None else f"#{last_id}",
        last_hash=last_hash,
        taken_at=when,
        signature=signature,
    )
    return Text(CHECKPOINT_TITLE[language].format(entries=entries, taken_at=when), body)
