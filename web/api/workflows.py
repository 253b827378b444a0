"""Workflow definitions as data: states, transitions with their guards, and a Mermaid diagram, for programs that
draw the process or check which trigger comes next."""

from __future__ import annotations

from web.api.auth import api_permission_required
from web.api.blueprint import ApiBlueprint
from web.api.schemas import WorkflowSchema
from workflow.core.diagrams import describe
from workflow.core.machines import WORKFLOWS
from workflow.permissions import can_view_home

blp = ApiBlueprint(
    "api_workflows", __name__, url_prefix="/api/v1/workflows", description="Định nghĩa quy trình (máy trạng thái)."
)
# Unknown names never reach the view: routing answers 404 and the OpenAPI document lists the names.
NAMES = ", ".join(sorted(WORKFLOWS))


@blp.route(f"/<any({NAMES}):name>", methods=["GET"])
@blp.doc(
    summary="Xem định nghĩa quy trình",
    description="Trạng thái, trạng thái đầu và cuối, các chuyển trạng thái (quyền, điều kiện, đối tượng được "
    "thông báo) và sơ đồ Mermaid `stateDiagram-v2` sinh từ chính định nghĩa.",
)
@blp.problems(401, 404)
@api_permission_required(can_view_home)
@blp.response(200, WorkflowSchema)
def get_workflow(name: str):
    return describe(WORKFLOWS[name])
