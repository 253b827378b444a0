"""The identity match workflow: a national ID a unit typed belongs to someone outside its own people; the standing
office (or, across authorities, the administrator) says whether it is one person."""
from models.registry import IdentityMatch
from models.registry import IdentityMatchState as S
from workflow import permissions as p
from workflow.definitions import guards as g

NAME = "identity_match"
ENTITY = IdentityMatch
STATES = S.ALL

TRANSITIONS = [
    {"trigger": "confirm_identity", "source": S.PENDING, "dest": S.CONFIRMED,
     "label": "Xác nhận là cùng một người", "permission": p.can_resolve_identity_match, "guards": [],
     "topic": "identity_match.confirmed", "notify": []},
    {"trigger": "reject_identity", "source": S.PENDING, "dest": S.REJECTED,
     "label": "Không phải cùng một người", "permission": p.can_resolve_identity_match, "guards": [g.has_comment],
     "topic": "identity_match.rejected", "notify": ["unit_officers"]},
]
