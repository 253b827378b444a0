"""The initiative workflow: a unit proposes an initiative or research work for its authority's register; the
standing office records the recognising body's answer, with the decision and the scope of effect, or a refusal.
Only a recognised initiative counts for E4, E6 and E7."""
from models.dossier import Initiative
from models.dossier import InitiativeState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "initiative"
ENTITY = Initiative
STATES = S.ALL

SERVICES = "workflow.registry.initiatives"

TRANSITIONS = (
    Transition("recognise", (S.PROPOSED,), S.RECOGNISED, "Ghi nhận quyết định công nhận", p.can_record_recognition,
               "initiative.recognised", asks=(), service=f"{SERVICES}:recognise"),
    Transition("refuse", (S.PROPOSED,), S.NOT_RECOGNISED, "Ghi nhận không được công nhận", p.can_record_recognition,
               "initiative.not_recognised", (), (g.has_comment,), style="outline-danger",
               service=f"{SERVICES}:refuse"),
)
