from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Authority, Base, Council, Movement, Nomination, RuleSet, Unit, User, db
from workflow.accounts.users import authenticate
from workflow.demo.seed import seed_demo

LOGINS = [
    ("admin", {"admin"}, "VP-HDND-UBND"),
    ("noivu", {"office"}, "P-NOIVU"),
    ("truong.noivu", {"unit_head"}, "P-NOIVU"),
    ("thuky", {"secretary"}, "P-NOIVU"),
    ("chutich", {"chairman", "council_member"}, "VP-HDND-UBND"),
    ("uyvien1", {"council_member"}, "P-NOIVU"),
    ("uyvien2", {"council_member"}, "MTTQ"),
    ("uyvien3", {"council_member"}, "LDLD"),
    ("uyvien4", {"council_member"}, "P-TCKH"),
    ("uyvien5", {"council_member"}, "P-LDTBXH"),
    ("uyvien6", {"council_member"}, "P-VHTT"),
    ("uyvien7", {"council_member"}, "VP-HDND-UBND"),
    ("canbo.pleikan", {"unit_officer"}, "TT-PLEIKAN"),
    ("truong.pleikan", {"unit_head"}, "TT-PLEIKAN"),
    ("canbo.dakxu", {"unit_officer"}, "XA-DAKXU"),
    ("truong.dakxu", {"unit_head"}, "XA-DAKXU"),
    ("canbo.pgddt", {"unit_officer"}, "P-GDDT"),
    ("truong.pgddt", {"unit_head"}, "P-GDDT"),
    # The district's successor from 1 July 2025.
    ("vanphong.xa", {"office"}, "XA-VP"),
    ("thuky.xa", {"secretary"}, "XA-VP"),
    ("chutich.xa", {"chairman", "council_member"}, "XA-VP"),
    ("uyvien.xa1", {"council_member"}, "XA-VP"),
    ("uyvien.xa2", {"council_member"}, "XA-VHXH"),
    ("canbo.vhxh", {"unit_officer"}, "XA-VHXH"),
    ("truong.vhxh", {"unit_head"}, "XA-VHXH"),
]


def snapshot() -> dict[str, list]:
    """Every row of every table, so a comparison catches a changed value as well as a new row."""
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


@pytest.mark.parametrize(("username", "roles", "unit_code"), LOGINS)
def test_each_demo_login_has_its_roles_and_unit(demo, username, roles, unit_code):
    user = db.session.scalar(select(User).where(User.username == username))

    assert user.roles == roles
    assert user.unit.code == unit_code
    assert user.full_name


def test_demo_logins_use_the_password_demo(demo):
    assert authenticate(db.session, "canbo.pleikan", "demo") is not None
    assert authenticate(db.session, "canbo.pleikan", "sai") is None


def authority(code: str) -> Authority:
    return db.session.scalar(select(Authority).where(Authority.code == code))


def test_council_has_a_chair_seven_members_and_a_secretary(demo):
    council = db.session.scalar(select(Council).where(Council.authority == authority("UBND-NGOCHOI")))

    roles = Counter(m.role_in_council for m in council.memberships)
    assert roles["chair"] == 1
    assert roles["standing_member"] + roles["member"] == 7
    assert roles["secretary"] == 1
    chair = next(m for m in council.memberships if m.role_in_council == "chair")
    assert chair.user.username == "chutich"
    assert council.standing_office.code == "P-NOIVU"
    assert council.authority.code == "UBND-NGOCHOI"
    assert (council.quorum_ratio, council.pass_ratio, council.secret_ballot) == (None, None, None)
    assert {(m.term_from, m.term_to) for m in council.memberships} == {(date(2020, 1, 1), date(2025, 6, 30))}


def test_movement_is_launched_with_its_six_contents(demo):
    movement = db.session.scalar(select(Movement))

    assert movement.name == "Phong trào thi đua yêu nước giai đoạn 2020–2025"
    assert movement.state == "launched"
    assert (movement.period_start, movement.period_end) == (date(2020, 1, 1), date(2025, 6, 30))
    assert len(movement.contents) == 6


def test_district_bodies_end_with_the_district_and_communes_live_on(demo):
    assert unit("P-NOIVU").valid_to == date(2025, 6, 30)
    assert unit("XA-DAKXU").valid_to is None
    assert unit("TT-PLEIKAN").kind == "township"
    assert unit("TH-DAKXU").parent_unit.code == "P-GDDT"
    assert unit("P-NOIVU").authority.code == "UBND-NGOCHOI"


