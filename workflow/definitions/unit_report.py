"""The yearly unit report of a movement: the unit submits its report to the council through the standing office,
which reviews it or returns it with a reason; a returned report is submitted again."""

from models.movement import ReportState as S
from models.movement import UnitReport
from workflow import permissions as p
from workflow.core.transition import Transition
from workflow.definitions import guards as g

NAME = "unit_report"
ENTITY = UnitReport
STATES = S.ALL

SERVICES = "workflow.movements.reports"

TRANSITIONS = (
    Transition(
        "submit_report",
        (S.DUE, S.RETURNED),
        S.SUBMITTED,
        "Gửi báo cáo",
        p.can_submit_unit_report,
        "unit_report.submitted",
        asks=(),
        service=f"{SERVICES}:submit",
    ),
    Transition(
        "review_report",
        (S.SUBMITTED,),
        S.REVIEWED,
        "Xác nhận đã xem xét",
        p.can_review_unit_report,
        "unit_report.reviewed",
        asks=(),
        service=f"{SERVICES}:review",
    ),
    Transition(
        "return_report",
        (S.SUBMITTED,),
        S.RETURNED,
        "Trả lại để bổ sung",
        p.can_review_unit_report,
        "unit_report.returned",
        (),
        (g.has_comment,),
        style="warning",
        service=f"{SERVICES}:return_report",
    ),
)
