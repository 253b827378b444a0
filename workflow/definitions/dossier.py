"""The dossier (hồ sơ đề nghị) workflow. The dossier's state is the process; its nominations carry the outcomes.

A trigger without a service (the council's review, decision and forwarding steps, until those are built) is part of the
machine but offered to nobody."""
from models.dossier import Dossier
from models.dossier import DossierState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "dossier"
ENTITY = Dossier
STATES = S.ALL

STEPS = "workflow.dossiers.transitions"
COUNCIL = "workflow.council.sessions"

TRANSITIONS = (
    Transition("submit_to_head", (S.DRAFT,), S.AWAITING_HEAD, "Trình Thủ trưởng ký", p.can_submit_to_head,
               "dossier.submitted_to_head", ("unit_heads",),
               (g.authority_in_office, g.has_nominations, g.has_required_documents),
               service=f"{STEPS}:submit_to_head"),
    Transition("send_back", (S.AWAITING_HEAD,), S.DRAFT, "Trả lại cán bộ soạn", p.can_sign_off,
               "dossier.sent_back", ("unit_officers",), (g.has_comment,),
               style="outline-secondary", service=f"{STEPS}:send_back"),
    Transition("approve_submission", (S.AWAITING_HEAD,), S.SUBMITTED, "Ký và nộp Phòng Nội vụ", p.can_sign_off,
               "dossier.submitted", ("office", "unit_officers"),
               (g.authority_in_office, g.has_nominations, g.has_required_documents, g.head_signed_off),
               asks=("sign_off", "comment"), service=f"{STEPS}:approve_submission"),
    Transition("accept", (S.SUBMITTED,), S.ACCEPTED, "Tiếp nhận hồ sơ", p.can_review_dossier,
               "dossier.accepted", ("unit_officers", "unit_heads"), (g.authority_in_office, g.has_required_documents),
               service=f"{STEPS}:accept"),
    # Also from accepted: appraisal can still find a gap; the legal clock then pauses (workflow/dossiers/deadlines.py).
    Transition("return_for_supplement", (S.SUBMITTED, S.ACCEPTED), S.RETURNED, "Trả lại để bổ sung",
               p.can_review_dossier, "dossier.returned", ("unit_officers", "unit_heads"),
               (g.has_missing_items, g.within_first_return_list),
               asks=("missing_items", "comment"), style="warning", service=f"{STEPS}:return_for_supplement"),
    Transition("resubmit", (S.RETURNED,), S.SUBMITTED, "Nộp lại sau bổ sung", p.can_resubmit,
               "dossier.resubmitted", ("office",),
               (g.authority_in_office, g.has_nominations, g.has_required_documents, g.every_asked_item_supplied),
               asks=("explanations", "comment"), service=f"{STEPS}:resubmit"),
    # Onto the agenda of a session already scheduled (chosen in the dialog); the session page schedules new ones.
    Transition("schedule", (S.ACCEPTED,), S.IN_COUNCIL, "Đưa ra Hội đồng", p.can_manage_council_sessions,
               "dossier.scheduled", ("unit_officers", "council_members"), (g.has_eligible_nominations,),
               asks=("council_session_id",), service=f"{COUNCIL}:schedule"),
    Transition("skip_council", (S.ACCEPTED,), S.AWAITING_DECISION, "Trình quyết định (không qua Hội đồng)",
               p.can_manage_council_review, "dossier.council_skipped", ("unit_officers",),
               (g.council_review_optional,), service=f"{COUNCIL}:skip_council"),
    # Fired by publishing the last poll on the dossier's nominations (workflow/council/polls.py), or pressed.
    Transition("close_review", (S.IN_COUNCIL,), S.AWAITING_DECISION, "Kết thúc xét tại Hội đồng",
               p.can_record_council_result, "dossier.review_closed", ("chairman",),
               (g.every_agenda_nomination_has_result,), service="workflow.council.polls:close_review"),
    # Fired by signing a decision on the dossier's nominations (workflow/decisions/signing.py).
    Transition("decide", (S.AWAITING_DECISION,), S.DECIDED, "Ký quyết định", p.can_decide,
               "dossier.decided", ("unit_officers", "unit_heads", "office")),
    Transition("forward", (S.AWAITING_DECISION, S.DECIDED), S.FORWARDED, "Trình cấp trên",
               p.can_manage_council_review, "dossier.forwarded", ("unit_officers", "unit_heads")),
    # Fired by signing the decision that leaves no nomination of the dossier open (workflow/decisions/signing.py).
    Transition("close", (S.DECIDED, S.FORWARDED), S.CLOSED, "Kết thúc hồ sơ", p.can_close_dossier,
               "dossier.closed", ("unit_officers", "unit_heads"), (g.every_nomination_final,)),
    Transition("withdraw", S.WITHDRAWABLE, S.WITHDRAWN, "Rút hồ sơ", p.can_withdraw,
               "dossier.withdrawn", ("office", "unit_officers", "unit_heads"), (g.has_comment,),
               style="outline-danger", service=f"{STEPS}:withdraw"),
    Transition("reject", (S.SUBMITTED, S.ACCEPTED), S.REJECTED, "Không chấp nhận hồ sơ", p.can_review_dossier,
               "dossier.rejected", ("unit_officers", "unit_heads"), (g.has_reason_category,),
               asks=("reason", "comment"), style="danger", service=f"{STEPS}:reject"),
)
