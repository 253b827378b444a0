"""The identity match workflow: a national ID a unit typed belongs to someone outside its own people; the standing
office (or, across authorities, the administrator) says whether it is one person."""
from models.registry import IdentityMatch
from models.registry import IdentityMatchState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "identity_match"
ENTITY = IdentityMatch
STATES = S.ALL

TRANSITIONS = (
    Transition("confirm_identity", (S.PENDING,), S.CONFIRMED, "Cùng một người: nối với lịch sử khen thưởng",
               p.can_resolve_identity_match, "identity_match.confirmed", asks=(),
               service="workflow.registry.identity:confirm_identity"),
    Transition("reject_identity", (S.PENDING,), S.REJECTED, "Hai người khác nhau: yêu cầu đơn vị kiểm tra lại",
               p.can_resolve_identity_match, "identity_match.rejected", ("unit_officers",), (g.has_comment,),
               style="outline-danger", service="workflow.registry.identity:reject_identity"),
)