def test_ngoc_hoi_ends_on_30_june_2025_and_a_commune_of_quang_ngai_takes_over_on_1_july(demo):
    """Law 72/2025/QH15 ended the district level on 30 June 2025; Resolution 202/2025/QH15 merged Kon Tum into
    Quảng Ngãi. The successor's name is illustrative (the demo does not claim the real commune's name)."""
    district, successor, kon_tum = authority("UBND-NGOCHOI"), authority("UBND-XA-PLEIKAN"), authority("UBND-KONTUM")

    assert (district.valid_to, district.successor) == (date(2025, 6, 30), successor)
    assert (successor.level, successor.valid_from, successor.valid_to) == ("commune", date(2025, 7, 1), None)
    assert successor.name == "Ủy ban nhân dân xã Plei Kần (minh hoạ)"
    assert successor.parent == kon_tum.successor == authority("UBND-QUANGNGAI")
    assert (successor.parent.level, successor.parent.valid_from) == ("province", date(2025, 7, 1))
    assert {u.code for u in successor.units} == {"XA-VP", "XA-VHXH", "XA-KINHTE"}
    assert {u.valid_from for u in successor.units} == {date(2025, 7, 1)}


def test_the_successor_has_its_own_council_kept_by_its_office(demo):
    council = db.session.scalar(select(Council).where(Council.authority == authority("UBND-XA-PLEIKAN")))

    assert council.standing_office.code == "XA-VP"
    assert (council.term_start, council.term_end) == (date(2025, 7, 1), None)
    roles = {m.user.username: m.role_in_council for m in council.memberships}
    assert roles == {"chutich.xa": "chair", "uyvien.xa1": "standing_member", "uyvien.xa2": "member",
                     "thuky.xa": "secretary"}  # fmt: skip


@pytest.mark.parametrize("username", ["vanphong.xa", "thuky.xa", "chutich.xa", "canbo.vhxh", "truong.vhxh"])
def test_the_successors_logins_work_with_the_password_demo(demo, username):
    assert authenticate(db.session, username, "demo").authority.code == "UBND-XA-PLEIKAN"


def test_seed_loads_the_rule_sets_and_attaches_the_kon_tum_override(demo):
    codes = set(db.session.scalars(select(RuleSet.code)))
    layer = db.session.scalar(select(RuleSet).where(RuleSet.code == "kon-tum"))

    assert codes == {"2018-2023", "2024-2025", "2025-07", "kon-tum"}
    assert layer.override_for_authority_id is not None


def test_first_seed_reports_what_it_created(fresh_demo):
    assert fresh_demo.created_anything
    assert fresh_demo.created["users"] == len(LOGINS)
    assert fresh_demo.created["rule_sets"] == 4


def test_second_seed_changes_nothing(fresh_demo):
    before = snapshot()
    hashes = dict(db.session.execute(select(User.username, User.password_hash)).all())

    report = seed_demo(db.session)
    db.session.commit()

    assert not report.created_anything
    assert report.summary() == "Dữ liệu mẫu đã có đủ, không tạo thêm gì."
    assert snapshot() == before
    assert dict(db.session.execute(select(User.username, User.password_hash)).all()) == hashes


def test_flask_seed_demo_makes_dossiers_in_every_state_through_the_services_and_only_once(app):
    from models import AuditEntry, CouncilSession, Decision, Dossier, OutboxMessage
    from workflow.core.audit import verify_chain

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "tài khoản" in first.output and "ngày nghỉ" in first.output
    assert "25 hồ sơ mẫu" in first.output and "3 phiên họp Hội đồng" in first.output
    assert "1 quyết định khen thưởng" in first.output

    # Each unit: one dossier per state of its path to the office, then the year-end dossier the council approved
    # (Plei Kần's and Đắk Xú's closed by the chairman's decision, Phòng Giáo dục's waiting for one); Plei Kần's and
    # Đắk Xú's accepted dossiers are on the story day's agenda, Phòng Giáo dục's waits at the office; Plei Kần's
    # CSTĐ tỉnh has gone up to the province.
    states = ["draft", "awaiting_head", "submitted", "returned", "withdrawn", "rejected"]
    for unit_code, others in (
        ("TT-PLEIKAN", ("closed", "in_council", "forwarded")),
        ("XA-DAKXU", ("closed", "in_council")),
        ("P-GDDT", ("awaiting_decision", "accepted")),
    ):
        dossiers = db.session.scalars(select(Dossier).join(Unit).where(Unit.code == unit_code)).all()
        assert sorted(d.state for d in dossiers) == sorted([*states, *others])
    accepted = db.session.scalars(select(Dossier).where(Dossier.state == "accepted")).first()
    assert accepted.due_on is not None
    transitions = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.from_state.is_not(None))
    )
    assert transitions == db.session.scalar(select(func.count()).select_from(OutboxMessage)) > 0
    assert verify_chain(db.session) is None
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0

    counts = {
        t: db.session.scalar(select(func.count()).select_from(t))
        for t in (Dossier, AuditEntry, OutboxMessage, CouncilSession, Decision)
    }
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "không tạo thêm" in second.output
    assert counts == {t: db.session.scalar(select(func.count()).select_from(t)) for t in counts}


