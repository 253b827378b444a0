"""Who may open each route, written out here as a table (route → roles), not read from the views' own predicates:
a view guarded by the wrong predicate fails. Anonymous users are sent to login (the API answers 401); every role
outside a route's row gets 403, every role inside it gets past the check. The sample objects belong to Plei Kần,
a unit of Ngọc Hồi, and the sample dossier is a draft."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import url_for
from sqlalchemy import select

from config import TestingConfig
from models import (
    AgendaItem,
    Council,
    CouncilSession,
    Decision,
    IdentityMatch,
    Inspection,
    Job,
    Movement,
    MovementRegistration,
    Poll,
    UnitReport,
    db,
)
from tests.conftest import AuthActions, csrf_token_from
from web import create_app
from workflow.accounts.tokens import issue_token
from workflow.registry import initiatives as register

# The demo user who plays each role against the Plei Kần samples.
ACTORS = {
    "officer": "canbo.pleikan",  # unit officer of the sample dossier's unit
    "head": "truong.pleikan",  # its unit head
    "other_unit": "canbo.dakxu",  # unit officer of another unit of the same district
    "office": "noivu",  # the standing office (Phòng Nội vụ)
    "secretary": "thuky",  # the council's secretary
    "member": "uyvien2",  # a council member and nothing else
    "chairman": "chutich",  # the chairman (also a council member)
    "admin": "admin",
}
EVERYONE = frozenset(ACTORS)
UNIT_PEOPLE = frozenset({"officer", "head", "other_unit"})
SEES_DOSSIER = frozenset({"officer", "head", "office", "secretary", "chairman"})
LISTS_DOSSIERS = SEES_DOSSIER | {"other_unit"}
EDITS_DRAFT = frozenset({"officer"})
CREATES = frozenset({"officer", "other_unit"})
SEARCHES_REGISTRY = LISTS_DOSSIERS | {"admin"}
SEES_PERSON = SEES_DOSSIER | {"admin"}
KEEPS_REGISTRY = frozenset({"office", "admin"})
READS_RULES = frozenset({"office", "secretary", "admin"})
# The sample initiative is a Plei Kần proposal: its unit and the district's readers see it; the office records.
SEES_INITIATIVE = frozenset({"officer", "head", "office", "secretary", "chairman", "admin"})
RECORDS_RECOGNITION = frozenset({"office"})
# The standing office sends its authority's cases upward and records the answer (the sample nomination is a draft's).
FORWARDS = frozenset({"office"})
KEEPS_UNITS = frozenset({"office", "admin"})  # the sample unit is of the office's own authority
ADMIN = frozenset({"admin"})
RUNS_POLLS = frozenset({"secretary", "chairman"})  # the council's secretary and its chair
VOTES = frozenset({"member", "chairman"})
# The sample session is the district council's: its secretary and the office keep it, the chairman opens and closes
# it too, and its members read it.
KEEPS_SESSIONS = frozenset({"office", "secretary"})
PRESIDES = KEEPS_SESSIONS | {"chairman"}
SEES_SESSION = PRESIDES | {"member"}
KEEPS_MEMBERS = frozenset({"office", "admin"})
PUBLIC = {
    "static", "auth.login", "api_auth.issue", "api_docs.openapi_json", "api_docs.docs_page",
    "public.comment_index", "public.comment", "public.decisions_index", "public.decision", "public.decision_pdf",
    "api_public.list_public_decisions", "api_public.get_public_decision",
    "health.healthz", "health.readyz", "health.scrape",  # probes: no role; /metrics goes by address or token
}  # fmt: skip
KEEPS_REVOCATIONS = frozenset({"office", "chairman"})
SIGNS = frozenset({"chairman"})
# The office, the secretary and the chairman report on their authority, the administrator on all.
REPORTS = frozenset({"office", "secretary", "chairman", "admin"})


# The sample decision is a draft of Ngọc Hồi with no awardee yet: its office, secretary and chairman read it, the
# office drafts and edits (submitting it for signature is then refused: no awardee, 422).
READS_DECISIONS = frozenset({"office", "secretary", "chairman"})
DRAFTS_DECISIONS = frozenset({"office"})
# The dashboard: the secretary and the office follow their authority's dossiers, the administrator every one.
FOLLOWS_DOSSIERS = frozenset({"secretary", "office", "admin"})

ROUTES: dict[tuple[str, str], frozenset[str]] = {
    ("auth.logout", "POST"): EVERYONE,
    ("account.language", "GET"): EVERYONE,
    ("account.language", "POST"): EVERYONE,
    ("account.tokens", "GET"): EVERYONE,
    ("account.tokens", "POST"): EVERYONE,
    ("home.index", "GET"): EVERYONE,
    ("home.unit", "GET"): UNIT_PEOPLE,
    ("home.office", "GET"): frozenset({"office"}),
    ("home.secretary", "GET"): frozenset({"office", "secretary"}),
    ("dashboard.index", "GET"): FOLLOWS_DOSSIERS,
    ("dashboard.live", "GET"): FOLLOWS_DOSSIERS,
    ("dashboard.holders_xlsx", "GET"): FOLLOWS_DOSSIERS,
    ("home.council", "GET"): frozenset({"member", "chairman"}),
    ("home.chairman", "GET"): frozenset({"chairman"}),
    ("home.admin", "GET"): ADMIN,
    ("dossiers.index", "GET"): LISTS_DOSSIERS,
    ("dossiers.new", "GET"): CREATES,
    ("dossiers.new", "POST"): CREATES,
    ("dossiers.show", "GET"): SEES_DOSSIER,
    ("dossiers.add_nomination", "POST"): EDITS_DRAFT,
    ("dossiers.edit_nomination", "GET"): EDITS_DRAFT,
    ("dossiers.edit_nomination", "POST"): EDITS_DRAFT,
    ("dossiers.remove_nomination", "POST"): EDITS_DRAFT,
    ("dossiers.upload", "POST"): EDITS_DRAFT,
    ("dossiers.remove_document", "POST"): EDITS_DRAFT,
    ("dossiers.reassign_document", "POST"): EDITS_DRAFT,
    ("dossiers.download", "GET"): SEES_DOSSIER,
    # The sample trigger is submit_to_head: the unit officer's alone.
    ("dossiers.act", "POST"): frozenset({"officer"}),
    ("dossiers.timeline", "GET"): SEES_DOSSIER,
    # Only the draft's own officer; on the suite's day the district still exists, so the service then refuses (422).
    ("dossiers.readdress", "POST"): EDITS_DRAFT,
    ("holidays.index", "GET"): ADMIN,
    ("holidays.create", "POST"): ADMIN,
    ("holidays.delete", "POST"): ADMIN,
    ("notifications.index", "GET"): EVERYONE,
    ("notifications.read", "POST"): EVERYONE,
    ("notifications.read_all", "POST"): EVERYONE,
    ("notifications.settings", "GET"): EVERYONE,
    ("notifications.settings", "POST"): EVERYONE,
    ("webhooks_admin.index", "GET"): ADMIN,
    ("webhooks_admin.new", "GET"): ADMIN,
    ("webhooks_admin.new", "POST"): ADMIN,
    ("webhooks_admin.deactivate", "POST"): ADMIN,
    ("webhooks_admin.dead", "GET"): ADMIN,
    ("webhooks_admin.retry", "POST"): ADMIN,
    ("workflows_admin.index", "GET"): ADMIN,
    ("rulesets_admin.index", "GET"): READS_RULES,
    ("rulesets_admin.show", "GET"): READS_RULES,
    ("rulesets_admin.base_salaries", "GET"): READS_RULES,
    ("rulesets_admin.add_base_salary", "POST"): ADMIN,
    ("appraisal.show", "GET"): frozenset({"office", "admin"}),
    ("appraisal.appraise", "POST"): frozenset({"office"}),
    ("appraisal.override", "POST"): frozenset({"office"}),
    ("registry.index", "GET"): SEARCHES_REGISTRY,
    # Whoever reads some of the searched records: the registry's readers are exactly those.
    ("search.index", "GET"): SEARCHES_REGISTRY,
    ("registry.nominee", "GET"): SEES_PERSON,
    ("registry.duplicates", "GET"): KEEPS_REGISTRY,
    ("registry.merge", "POST"): KEEPS_REGISTRY,
    ("registry.matches", "GET"): KEEPS_REGISTRY,
    ("registry.resolve_match", "POST"): KEEPS_REGISTRY,
    ("imports.registry_import", "GET"): KEEPS_REGISTRY,
    ("imports.registry_import", "POST"): KEEPS_REGISTRY,
    ("imports.registry_template", "GET"): KEEPS_REGISTRY,
    ("imports.initiatives_import", "GET"): RECORDS_RECOGNITION,
    ("imports.initiatives_import", "POST"): RECORDS_RECOGNITION,
    ("imports.initiatives_template", "GET"): RECORDS_RECOGNITION,
    ("initiatives.index", "GET"): SEARCHES_REGISTRY,
    ("initiatives.new", "GET"): UNIT_PEOPLE,
    ("initiatives.new", "POST"): UNIT_PEOPLE,
    ("initiatives.show", "GET"): SEES_INITIATIVE,
    ("initiatives.recognise", "POST"): RECORDS_RECOGNITION,
    ("initiatives.refuse", "POST"): RECORDS_RECOGNITION,
    # Movements (issue 14): everyone of the district reads its movement; its standing office drafts and launches.
    ("movements.index", "GET"): EVERYONE,
    ("movements.show", "GET"): EVERYONE,
    ("movements.new", "GET"): RECORDS_RECOGNITION,
    ("movements.new", "POST"): RECORDS_RECOGNITION,
    ("movements.edit", "GET"): RECORDS_RECOGNITION,
    ("movements.edit", "POST"): RECORDS_RECOGNITION,
    ("movements.act", "POST"): RECORDS_RECOGNITION,
    ("imports.dossier_import", "GET"): EDITS_DRAFT,
    ("imports.dossier_import", "POST"): EDITS_DRAFT,
    # The sample job is the office's: the list is everyone's own, a job its owner's alone.
    ("jobs.index", "GET"): EVERYONE,
    ("jobs.show", "GET"): frozenset({"office"}),
    ("jobs.progress", "GET"): frozenset({"office"}),
    ("jobs.download", "GET"): frozenset({"office"}),
    ("imports.dossier_template", "GET"): EDITS_DRAFT,
    ("units.index", "GET"): KEEPS_UNITS,
    ("units.new", "GET"): KEEPS_UNITS,
    ("units.new", "POST"): KEEPS_UNITS,
    ("units.edit", "GET"): KEEPS_UNITS,
    ("units.edit", "POST"): KEEPS_UNITS,
    # Issue 14, inspections and reviews: the review is the authority's office, secretary, chairman and members'.
    ("movement_reviews.show", "GET"): REPORTS | {"member"},
    ("movement_reviews.xlsx", "GET"): REPORTS | {"member"},
    ("movement_reviews.pdf", "GET"): REPORTS | {"member"},
    ("movement_reviews.open_round", "POST"): frozenset({"office"}),
    # Issue 14, the year's pages: the office (and the administrator) follows registrations and reviews reports; the
    # district's units register and report for themselves (the sample movement is a draft: refused with 422; the
    # sample report is Plei Kần's, so Đắk Xú's officer finds none, 404); a report's document and a registration's
    # plan are their unit's and the office's (the samples have none: 404).
    ("movement_units.office_year", "GET"): frozenset({"office", "admin"}),
    ("movement_units.set_dates", "POST"): frozenset({"office", "admin"}),
    ("movement_units.remind", "POST"): frozenset({"office", "admin"}),
    ("movement_units.review", "POST"): frozenset({"office", "admin"}),
    ("movement_units.return_report", "POST"): frozenset({"office", "admin"}),
    ("movement_units.report_document", "GET"): frozenset({"officer", "head", "office", "admin"}),
    ("movement_units.plan_document", "GET"): frozenset({"officer", "head", "office", "admin"}),
    ("movement_units.register", "GET"): UNIT_PEOPLE,
    ("movement_units.register", "POST"): UNIT_PEOPLE,
    ("movement_units.unit_report", "GET"): UNIT_PEOPLE,
    ("movement_units.unit_report", "POST"): UNIT_PEOPLE,
    # Inspections: everyone of the district reads them (a unit only its own), council members record, the
    # inspected unit answers (the sample is Plei Kần's, unanswered).
    ("movement_inspections.index", "GET"): EVERYONE,
    ("movement_inspections.new", "GET"): VOTES,
    ("movement_inspections.new", "POST"): VOTES,
    ("movement_inspections.answer", "POST"): frozenset({"officer", "head"}),
    ("reports.index", "GET"): REPORTS,
    ("reports.show", "GET"): REPORTS,
    ("reports.xlsx", "GET"): REPORTS,
    ("reports.pdf", "GET"): REPORTS,
    ("reports.export", "POST"): REPORTS,
    ("forwarding.index", "GET"): FORWARDS,
    ("forwarding.package", "GET"): FORWARDS,
    ("forwarding.letter", "GET"): FORWARDS,
    ("forwarding.send", "POST"): FORWARDS,
    ("forwarding.sent_package", "GET"): FORWARDS,
    ("forwarding.answer", "POST"): FORWARDS,
    ("council_polls.ballot", "GET"): VOTES,
    ("council_polls.vote", "POST"): VOTES,
    ("council_polls.manage", "GET"): RUNS_POLLS,
    ("council_polls.live", "GET"): RUNS_POLLS,
    ("council_polls.create", "POST"): RUNS_POLLS,
    ("council_polls.act", "POST"): RUNS_POLLS,
    ("council_polls.paper", "POST"): RUNS_POLLS,
    ("council_polls.act_on_all", "POST"): RUNS_POLLS,
    ("council.sessions_index", "GET"): SEES_SESSION,
    ("council.new_session", "GET"): KEEPS_SESSIONS,
    ("council.new_session", "POST"): KEEPS_SESSIONS,
    ("council.show_session", "GET"): SEES_SESSION,
    ("council.attendance", "POST"): KEEPS_SESSIONS,
    ("council.act", "POST"): PRESIDES,
    # Before a poll finishes the documents are refused (422) to those who may read them.
    ("council.minutes_pdf", "GET"): SEES_SESSION,
    ("council.ballot_count_pdf", "GET"): SEES_SESSION,
    ("council.declare_conflict", "POST"): VOTES,
    ("council.members_index", "GET"): KEEPS_MEMBERS,
    ("council.add_member", "POST"): KEEPS_MEMBERS,
    ("council.end_member", "POST"): KEEPS_MEMBERS,
    ("public.comments_received", "GET"): frozenset({"office"}),
    ("revocations.index", "GET"): KEEPS_REVOCATIONS,
    ("revocations.new", "GET"): frozenset({"office"}),
    ("revocations.new", "POST"): frozenset({"office"}),
    ("revocations.sign", "POST"): SIGNS,
    ("decisions.index", "GET"): READS_DECISIONS,
    ("decisions.new", "GET"): DRAFTS_DECISIONS,
    ("decisions.new", "POST"): DRAFTS_DECISIONS,
    ("decisions.show", "GET"): READS_DECISIONS,
    ("decisions.edit", "GET"): DRAFTS_DECISIONS,
    ("decisions.edit", "POST"): DRAFTS_DECISIONS,
    ("decisions.act", "POST"): DRAFTS_DECISIONS,
    ("decisions.decision_pdf", "GET"): READS_DECISIONS,
    ("decisions.decision_docx", "GET"): READS_DECISIONS,
    ("decisions.letter_pdf", "GET"): READS_DECISIONS,
    ("decisions.letter_docx", "GET"): READS_DECISIONS,
    # Before signing a certificate is refused (422) to those who may read the decision.
    ("decisions.certificate", "GET"): READS_DECISIONS,
    # The draft has no signed copy: attaching is refused (422), downloading finds none (404).
    ("decisions.attach_signed_copy", "POST"): DRAFTS_DECISIONS,
    ("decisions.signed_copy_file", "GET"): READS_DECISIONS,
}
API_ROUTES: dict[tuple[str, str], frozenset[str]] = {
    ("api_jobs.list_jobs", "GET"): EVERYONE,
    ("api_jobs.get_job", "GET"): frozenset({"office"}),
    ("api_jobs.job_file", "GET"): frozenset({"office"}),
    ("api_auth.revoke", "DELETE"): EVERYONE,
    ("api_auth.revoke_all", "DELETE"): EVERYONE,
    ("api_notifications.list_notifications", "GET"): EVERYONE,
    ("api_notifications.mark_read", "POST"): EVERYONE,
    ("api_notifications.mark_all_read", "POST"): EVERYONE,
    ("api_notifications.get_preferences", "GET"): EVERYONE,
    ("api_notifications.put_preferences", "PUT"): EVERYONE,
    ("api_dossiers.list_dossiers", "GET"): LISTS_DOSSIERS,
    ("api_dossiers.create_dossier", "POST"): CREATES,
    ("api_dossiers.get_dossier", "GET"): SEES_DOSSIER,
    ("api_dossiers.add_nomination", "POST"): EDITS_DRAFT,
    ("api_dossiers.update_nomination", "PUT"): EDITS_DRAFT,
    ("api_dossiers.upload_document", "POST"): EDITS_DRAFT,
    # Anyone who sees the dossier may ask; the engine then refuses a trigger that is not theirs.
    ("api_dossiers.transition", "POST"): SEES_DOSSIER,
    ("api_dossiers.timeline", "GET"): SEES_DOSSIER,
    ("api_dossiers.readdress", "POST"): EDITS_DRAFT,
    ("api_findings.get_findings", "GET"): SEES_DOSSIER,
    ("api_money.get_nomination_money", "GET"): SEES_DOSSIER,
    ("api_money.get_dossier_money", "GET"): SEES_DOSSIER,
    ("api_past_years.list_past_years", "GET"): SEES_DOSSIER,
    ("api_past_years.put_past_year", "PUT"): EDITS_DRAFT,
    ("api_initiatives.list_initiatives", "GET"): SEARCHES_REGISTRY,
    ("api_initiatives.create_initiative", "POST"): UNIT_PEOPLE,
    ("api_initiatives.get_initiative", "GET"): SEES_INITIATIVE,
    ("api_initiatives.recognise", "POST"): RECORDS_RECOGNITION,
    ("api_initiatives.refuse", "POST"): RECORDS_RECOGNITION,
    ("api_initiatives.import_initiatives", "POST"): RECORDS_RECOGNITION,
    ("api_initiatives.set_nomination_initiatives", "PUT"): EDITS_DRAFT,
    ("api_registry.list_entries", "GET"): SEARCHES_REGISTRY,
    ("api_search.search_records", "GET"): SEARCHES_REGISTRY,
    ("api_registry.import_entries", "POST"): KEEPS_REGISTRY,
    ("api_rulesets.list_rule_sets", "GET"): READS_RULES,
    ("api_rulesets.get_rule_set", "GET"): READS_RULES,
    ("api_units.list_units", "GET"): KEEPS_UNITS,
    ("api_units.create_unit", "POST"): KEEPS_UNITS,
    ("api_units.update_unit", "PATCH"): KEEPS_UNITS,
    ("api_workflows.get_workflow", "GET"): EVERYONE,
    ("api_dashboard.get_dashboard", "GET"): FOLLOWS_DOSSIERS,
    ("api_dashboard.get_holders", "GET"): FOLLOWS_DOSSIERS,
    ("api_dashboard.holders_xlsx", "GET"): FOLLOWS_DOSSIERS,
    ("api_reports.get_report", "GET"): REPORTS,
    ("api_reports.report_xlsx_file", "GET"): REPORTS,
    ("api_reports.report_pdf_file", "GET"): REPORTS,
    ("api_forwarding.list_awaiting", "GET"): FORWARDS,
    ("api_forwarding.list_forwarded", "GET"): FORWARDS,
    ("api_forwarding.preview_package", "GET"): FORWARDS,
    ("api_forwarding.preview_letter", "GET"): FORWARDS,
    ("api_forwarding.forward", "POST"): FORWARDS,
    ("api_forwarding.sent_package", "GET"): FORWARDS,
    ("api_forwarding.record_answer", "POST"): FORWARDS,
    ("api_council.list_sessions", "GET"): SEES_SESSION,
    ("api_council.schedule_session", "POST"): KEEPS_SESSIONS,
    ("api_council.get_session", "GET"): SEES_SESSION,
    ("api_council.put_attendance", "PUT"): KEEPS_SESSIONS,
    ("api_council.session_transition", "POST"): PRESIDES,
    ("api_council.create_polls", "POST"): RUNS_POLLS,
    ("api_council.get_results", "GET"): SEES_SESSION,
    ("api_council.minutes_pdf", "GET"): SEES_SESSION,
    ("api_council.get_poll", "GET"): SEES_SESSION,
    ("api_council.poll_transition", "POST"): RUNS_POLLS,
    # A member for themselves, the secretary and the chair for any member.
    ("api_council.declare_conflict", "POST"): RUNS_POLLS | VOTES,
    ("api_council.enter_paper_totals", "POST"): RUNS_POLLS,
    ("api_council.get_ballot", "GET"): VOTES,
    ("api_council.vote", "POST"): VOTES,
    ("api_revocations.list_revocations", "GET"): KEEPS_REVOCATIONS,
    ("api_revocations.propose", "POST"): frozenset({"office"}),
    ("api_revocations.sign", "POST"): SIGNS,
    ("api_decisions.list_decisions", "GET"): READS_DECISIONS,
    ("api_decisions.create_decision", "POST"): DRAFTS_DECISIONS,
    ("api_decisions.get_decision", "GET"): READS_DECISIONS,
    ("api_decisions.update_decision", "PUT"): DRAFTS_DECISIONS,
    # The chairman signs and sends back, the office submits and publishes: the engine judges each trigger.
    ("api_decisions.transition", "POST"): READS_DECISIONS,
    ("api_decisions.decision_pdf", "GET"): READS_DECISIONS,
    ("api_decisions.decision_docx", "GET"): READS_DECISIONS,
    ("api_decisions.proposal_letter_pdf", "GET"): READS_DECISIONS,
    ("api_decisions.proposal_letter_docx", "GET"): READS_DECISIONS,
    ("api_decisions.certificate_pdf", "GET"): READS_DECISIONS,
    # As on the page: the office attaches the signed copy, every reader of decisions downloads it.
    ("api_decisions.attach_signed_copy", "POST"): DRAFTS_DECISIONS,
    ("api_decisions.signed_copy_file", "GET"): READS_DECISIONS,
    # Movements, as on the pages: the district reads its movement, its office drafts, launches and closes it; the
    # office (and the administrator) follows every unit's registrations and reports, a unit its own; the sample
    # report and inspection are Plei Kần's; council members inspect, the review is the reporters' and members'.
    ("api_movements.list_movements", "GET"): EVERYONE,
    ("api_movements.create_movement", "POST"): frozenset({"office"}),
    ("api_movements.get_movement", "GET"): EVERYONE,
    ("api_movements.update_movement", "PUT"): frozenset({"office"}),
    ("api_movements.launch", "POST"): frozenset({"office"}),
    ("api_movements.close", "POST"): frozenset({"office"}),
    ("api_movements.list_registrations", "GET"): UNIT_PEOPLE | {"office", "admin"},
    ("api_movements.put_registration", "PUT"): UNIT_PEOPLE,
    ("api_movements.put_registration_plan", "PUT"): UNIT_PEOPLE,
    ("api_movements.remind", "POST"): frozenset({"office", "admin"}),
    ("api_movements.set_year", "PUT"): frozenset({"office", "admin"}),
    ("api_movements.list_reports", "GET"): UNIT_PEOPLE | {"office", "admin"},
    ("api_movements.submit_report", "POST"): frozenset({"officer", "head"}),
    ("api_movements.review_report", "POST"): frozenset({"office", "admin"}),
    ("api_movements.return_report", "POST"): frozenset({"office", "admin"}),
    ("api_movements.list_inspections", "GET"): EVERYONE,
    ("api_movements.record_inspection", "POST"): VOTES,
    ("api_movements.answer_inspection", "POST"): frozenset({"officer", "head"}),
    ("api_movements.get_review", "GET"): REPORTS | {"member"},
}


def _registered(api: bool) -> set[tuple[str, str]]:
    app = create_app(TestingConfig)
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint not in PUBLIC and rule.rule.startswith("/api/") == api
    }


def test_the_table_names_every_route_and_nothing_else():
    assert _registered(api=False) == set(ROUTES)
    assert _registered(api=True) == set(API_ROUTES)


def test_every_view_declares_its_permission(app):
    unchecked = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and getattr(app.view_functions[rule.endpoint], "permission", None) is None
    ]
    assert unchecked == []


@pytest.fixture
def sample_args(built, request) -> dict[str, object]:
    """Values for URL parameters, by parameter name; a route with an unknown parameter fails the test. The samples
    are made through the services once per run, then put back row for row before each test (tests/conftest.py
    `built`): every test starts from the same fresh draft, session, poll and decision."""
    return built(
        "route_permissions.sample_args",
        lambda: _make_samples(request.getfixturevalue("make_dossier"), request.getfixturevalue("user")),
    )


def _make_samples(make_dossier, user) -> dict[str, object]:
    dossier = make_dossier()
    first, second = (n.nominee for n in dossier.nominations[:2])
    match = IdentityMatch(
        dossier_id=dossier.id, unit_id=dossier.unit_id, nominee_id=first.id, candidate_id=second.id,
        national_id="062085001234", requested_by_id=dossier.created_by_id,
    )  # fmt: skip
    db.session.add(match)
    initiative = register.propose(
        db.session, actor=user("canbo.pleikan"), title="Số hóa hồ sơ một cửa", year=2024, kind="initiative",
        authors=[register.Author(first.id, 100)],
    )  # fmt: skip
    council = db.session.scalar(select(Council).where(Council.authority_id == dossier.authority_id))
    council_session = CouncilSession(
        council=council, title="Phiên họp", scheduled_at=datetime(2025, 6, 20, 1, tzinfo=UTC), state="scheduled"
    )
    db.session.add(council_session)
    db.session.flush()
    # The poll's nominee is another dossier's, so the sample dossier stays off the members' agendas.
    on_agenda = make_dossier(nominees=("Lê Văn Cường",))
    item = AgendaItem(session_id=council_session.id, nomination_id=on_agenda.nominations[0].id, position=1)
    db.session.add(item)
    db.session.flush()
    poll = Poll(agenda_item_id=item.id)
    db.session.add(poll)
    decision = Decision(
        authority_id=dossier.authority_id, summary="Về việc khen thưởng", drafted_by_id=user("noivu").id, content={}
    )
    db.session.add(decision)
    # A finished job, so no runner picks it up while the roles try its pages.
    job = Job(
        kind="registry_import", owner_id=user("noivu").id, params={}, state="failed", finished_at=datetime.now(UTC)
    )
    db.session.add(job)
    movement = Movement(authority_id=dossier.authority_id, name="Phong trào thi đua yêu nước",
                        period_start=date(2020, 1, 1), period_end=date(2025, 12, 31), contents=[])
    db.session.add(movement)
    db.session.flush()
    report = UnitReport(movement_id=movement.id, unit_id=dossier.unit_id, year=2023, due_on=date(2024, 3, 29))
    registration = MovementRegistration(movement_id=movement.id, unit_id=dossier.unit_id, year=2023)
    inspection = Inspection(
        movement_id=movement.id, unit_id=dossier.unit_id, inspected_on=date(2025, 6, 2), findings="Đủ hồ sơ",
        recorded_by_id=user("uyvien2").id,
    )  # fmt: skip
    db.session.add_all([report, registration, inspection])
    db.session.commit()
    return {
        "report_id": report.id,
        "registration_id": registration.id,
        "inspection_id": inspection.id,
        "council_id": council.id,
        "session_id": council_session.id,
        "membership_id": council.memberships[0].id,
        "poll_id": poll.id,
        "dossier_id": dossier.id,
        "nomination_id": dossier.nominations[0].id,
        "document_id": dossier.documents[0].id,
        "holiday_id": 1,
        "notification_id": 1,
        "message_id": 1,
        "subscription_id": 1,
        "name": "dossier",
        "rule_set_id": 1,
        "nominee_id": first.id,
        "period": "2024-2025",
        "match_id": match.id,
        "year": 2023,
        "initiative_id": initiative.id,
        "unit_id": dossier.unit_id,
        "decision_id": decision.id,
        "position": 1,
        "report": "statistics",
        "job_id": job.id,
        "movement_id": movement.id,
    }


# Parameters whose sample depends on the route: the trigger pressed on a dossier, the decision on a match.
TRIGGERS = {
    "dossiers.act": "submit_to_head",
    "council.act": "open",
    "movements.act": "launch",
    "council_polls.act": "start",
    "council_polls.act_on_all": "finish",
    "registry.resolve_match": "reject_identity",
    "decisions.act": "submit_for_signature",
}


def _url(app, endpoint: str, samples: dict[str, object]) -> str:
    rule = next(app.url_map.iter_rules(endpoint))
    args = {name: TRIGGERS[endpoint] if name == "trigger" else samples[name] for name in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **args)


def _denied_first(allowed: frozenset[str]) -> list[str]:
    """Refused roles first: an allowed POST may change or remove the sample object."""
    return sorted(ACTORS, key=lambda role: (role in allowed, role))


def _form_call(client, method: str, url: str):
    data = {}
    if method != "GET":
        data["csrf_token"] = csrf_token_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    response = client.open(url, method=method, data=data)
    response.close()
    return response


@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_anonymous_user_is_sent_to_login(app, client, sample_args, endpoint, method):
    response = _form_call(client, method, _url(app, endpoint, sample_args))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_each_role_gets_past_the_check_exactly_where_the_table_says(app, sample_args, endpoint, method):
    url = _url(app, endpoint, sample_args)
    allowed = ROUTES[(endpoint, method)]
    for role in _denied_first(allowed):
        client = app.test_client()
        AuthActions(client).login(ACTORS[role])
        status = _form_call(client, method, url).status_code
        if role in allowed:
            assert status not in (401, 403) and status < 500, (role, url, status)
        else:
            assert status == 403, (role, url, status)


def _api_call(client, method: str, url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # An empty body: allowed callers get a field error at worst, and nothing changes the sample objects.
    response = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
    response.close()
    return response


@pytest.mark.parametrize(("endpoint", "method"), sorted(API_ROUTES))
def test_anonymous_api_caller_gets_a_401_problem(app, client, sample_args, endpoint, method):
    response = _api_call(client, method, _url(app, endpoint, sample_args))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("endpoint", "method"), sorted(API_ROUTES))
def test_each_role_gets_past_the_api_check_exactly_where_the_table_says(app, sample_args, user, endpoint, method):
    url = _url(app, endpoint, sample_args)
    allowed = API_ROUTES[(endpoint, method)]
    for role in _denied_first(allowed):
        token = issue_token(db.session, user(ACTORS[role])).token
        db.session.commit()
        response = _api_call(app.test_client(), method, url, token)
        if role in allowed:
            assert response.status_code not in (401, 403) and response.status_code < 500, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)
            assert response.content_type == "application/problem+json"
