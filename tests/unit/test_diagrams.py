"""Mermaid text drawn from the workflow definitions: every transition, the start and the ends, safe labels."""

from __future__ import annotations

import pytest

from models import Dossier
from workflow.core.diagrams import describe, final_states, initial_state, mermaid, transition_rows
from workflow.core.machines import DOSSIER, NOMINATION, Workflow
from workflow.core.transition import Transition


def edges(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for line in text.splitlines()[1:]:
        if " --> " in line and ": " in line:
            arrow, label = line.strip().split(": ", 1)
            source, dest = arrow.split(" --> ")
            found.add((source, dest, label))
    return found


@pytest.mark.parametrize("workflow", [DOSSIER, NOMINATION])
def test_every_transition_is_drawn_once_per_source(workflow):
    expected = {
        (source, spec.dest, trigger)
        for trigger, spec in workflow.transitions.items()
        for source in spec.sources
    }
    text = mermaid(workflow)
    assert text.startswith("stateDiagram-v2\n")
    assert edges(text) == expected
    assert len(text.splitlines()) == 1 + 1 + len(expected) + len(final_states(workflow))


def test_the_dossier_starts_as_a_draft_and_ends_closed_withdrawn_or_rejected():
    assert initial_state(DOSSIER) == "draft"
    assert final_states(DOSSIER) == ["closed", "withdrawn", "rejected"]
    text = mermaid(DOSSIER)
    assert "    [*] --> draft\n" in text
    assert all(f"    {state} --> [*]\n" in text for state in ("closed", "withdrawn", "rejected"))


def test_the_nomination_starts_proposed():
    assert initial_state(NOMINATION) == "proposed"
    assert "revoked" in final_states(NOMINATION) and "awarded" not in final_states(NOMINATION)


def test_people_get_vietnamese_labels_with_mermaid_syntax_removed():
    records = {"go": Transition("go", ("draft",), "closed", 'Đi: "nhanh"; #1', lambda user, row: True, "x.went")}
    workflow = Workflow("test", Dossier, None, ("draft", "closed"), records)
    text = mermaid(workflow, state_labels={"draft": 'Đang "soạn"'}, edge_labels="label")
    assert '    state "Đang soạn" as draft\n' in text
    assert "    draft --> closed: Đi nhanh 1\n" in text


def test_transition_rows_name_predicates_guards_and_audiences():
    row = next(r for r in transition_rows(DOSSIER) if r["trigger"] == "approve_submission")
    assert row == {
        "trigger": "approve_submission",
        "source": ["awaiting_head"],
        "dest": "submitted",
        "label": "Ký và nộp Phòng Nội vụ",
        "topic": "dossier.submitted",
        "permission": "can_sign_off",
        "guards": ["authority_in_office", "has_nominations", "has_required_documents", "head_signed_off"],
        "notify": ["office", "unit_officers"],
        "asks": ["sign_off", "comment"],
        "offered": True,
    }


def test_describe_holds_everything_a_program_needs():
    described = describe(NOMINATION)
    assert set(described) == {"name", "states", "initial", "final", "transitions", "mermaid"}
    assert described["states"] == list(NOMINATION.states)
    assert [t["trigger"] for t in described["transitions"]] == list(NOMINATION.transitions)
