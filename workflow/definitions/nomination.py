"""The nomination workflow (one nominee × one title). Its state is the outcome."""
from models.dossier import Nomination
from models.dossier import NominationState as S
from workflow import permissions as p
from workflow.definitions import guards as g

NAME = "nomination"
ENTITY = Nomination
STATES = S.ALL

TRANSITIONS = [
    {"trigger": "find_eligible", "source": S.PROPOSED, "dest": S.ELIGIBLE,
     "label": "Đủ điều kiện", "permission": p.can_appraise, "guards": [],
     "topic": "nomination.found_eligible", "notify": []},
    {"trigger": "find_ineligible", "source": [S.PROPOSED, S.ELIGIBLE], "dest": S.INELIGIBLE,
     "label": "Không đủ điều kiện", "permission": p.can_appraise, "guards": [g.has_reason_category],
     "topic": "nomination.found_ineligible", "notify": ["unit_officers"]},
    {"trigger": "reappraise", "source": [S.ELIGIBLE, S.INELIGIBLE], "dest": S.PROPOSED,
     "label": "Thẩm định lại", "permission": p.can_appraise, "guards": [g.has_comment],
     "topic": "nomination.reappraised", "notify": []},
    {"trigger": "approve", "source": S.ELIGIBLE, "dest": S.APPROVED,
     "label": "Hội đồng thông qua", "permission": p.can_manage_council_review, "guards": [],
     "topic": "nomination.approved", "notify": []},
    {"trigger": "not_approve", "source": S.ELIGIBLE, "dest": S.NOT_APPROVED,
     "label": "Hội đồng không thông qua", "permission": p.can_manage_council_review,
     "guards": [g.has_reason_category], "topic": "nomination.not_approved", "notify": ["unit_officers"]},
    {"trigger": "award", "source": S.APPROVED, "dest": S.AWARDED,
     "label": "Khen thưởng", "permission": p.can_decide, "guards": [],
     "topic": "nomination.awarded", "notify": ["unit_officers"]},
    {"trigger": "forward", "source": S.APPROVED, "dest": S.FORWARDED,
     "label": "Trình cấp trên", "permission": p.can_manage_council_review, "guards": [],
     "topic": "nomination.forwarded", "notify": ["unit_officers"]},
    {"trigger": "record_higher_award", "source": S.FORWARDED, "dest": S.AWARDED_BY_HIGHER,
     "label": "Cấp trên khen thưởng", "permission": p.can_manage_council_review, "guards": [],
     "topic": "nomination.awarded_by_higher", "notify": ["unit_officers"]},
    {"trigger": "record_higher_decline", "source": S.FORWARDED, "dest": S.DECLINED_BY_HIGHER,
     "label": "Cấp trên không khen thưởng", "permission": p.can_manage_council_review,
     "guards": [g.has_reason_category], "topic": "nomination.declined_by_higher", "notify": ["unit_officers"]},
    {"trigger": "withdraw", "source": [S.PROPOSED, S.ELIGIBLE, S.INELIGIBLE], "dest": S.WITHDRAWN,
     "label": "Rút đề nghị", "permission": p.can_edit_dossier, "guards": [],
     "topic": "nomination.withdrawn", "notify": []},
    {"trigger": "revoke", "source": [S.AWARDED], "dest": S.REVOKED,
     "label": "Hủy khen thưởng", "permission": p.can_decide, "guards": [g.has_comment],
     "topic": "nomination.revoked", "notify": ["unit_officers", "unit_heads"]},
]
