"""The decision (Quyết định khen thưởng): the standing office drafts it from approved nominations and sends it for
signature; the chairman (or a deputy chairman for him) sends it back with a comment or signs it, which numbers it,
awards its nominations and writes the registry in the same transaction (workflow/decisions/signing.py); the office
then publishes it. A signed or published decision can be revoked, with the reason; that service is not built yet.

Audiences are resolved through a dossier (workflow/notify/audiences.py) and a decision spans several, so its own
events name none: the units hear of it through each nomination's `award` and each dossier's `decide`."""
from models.decision import Decision
from models.decision import DecisionState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "decision"
ENTITY = Decision
STATES = S.ALL

SERVICES = "workflow.decisions.signing"

TRANSITIONS = (
    Transition("submit_for_signature", (S.DRAFT,), S.AWAITING_SIGNATURE, "Trình ký quyết định",
               p.can_draft_decision, "decision.submitted_for_signature", (), (g.has_decision_items,),
               service=f"{SERVICES}:submit_for_signature"),
    Transition("send_back", (S.AWAITING_SIGNATURE,), S.DRAFT, "Trả lại dự thảo", p.can_decide,
               "decision.sent_back", (), (g.has_comment,), style="outline-secondary",
               service=f"{SERVICES}:send_back"),
    Transition("sign", (S.AWAITING_SIGNATURE,), S.SIGNED, "Ký quyết định", p.can_decide, "decision.signed", (),
               (g.signer_capacity_known, g.decided_in_office), asks=("capacity",),
               service=f"{SERVICES}:sign_decision"),
    Transition("publish", (S.SIGNED,), S.PUBLISHED, "Ban hành quyết định", p.can_draft_decision,
               "decision.published", asks=(), service=f"{SERVICES}:publish"),
    Transition("revoke", (S.SIGNED, S.PUBLISHED), S.REVOKED, "Hủy quyết định", p.can_decide, "decision.revoked", (),
               (g.has_comment,), style="outline-danger"),
)
