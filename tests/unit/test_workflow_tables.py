"""Every (state × trigger) pair of each workflow, against tables written out here from the process the README
describes (DESIGN §2 of the brief): a legal pair moves to its destination and leaves one audit entry and one outbox
event; every other pair is refused and leaves nothing. The tables are not read from the definitions, so a wrong
destination, a missing source or a missing trigger in workflow/definitions/ fails here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, OutboxMessage, db
from tests.workflow_helpers import (
    PASSING_CONTEXT,
    PASSING_DATA,
    audit_and_outbox_counts,
    changes_for,
    council_session_in_state,
    decision_in_state,
    dossier_in_state,
    identity_match_in_state,
    initiative_in_state,
    nomination_in_state,
    permitted_actor,
    poll_in_state,
)
from workflow.core.engine import fire
from workflow.core.errors import TransitionNotAllowed
from workflow.core.machines import COUNCIL_SESSION, DECISION, DOSSIER, IDENTITY_MATCH, INITIATIVE, NOMINATION, POLL

# state → {trigger: destination}; every trigger not listed for a state is refused there.
DOSSIER_TABLE = {
    "draft": {"submit_to_head": "awaiting_head", "withdraw": "withdrawn"},
    "awaiting_head": {"send_back": "draft", "approve_submission": "submitted", "withdraw": "withdrawn"},
    "submitted": {
        "accept": "accepted",
        "return_for_supplement": "returned",
        "withdraw": "withdrawn",
        "reject": "rejected",
    },
    "returned": {"resubmit": "submitted", "withdraw": "withdrawn"},
    # Appraisal may still find a gap after acceptance: return_for_supplement from accepted too.
    "accepted": {
        "schedule": "in_council",
        "skip_council": "awaiting_decision",
        "return_for_supplement": "returned",
        "withdraw": "withdrawn",
        "reject": "rejected",
    },
    "in_council": {"close_review": "awaiting_decision"},
    "awaiting_decision": {"decide": "decided", "forward": "forwarded"},
    "decided": {"forward": "forwarded", "close": "closed"},
    "forwarded": {"close": "closed"},
    "closed": {},
    "withdrawn": {},
    "rejected": {},
}
NOMINATION_TABLE = {
    "proposed": {"find_eligible": "eligible", "find_ineligible": "ineligible", "withdraw": "withdrawn"},
    "eligible": {
        "find_ineligible": "ineligible",
        "reappraise": "proposed",
        "approve": "approved",
        "not_approve": "not_approved",
        "withdraw": "withdrawn",
    },
    "ineligible": {"reappraise": "proposed", "withdraw": "withdrawn"},
    "approved": {"award": "awarded", "forward": "forwarded"},
    "not_approved": {},
    "awarded": {"revoke": "revoked"},
    "forwarded": {"record_higher_award": "awarded_by_higher", "record_higher_decline": "declined_by_higher"},
    "awarded_by_higher": {},
    "declined_by_higher": {},
    "withdrawn": {},
    "revoked": {},
}
IDENTITY_MATCH_TABLE = {
    "pending": {"confirm_identity": "confirmed", "reject_identity": "rejected"},
    "confirmed": {},
    "rejected": {},
}
# A unit proposes; the recognising body's answer, recorded by the standing office, is final.
INITIATIVE_TABLE = {
    "proposed": {"recognise": "recognised", "refuse": "not_recognised"},
    "recognised": {},
    "not_recognised": {},
}
# The council secretary's session: opened (quorum shown, not required), closed once no poll runs.
COUNCIL_SESSION_TABLE = {
    "scheduled": {"open": "open"},
    "open": {"close": "closed"},
    "closed": {},
}
# The vote on one agenda item: started under quorum, finished with its result, published to the nomination.
POLL_TABLE = {
    "created": {"start": "started"},
    "started": {"finish": "finished"},
    "finished": {"publish": "published"},
    "published": {},
}
# The office drafts and sends it for signature; the chairman sends it back (with a comment) or signs it; the office
# publishes it; a signed or published decision can be revoked.
DECISION_TABLE = {
    "draft": {"submit_for_signature": "awaiting_signature"},
    "awaiting_signature": {"send_back": "draft", "sign": "signed"},
    "signed": {"publish": "published", "revoke": "revoked"},
    "published": {"revoke": "revoked"},
    "revoked": {},
}
# trigger → the outbox topic it writes (what webhook subscribers and the e-mail templates are keyed on).
DOSSIER_TOPICS = {
    "submit_to_head": "dossier.submitted_to_head",
    "send_back": "dossier.sent_back",
    "approve_submission": "dossier.submitted",
    "accept": "dossier.accepted",
    "return_for_supplement": "dossier.returned",
    "resubmit": "dossier.resubmitted",
    "schedule": "dossier.scheduled",
    "skip_council": "dossier.council_skipped",
    "close_review": "dossier.review_closed",
    "decide": "dossier.decided",
    "forward": "dossier.forwarded",
    "close": "dossier.closed",
    "withdraw": "dossier.withdrawn",
    "reject": "dossier.rejected",
}
NOMINATION_TOPICS = {
    "find_eligible": "nomination.found_eligible",
    "find_ineligible": "nomination.found_ineligible",
    "reappraise": "nomination.reappraised",
    "approve": "nomination.approved",
    "not_approve": "nomination.not_approved",
    "award": "nomination.awarded",
    "forward": "nomination.forwarded",
    "record_higher_award": "nomination.awarded_by_higher",
    "record_higher_decline": "nomination.declined_by_higher",
    "withdraw": "nomination.withdrawn",
    "revoke": "nomination.revoked",
}
IDENTITY_MATCH_TOPICS = {"confirm_identity": "identity_match.confirmed", "reject_identity": "identity_match.rejected"}
INITIATIVE_TOPICS = {"recognise": "initiative.recognised", "refuse": "initiative.not_recognised"}
COUNCIL_SESSION_TOPICS = {"open": "council_session.opened", "close": "council_session.closed"}
POLL_TOPICS = {"start": "poll.started", "finish": "poll.finished", "publish": "poll.published"}
DECISION_TOPICS = {
    "submit_for_signature": "decision.submitted_for_signature",
    "send_back": "decision.sent_back",
    "sign": "decision.signed",
    "publish": "decision.published",
    "revoke": "decision.revoked",
}

CASES = [
    (DOSSIER, DOSSIER_TABLE, DOSSIER_TOPICS),
    (NOMINATION, NOMINATION_TABLE, NOMINATION_TOPICS),
    (IDENTITY_MATCH, IDENTITY_MATCH_TABLE, IDENTITY_MATCH_TOPICS),
    (INITIATIVE, INITIATIVE_TABLE, INITIATIVE_TOPICS),
    (COUNCIL_SESSION, COUNCIL_SESSION_TABLE, COUNCIL_SESSION_TOPICS),
    (POLL, POLL_TABLE, POLL_TOPICS),
    (DECISION, DECISION_TABLE, DECISION_TOPICS),
]
STATES = [(workflow, state) for workflow, table, _ in CASES for state in table]
# A nomination is withdrawn while its dossier is back with the unit; its other triggers act in council.
NOMINATION_DOSSIER_STATE = {"withdraw": "returned"}


def _row(workflow, state: str, trigger: str):
    if workflow is DOSSIER:
        return dossier_in_state(state)
    if workflow is NOMINATION:
        return nomination_in_state(state, dossier_state=NOMINATION_DOSSIER_STATE.get(trigger, "in_council"))
    if workflow is INITIATIVE:
        return initiative_in_state(state)
    if workflow is COUNCIL_SESSION:
        return council_session_in_state(state)
    if workflow is POLL:
        return poll_in_state(state)
    if workflow is DECISION:
        return decision_in_state(state)
    return identity_match_in_state(state)


@pytest.mark.parametrize(("workflow", "table", "topics"), CASES, ids=[c[0].name for c in CASES])
def test_each_workflow_has_exactly_the_states_and_triggers_of_its_table(workflow, table, topics):
    assert set(workflow.states) == set(table)
    assert sorted(workflow.transitions) == sorted(topics)


@pytest.mark.parametrize(("workflow", "state"), STATES, ids=[f"{w.name}-{s}" for w, s in STATES])
def test_each_trigger_moves_exactly_where_the_process_says(demo, workflow, state):
    """One case per state, covering every trigger of the workflow from that state."""
    table, topics = next((t, tp) for w, t, tp in CASES if w is workflow)
    for trigger in topics:
        row = _row(workflow, state, trigger)
        actor = permitted_actor(workflow, row, trigger)
        assert actor is not None, f"no demo user may fire {trigger}"
        before = audit_and_outbox_counts()
        dest = table[state].get(trigger)
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
        assert event.topic == topics[trigger], trigger
        assert event.payload["audit_id"] == entry.id
        assert db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first().hash == entry.hash
