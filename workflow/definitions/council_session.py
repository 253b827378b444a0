"""The council session (phiên họp Hội đồng): scheduled with its agenda, opened by whoever keeps or chairs it (the
quorum is shown, not required: no poll starts without it), closed once no poll is still running."""
from models.council import CouncilSession
from models.council import SessionState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "council_session"
ENTITY = CouncilSession
STATES = S.ALL

SERVICES = "workflow.council.sessions"

TRANSITIONS = (
    Transition("open", (S.SCHEDULED,), S.OPEN, "Khai mạc phiên họp", p.can_preside_council_session,
               "council_session.opened", asks=(), service=f"{SERVICES}:open_session"),
    Transition("close", (S.OPEN,), S.CLOSED, "Bế mạc phiên họp", p.can_preside_council_session,
               "council_session.closed", (), (g.no_poll_running,), asks=(), style="outline-secondary",
               service=f"{SERVICES}:close_session"),
)
