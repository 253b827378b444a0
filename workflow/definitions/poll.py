"""The poll workflow: the council's vote on one agenda item. Starting it freezes who may vote, the approval base
and the threshold; finishing it computes the result; publishing it applies the result to the nomination
(workflow/council/polls.py). The votes themselves are no transitions: they leave no audit entry (docs/DESIGN.md
§3.4)."""
from models.council import Poll
from models.council import PollState as S
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "poll"
ENTITY = Poll
STATES = S.ALL

SERVICES = "workflow.council.polls"

TRANSITIONS = (
    Transition("start", (S.CREATED,), S.STARTED, "Bắt đầu biểu quyết", p.can_manage_polls, "poll.started",
               guards=(g.has_quorum,), asks=(), service=f"{SERVICES}:start_poll"),
    Transition("finish", (S.STARTED,), S.FINISHED, "Kết thúc biểu quyết", p.can_manage_polls, "poll.finished",
               asks=(), style="warning", service=f"{SERVICES}:finish_poll"),
    Transition("publish", (S.FINISHED,), S.PUBLISHED, "Công bố kết quả", p.can_manage_polls, "poll.published",
               asks=(), service=f"{SERVICES}:publish_poll"),
)
