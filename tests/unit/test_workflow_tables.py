"""Every (state × trigger) pair of each definition: legal pairs move to their destination and leave one audit
entry and one outbox event; every other pair is refused and leaves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, OutboxMessage, db
from tests.workflow_helpers import (
    PASSING_CONTEXT,
    PASSING_DATA,
    audit_and_outbox_counts,
    changes_for,
    dossier_in_state,
    nomination_in_state,
    permitted_actor,
)
from workflow.core.engine import fire
from workflow.core.errors import TransitionNotAllowed
from workflow.core.machines import DOSSIER, NOMINATION


def _expected(workflow, state: str, trigger: str) -> str | None:
    spec = workflow.specs[trigger]
    sources = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
    return spec["dest"] if state in sources else None


STATES = [(DOSSIER, state) for state in DOSSIER.states] + [(NOMINATION, state) for state in NOMINATION.states]
# A nomination is withdrawn while its dossier is back with the unit; its other triggers act in council.
NOMINATION_DOSSIER_STATE = {"withdraw": "returned"}


def _row(workflow, state: str, trigger: str):
    if workflow is DOSSIER:
        return dossier_in_state(state)
    return nomination_in_state(state, dossier_state=NOMINATION_DOSSIER_STATE.get(trigger, "in_council"))


@pytest.mark.parametrize(("workflow", "state"), STATES, ids=[f"{w.name}-{s}" for w, s in STATES])
def test_each_trigger_moves_exactly_where_the_definition_says(demo, workflow, state):
    """One case per state, covering every trigger of the definition from that state."""
    for trigger in workflow.specs:
        row = _row(workflow, state, trigger)
        actor = permitted_actor(workflow, row, trigger)
        assert actor is not None, f"no demo user may fire {trigger}"
        before = audit_and_outbox_counts()
        dest = _expected(workflow, state, trigger)
        kwargs = {
            "actor": actor,
            "data": PASSING_DATA,
            "context": PASSING_CONTEXT,
            "changes": changes_for(workflow, trigger, row),
        }

        if dest is None:
            with pytest.raises(TransitionNotAllowed) as refused:
                fire(workflow, row, trigger, **kwargs)
            db.session.rollback()
            assert trigger not in refused.value.allowed, trigger
            assert db.session.get(type(row), row.id).state == state, trigger
            assert audit_and_outbox_counts() == before, trigger
            continue

        entry = fire(workflow, row, trigger, **kwargs)
        db.session.commit()
        assert db.session.get(type(row), row.id).state == dest, trigger
        assert (entry.from_state, entry.to_state, entry.action, entry.actor_id) == (state, dest, trigger, actor.id)
        assert audit_and_outbox_counts() == (before[0] + 1, before[1] + 1), trigger
        event = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert event.topic == workflow.specs[trigger]["topic"]
        assert event.payload["audit_id"] == entry.id
        assert db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first().hash == entry.hash


def test_every_state_of_each_definition_is_reachable_or_initial():
    for workflow, initial in ((DOSSIER, "draft"), (NOMINATION, "proposed")):
        destinations = {spec["dest"] for spec in workflow.specs.values()}
        assert set(workflow.states) == destinations | {initial}


def test_every_trigger_has_a_permission_and_a_topic():
    for workflow in (DOSSIER, NOMINATION):
        for trigger, spec in workflow.specs.items():
            assert callable(spec["permission"]), trigger
            assert spec["topic"].startswith(f"{workflow.name}."), trigger