def test_the_demo_council_held_a_session_on_10_june_and_meets_again_on_the_story_day(app):
    from models import CouncilSession
    from workflow.core.today import LOCAL_TZ
    from workflow.council.minutes import minutes_from_db

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    from workflow.demo.council import PAST_TITLE, STORY_TITLE

    rounds = select(CouncilSession).where(CouncilSession.title.in_((PAST_TITLE, STORY_TITLE)))
    past, today = db.session.scalars(rounds.order_by(CouncilSession.scheduled_at)).all()

    assert (past.state, today.state) == ("closed", "scheduled")
    assert past.opened_at.astimezone(LOCAL_TZ).isoformat() == "2025-06-10T14:00:00+07:00"
    assert past.closed_at.astimezone(LOCAL_TZ).isoformat() == "2025-06-10T16:30:00+07:00"
    assert {item.poll.state for item in past.agenda_items} == {"published"}
    minutes = minutes_from_db(db.session, past)
    assert (minutes.quorum.present, minutes.quorum.members) == (7, 8)
    results = {n.name: (n.yes, n.no, n.abstain, n.base_count, n.passed) for n in minutes.polled}
    assert results["A Tuấn"] == (4, 2, 1, 8, False)
    # Võ Thị Mai declared a conflict on Y Mai: seven members form that poll's base.
    assert results["Y Mai"] == (6, 0, 0, 7, True)
    assert [r.name for n in minutes.polled for r in n.recusals] == ["Võ Thị Mai"]

    assert today.scheduled_at.astimezone(LOCAL_TZ).isoformat() == "2025-06-16T14:00:00+07:00"
    on_agenda = {item.poll for item in today.agenda_items}
    assert len(today.agenda_items) == 8 and on_agenda == {None}
    units = {db.session.get(Nomination, item.nomination_id).dossier.unit.code for item in today.agenda_items}
    assert units == {"TT-PLEIKAN", "XA-DAKXU"}


def test_the_first_rounds_approved_nominees_of_plei_kan_and_dak_xu_are_awarded_by_decision_1_of_2025(app):
    from models import Decision, Nominee, RegistryEntry
    from workflow.decisions import documents

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    (decision,) = db.session.scalars(select(Decision)).all()
    # Signed two days after the session of 10 June 2025, within the district's life (it ended on 30 June 2025).
    assert (decision.state, decision.number_text, decision.year, decision.signed_on) == (
        "signed", "1/QĐ-UBND", 2025, date(2025, 6, 12),
    )  # fmt: skip
    assert (decision.signer.username, decision.signer_capacity) == ("chutich", "chairman")
    # The council approved these four (A Tuấn fell short; Trần Thị Thu of Phòng Giáo dục waits for a decision).
    awarded = {item.nomination.nominee.full_name: item.nomination.state for item in decision.items}
    assert awarded == dict.fromkeys(("Lê Văn Quang", "Rơ Mah Hiền", "Y Mai", "Nguyễn Văn Sơn"), "awarded")
    # LĐTT: 0.3 × 2,340,000 VND = 702,000, rounded up to 710,000 VND (docs/DOMAIN.md §3.4).
    entries = db.session.execute(
        select(RegistryEntry.decision_number, RegistryEntry.money_vnd).where(
            RegistryEntry.decision_date >= decision.signed_on
        )
    ).all()
    assert sorted(entries) == [("1/QĐ-UBND", 710_000)] * 4
    waiting = db.session.scalar(select(Nomination).join(Nomination.nominee).where(Nominee.full_name == "Trần Thị Thu"))
    assert waiting.state == "approved" and waiting.dossier.state == "awaiting_decision"
    # One certificate per awardee in Article 1's order: Thị trấn Plei Kần before Xã Đắk Xú, then by given name.
    # The district's golden book starts with them, in that order.
    assert [(c.awardee_name, c.golden_book_number) for c in documents.certificates(db.session, decision)] == [
        ("Rơ Mah Hiền", "1"), ("Lê Văn Quang", "2"), ("Y Mai", "3"), ("Nguyễn Văn Sơn", "4"),
    ]  # fmt: skip


@pytest.mark.today("2026-12-06")
def test_a_seed_run_after_the_district_ended_files_its_dossiers_on_the_story_day(app):
    from models import Dossier
    from workflow.core.today import LOCAL_TZ

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    filed = db.session.scalars(select(Dossier).where(Dossier.submitted_at.is_not(None))).all()
    # Ngọc Hồi's history is told in June 2025, before the district ended: its dossiers reached it then (the council's
    # first round on 2 June, the others on 16 June), so the 2024-2025 rule set judges them, whatever day the seed runs.
    assert {d.submitted_at.astimezone(LOCAL_TZ).date().isoformat() for d in filed} == {"2025-06-02", "2025-06-16"}
    assert {d.rule_set.code for d in filed} == {"2024-2025"}
