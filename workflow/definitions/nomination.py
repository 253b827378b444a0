"""The nomination workflow (one nominee × one title). Its state is the outcome.

No trigger here is a button yet: appraisal (workflow/dossiers/appraisal.py) fires find_eligible, find_ineligible
and reappraise from its own page, removing a nominee after submission fires withdraw, a published council poll
fires approve or not_approve (workflow/council/polls.py), and the decision steps come with that capability."""
from models.dossier import Nomination
from models.dossier import NominationState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "nomination"
ENTITY = Nomination
STATES = S.ALL

TRANSITIONS = (
    Transition("find_eligible", (S.PROPOSED,), S.ELIGIBLE, "Đủ điều kiện", p.can_appraise,
               "nomination.found_eligible"),
    Transition("find_ineligible", (S.PROPOSED, S.ELIGIBLE), S.INELIGIBLE, "Không đủ điều kiện", p.can_appraise,
               "nomination.found_ineligible", ("unit_officers",), (g.has_reason_category,)),
    Transition("reappraise", (S.ELIGIBLE, S.INELIGIBLE), S.PROPOSED, "Thẩm định lại", p.can_appraise,
               "nomination.reappraised", (), (g.has_comment,)),
    Transition("approve", (S.ELIGIBLE,), S.APPROVED, "Hội đồng thông qua", p.can_record_council_result,
               "nomination.approved"),
    Transition("not_approve", (S.ELIGIBLE,), S.NOT_APPROVED, "Hội đồng không thông qua",
               p.can_record_council_result, "nomination.not_approved", ("unit_officers",), (g.has_reason_category,)),
    Transition("award", (S.APPROVED,), S.AWARDED, "Khen thưởng", p.can_decide,
               "nomination.awarded", ("unit_officers",)),
    Transition("forward", (S.APPROVED,), S.FORWARDED, "Trình cấp trên", p.can_manage_council_review,
               "nomination.forwarded", ("unit_officers",)),
    Transition("record_higher_award", (S.FORWARDED,), S.AWARDED_BY_HIGHER, "Cấp trên khen thưởng",
               p.can_manage_council_review, "nomination.awarded_by_higher", ("unit_officers",)),
    Transition("record_higher_decline", (S.FORWARDED,), S.DECLINED_BY_HIGHER, "Cấp trên không khen thưởng",
               p.can_manage_council_review, "nomination.declined_by_higher", ("unit_officers",),
               (g.has_reason_category,)),
    Transition("withdraw", (S.PROPOSED, S.ELIGIBLE, S.INELIGIBLE), S.WITHDRAWN, "Rút đề nghị", p.can_edit_dossier,
               "nomination.withdrawn"),
    Transition("revoke", (S.AWARDED,), S.REVOKED, "Hủy khen thưởng", p.can_decide,
               "nomination.revoked", ("unit_officers", "unit_heads"), (g.has_comment,)),
)
