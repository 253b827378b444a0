"""The movement (phong trào thi đua) workflow: the standing office drafts the launch plan, the authority launches
it (Luật Thi đua, khen thưởng 2022, art. 10–11: the launching body sets its contents, targets and forms) and
every unit of the authority is told; after the final review (tổng kết) the office closes it."""
from models.movement import Movement
from models.movement import MovementState as S
from workflow import permissions as p
from workflow.core.messages import msg
from workflow.core.transition import Transition

NAME = "movement"
ENTITY = Movement
STATES = S.ALL

SERVICES = "workflow.movements.transitions"


def plan_ready(movement, facts) -> list[str]:
    """A plan is launched with its period and at least one content item, each with a target to measure it by."""
    problems = []
    if movement.period_start is None or movement.period_end is None:
        problems.append(msg("Kế hoạch chưa có thời gian thực hiện (từ ngày, đến ngày)."))
    contents = movement.contents or []
    if not contents:
        problems.append(msg("Kế hoạch chưa có nội dung thi đua nào: thêm ít nhất một nội dung với chỉ tiêu."))
    for number, item in enumerate(contents, start=1):
        if not item.get("targets"):
            problems.append(msg("Nội dung %(number)s chưa có chỉ tiêu, tiêu chí.", number=number))
    return problems


TRANSITIONS = (
    Transition("launch", (S.DRAFT,), S.LAUNCHED, "Phát động phong trào", p.can_manage_movement,
               "movement.launched", ("movement_units",), (plan_ready,), asks=(), service=f"{SERVICES}:launch"),
    Transition("close", (S.LAUNCHED,), S.CLOSED, "Kết thúc phong trào", p.can_manage_movement,
               "movement.closed", ("movement_units",), asks=("comment",), style="outline-secondary",
               service=f"{SERVICES}:close"),
)
