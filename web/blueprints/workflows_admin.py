"""The administrator's view of the workflows: each definition drawn as a diagram and listed as a table, both
generated from the definitions themselves, so what the page shows is what the engine enforces."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from web.access import permission_required
from web.filters import NOMINATION_LABELS, STATE_LABELS
from workflow.core.diagrams import final_states, initial_state, mermaid, transition_rows
from workflow.core.machines import DOSSIER, NOMINATION
from workflow.permissions import can_administer

bp = Blueprint("workflows_admin", __name__, url_prefix="/admin/workflows")

# (workflow, heading, state labels)
SHOWN = (
    (DOSSIER, _l("Hồ sơ đề nghị khen thưởng"), STATE_LABELS),
    (NOMINATION, _l("Từng người/tập thể được đề nghị"), NOMINATION_LABELS),
)


@bp.get("")
@permission_required(can_administer)
def index():
    workflows = [
        {
            "name": workflow.name,
            "heading": heading,
            "state_labels": labels,
            "initial": initial_state(workflow),
            "final": final_states(workflow),
            "diagram": mermaid(
                workflow, state_labels={state: str(label) for state, label in labels.items()}, edge_labels="label"
            ),
            "rows": transition_rows(workflow),
        }
        for workflow, heading, labels in SHOWN
    ]
    return render_template("admin/workflows.html", workflows=workflows)
