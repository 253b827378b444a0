"""The dossier (hồ sơ đề nghị) workflow, DESIGN.md §2. The dossier's state is the process."""
from models.dossier import Dossier
from models.dossier import DossierState as S
from workflow import permissions as p
from workflow.definitions import guards as g

NAME = "dossier"
ENTITY = Dossier
STATES = S.ALL

WITHDRAWABLE = [S.DRAFT, S.AWAITING_HEAD, S.SUBMITTED, S.RETURNED, S.ACCEPTED]

# label: the button text; topic: the outbox event; notify: the audiences told of it (workflow/notify/audiences.py).
TRANSITIONS = [
    {"trigger": "submit_to_head", "source": S.DRAFT, "dest": S.AWAITING_HEAD,
     "label": "Trình Thủ trưởng ký", "permission": p.can_submit_to_head,
     "guards": [g.has_nominations, g.has_required_documents],
     "topic": "dossier.submitted_to_head", "notify": ["unit_heads"]},
    {"trigger": "send_back", "source": S.AWAITING_HEAD, "dest": S.DRAFT,
     "label": "Trả lại cán bộ soạn", "permission": p.can_sign_off,
     "guards": [g.has_comment],
     "topic": "dossier.sent_back", "notify": ["unit_officers"]},
    {"trigger": "approve_submission", "source": S.AWAITING_HEAD, "dest": S.SUBMITTED,
     "label": "Ký và nộp Phòng Nội vụ", "permission": p.can_sign_off,
     "guards": [g.has_nominations, g.has_required_documents, g.head_signed_off],
     "topic": "dossier.submitted", "notify": ["office", "unit_officers"]},
    {"trigger": "accept", "source": S.SUBMITTED, "dest": S.ACCEPTED,
     "label": "Tiếp nhận hồ sơ", "permission": p.can_review_dossier,
     "guards": [g.has_required_documents],
     "topic": "dossier.accepted", "notify": ["unit_officers", "unit_heads"]},
    # Also from accepted: appraisal can still find a gap; the legal clock then pauses (workflow/deadlines.py).
    {"trigger": "return_for_supplement", "source": [S.SUBMITTED, S.ACCEPTED], "dest": S.RETURNED,
     "label": "Trả lại để bổ sung", "permission": p.can_review_dossier,
     "guards": [g.has_missing_items],
     "topic": "dossier.returned", "notify": ["unit_officers", "unit_heads"]},
    {"trigger": "resubmit", "source": S.RETURNED, "dest": S.SUBMITTED,
     "label": "Nộp lại sau bổ sung", "permission": p.can_resubmit,
     "guards": [g.has_nominations, g.has_required_documents],
     "topic": "dossier.resubmitted", "notify": ["office"]},
    {"trigger": "schedule", "source": S.ACCEPTED, "dest": S.IN_COUNCIL,
     "label": "Đưa ra Hội đồng", "permission": p.can_manage_council_review,
     "guards": [], "topic": "dossier.scheduled", "notify": ["unit_officers"]},
    {"trigger": "skip_council", "source": S.ACCEPTED, "dest": S.AWAITING_DECISION,
     "label": "Trình quyết định (không qua Hội đồng)", "permission": p.can_manage_council_review,
     "guards": [g.council_review_optional], "topic": "dossier.council_skipped", "notify": ["unit_officers"]},
    {"trigger": "close_review", "source": S.IN_COUNCIL, "dest": S.AWAITING_DECISION,
     "label": "Kết thúc xét tại Hội đồng", "permission": p.can_manage_council_review,
     "guards": [g.every_agenda_nomination_has_result], "topic": "dossier.review_closed", "notify": ["chairman"]},
    {"trigger": "decide", "source": S.AWAITING_DECISION, "dest": S.DECIDED,
     "label": "Ký quyết định", "permission": p.can_decide,
     "guards": [], "topic": "dossier.decided", "notify": ["unit_officers", "unit_heads", "office"]},
    {"trigger": "forward", "source": [S.AWAITING_DECISION, S.DECIDED], "dest": S.FORWARDED,
     "label": "Trình cấp trên", "permission": p.can_manage_council_review,
     "guards": [], "topic": "dossier.forwarded", "notify": ["unit_officers", "unit_heads"]},
    {"trigger": "close", "source": [S.DECIDED, S.FORWARDED], "dest": S.CLOSED,
     "label": "Kết thúc hồ sơ", "permission": p.can_manage_council_review,
     "guards": [g.every_nomination_final], "topic": "dossier.closed", "notify": ["unit_officers", "unit_heads"]},
    {"trigger": "withdraw", "source": WITHDRAWABLE, "dest": S.WITHDRAWN,
     "label": "Rút hồ sơ", "permission": p.can_withdraw,
     "guards": [g.has_comment], "topic": "dossier.withdrawn", "notify": ["office", "unit_officers", "unit_heads"]},
    {"trigger": "reject", "source": [S.SUBMITTED, S.ACCEPTED], "dest": S.REJECTED,
     "label": "Không chấp nhận hồ sơ", "permission": p.can_review_dossier,
     "guards": [g.has_reason_category], "topic": "dossier.rejected", "notify": ["unit_officers", "unit_heads"]},
]
