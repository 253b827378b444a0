"""Random sequences of triggers by random demo users never break the engine's invariants."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from models import AuditEntry, Dossier, OutboxMessage, User, db
from models.dossier import DossierState
from workflow.core.audit import verify_chain
from workflow.core.engine import Action, perform
from workflow.core.errors import DomainError
from workflow.core.machines import DOSSIER

USERNAMES = ["canbo.pleikan", "truong.pleikan", "canbo.dakxu", "noivu", "thuky", "chutich", "uyvien2", "admin"]
TRIGGERS = sorted(DOSSIER.transitions)
COMMENTS = st.sampled_from(["", "Bổ sung báo cáo thành tích", "  "])
MISSING = st.lists(st.sampled_from(["Tờ trình", "Biên bản họp xét", ""]), max_size=2)
REASONS = st.sampled_from([None, "criteria_not_met", "khác"])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class DossierLife(RuleBasedStateMachine):
    def __init__(self, make_dossier):
        super().__init__()
        self.dossier = make_dossier(nominees=("Nguyễn Văn An",))
        self.audit = _count(AuditEntry)
        self.outbox = _count(OutboxMessage)
        self.users = {name: db.session.scalar(select(User).where(User.username == name)) for name in USERNAMES}

    @rule(data=st.data(), comment=COMMENTS, missing=MISSING, reason=REASONS, sign_off=st.booleans())
    def fire_something(self, data, comment, missing, reason, sign_off):
        # Mostly a legal trigger by someone allowed to fire it, so that runs go deep; sometimes anything at all.
        legal = DOSSIER.triggers_from(self.dossier.state)
        trigger = data.draw(
            st.sampled_from(legal) if legal and data.draw(st.integers(0, 4)) else st.sampled_from(TRIGGERS)
        )
        allowed = [n for n, u in self.users.items() if DOSSIER.transitions[trigger].permission(u, self.dossier)]
        username = data.draw(
            st.sampled_from(allowed) if allowed and data.draw(st.integers(0, 4)) else st.sampled_from(USERNAMES)
        )
        stale = data.draw(st.integers(0, 5)) == 0
        version = self.dossier.version - 1 if stale else self.dossier.version
        before = self.dossier.state
        try:
            perform(
                db.session,
                Action(DOSSIER, self.dossier, trigger),
                actor=self.users[username],
                version=version,
                inputs={"comment": comment, "missing_items": missing, "reason": reason, "sign_off": sign_off},
            )
            db.session.commit()
        except DomainError:
            db.session.rollback()
            assert db.session.get(Dossier, self.dossier.id).state == before
            return
        # A stale version can never succeed.
        assert not stale
        spec = DOSSIER.transitions[trigger]
        assert self.dossier.state == spec.dest
        self.audit += 1
        self.outbox += 1

    @precondition(lambda self: self.dossier.state == DossierState.RETURNED)
    @rule()
    def unit_supplies_a_document(self):
        from tests.conftest import upload_missing

        upload_missing(self.dossier, self.users["canbo.pleikan"])
        db.session.commit()
        self.audit = _count(AuditEntry)

    @invariant()
    def state_is_known(self):
        assert self.dossier.state in DossierState.ALL

    @invariant()
    def one_audit_entry_and_one_event_per_successful_transition_none_for_refused(self):
        assert _count(AuditEntry) == self.audit
        assert _count(OutboxMessage) == self.outbox

    @invariant()
    def audit_chain_verifies(self):
        assert verify_chain(db.session) is None


def test_random_trigger_sequences_keep_the_invariants(make_dossier):
    run_state_machine_as_test(
        lambda: DossierLife(make_dossier),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
