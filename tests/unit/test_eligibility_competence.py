"""E13: a title beyond the deciding authority's competence on the expected decision date is forwarded (trình cấp
trên), never decided locally; a district authority decides nothing dated on or after 1 July 2025."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import Authority, Competence, RuleSet, Unit, db
from tests.unit.test_eligibility_rules import PERIODS, World, found, verdict
from workflow.dossiers.appraisal import evaluate
from workflow.rules.competence import route_for
from workflow.rules.rulesets import rule_set_in_force


@pytest.fixture
def world(demo) -> World:
    return World()


def _authority(code: str) -> Authority:
    return db.session.scalar(select(Authority).where(Authority.code == code))


@pytest.fixture
def commune_office(demo) -> str:
    """A body of UBND xã Đắk Xú, so its dossiers go to a commune-level authority."""
    authority = _authority("UBND-DAKXU")
    db.session.add(
        Unit(
            code="VP-DAKXU",
            name="Văn phòng UBND xã Đắk Xú",
            kind="commune",
            authority_id=authority.id,
            valid_from=date(2020, 1, 1),
        )
    )
    db.session.flush()
    return "VP-DAKXU"


@pytest.mark.parametrize("period", ["2018-2023", "2024-2025"])
def test_e13_the_district_decides_ldtt_and_forwards_tldxs(world, period):
    on = PERIODS[period]
    decided = found(world.person("LDTT", on.year - 1), "E13", on)
    assert decided.severity == "pass"
    assert decided.message == (
        f"Ủy ban nhân dân huyện Ngọc Hồi (cấp huyện) có thẩm quyền quyết định Lao động tiên tiến vào ngày "
        f"{on:%d/%m/%Y}: quyết định tại cấp này."
    )
    assert verdict(world.person("LDTT", on.year - 1, name="Trần Văn Bảo"), on).route == "decide"
    forwarded = verdict(world.collective("TLDXS", on.year - 1, members=20, ldtt=20, cstdcs=2), on)
    assert forwarded.route == "forward"
    assert "Tập thể lao động xuất sắc do cấp tỉnh quyết định" in forwarded.route_reason
    assert "trình cấp trên" in forwarded.route_reason


def test_e13_from_july_2025_the_commune_decides_ldtt_and_forwards_cstdcs(world, commune_office):
    on = PERIODS["2025-07"]
    assert verdict(world.person("LDTT", 2025, unit=commune_office), on).route == "decide"
    forwarded = verdict(world.person("CSTDCS", 2025, name="Trần Văn Bảo", unit=commune_office), on)
    assert forwarded.route == "forward"
    assert forwarded.route_reason.startswith("Chiến sĩ thi đua cơ sở do cấp tỉnh quyết định")


def test_e13_the_district_decides_on_30_june_2025_and_nothing_from_1_july(world):
    nomination = world.person("LDTT", 2025)
    assert verdict(nomination, date(2025, 6, 30)).route == "decide"
    after = verdict(nomination, date(2025, 7, 1))
    assert after.route == "forward"
    assert next(f for f in after.findings if f.rule == "E13").severity == "pass"


def test_e13_a_dossier_judged_under_2024_2025_still_goes_up_when_the_decision_falls_after_the_district(world):
    nomination = world.person("LDTT", 2024)
    dossier = nomination.dossier
    dossier.submitted_at = datetime(2025, 6, 20, 3, 0, tzinfo=UTC)
    dossier.rule_set = rule_set_in_force(db.session, date(2025, 6, 20))
    judged = evaluate(db.session, nomination, today=date(2025, 7, 10), basis="reached_authority")
    assert judged.rule_set["code"] == "2024-2025"
    assert judged.route == "forward"
    assert judged.route_reason == (
        "Ủy ban nhân dân huyện Ngọc Hồi chỉ có thẩm quyền đến hết ngày 30/06/2025; ngày quyết định dự kiến "
        "10/07/2025: trình cấp trên."
    )


def test_e13_the_expected_decision_date_is_the_legal_due_date(world):
    nomination = world.person("LDTT", 2025)
    nomination.dossier.due_on = date(2025, 7, 15)
    judged = verdict(nomination, date(2025, 6, 20))
    assert judged.decision_on == date(2025, 7, 15)
    assert judged.route == "forward"


def test_e13_a_title_the_rule_set_does_not_know_blocks(world):
    nomination = world.person("GIAY_KHEN_CT_HUYEN", 2025)
    judged = verdict(nomination, PERIODS["2025-07"])
    assert [(f.rule, f.severity) for f in judged.findings] == [("E13", "block")]
    assert "không có trong bộ quy định 2025-07" in judged.findings[0].message
    assert verdict(nomination, date(2025, 6, 30)).route == "decide"


def test_e13_a_province_layer_may_move_a_title_to_the_commune(world, commune_office):
    layer = db.session.scalar(select(RuleSet).where(RuleSet.code == "kon-tum"))
    db.session.add(
        Competence(
            rule_set_id=layer.id,
            authority_level="commune",
            title_code="CSTDCS",
            legal_source="Quyết định của UBND tỉnh Kon Tum (ví dụ)",
        )
    )
    db.session.flush()
    on = PERIODS["2024-2025"]
    at_commune = verdict(world.person("CSTDCS", 2023, unit=commune_office, rating="excellent"), on)
    assert at_commune.route == "decide"
    assert next(f.source for f in at_commune.findings if f.rule == "E13") == "Quyết định của UBND tỉnh Kon Tum (ví dụ)"
    at_district = verdict(world.person("CSTDCS", 2023, name="Trần Văn Bảo", rating="excellent"), on)
    assert at_district.route == "forward"


def test_route_for_answers_for_any_authority_title_and_day(demo):
    district = _authority("UBND-NGOCHOI")
    old_law = db.session.scalar(select(RuleSet).where(RuleSet.code == "2018-2023"))
    decided = route_for(db.session, authority=district, title_code="CSTDCS", rule_set=old_law, on=date(2023, 5, 2))
    assert (decided.route, decided.source) == ("decide", "Nghị định 91/2017/NĐ-CP, Điều 43")
    province = _authority("UBND-KONTUM")
    national = route_for(
        db.session, authority=province, title_code="CSTD_TOAN_QUOC", rule_set=old_law, on=date(2023, 5, 2)
    )
    assert national.route == "forward"
    assert national.reason.startswith("Chiến sĩ thi đua toàn quốc do cấp Trung ương quyết định")


def test_e13_across_1_january_2024_the_district_keeps_ldtt_under_the_new_law(world):
    nomination = world.person("LDTT", 2023)
    sources = {}
    for day in (date(2023, 12, 31), date(2024, 1, 1)):
        judged = verdict(nomination, day)
        assert judged.route == "decide"
        sources[judged.rule_set["code"]] = next(f.source for f in judged.findings if f.rule == "E13")
    assert sources == {
        "2018-2023": "Nghị định 91/2017/NĐ-CP, Điều 43",
        "2024-2025": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 80",
    }


def test_the_route_names_the_competent_authority(world):
    on = PERIODS["2024-2025"]
    decided = verdict(world.person("LDTT", on.year - 1), on)
    assert decided.competent_authority == {
        "code": "UBND-NGOCHOI",
        "name": "Ủy ban nhân dân huyện Ngọc Hồi",
        "level": "district",
    }
    # TLĐXS is decided by the province (Law 06/2022 Art. 80): Ngọc Hồi proposes it to Kon Tum.
    forwarded = verdict(world.collective("TLDXS", on.year - 1, members=20, ldtt=20, cstdcs=2), on)
    assert forwarded.competent_authority["code"] == "UBND-KONTUM"


def test_an_ended_district_hands_its_titles_to_its_successor(world):
    district = _authority("UBND-NGOCHOI")
    successor = Authority(
        code="UBND-KETHUA",
        name="Ủy ban nhân dân xã Kế Thừa (minh hoạ)",
        short_name="UBND xã Kế Thừa",
        level="commune",
        place_name="Kế Thừa",
        valid_from=date(2025, 7, 1),
    )
    db.session.add(successor)
    db.session.flush()
    district.successor_id = successor.id
    db.session.flush()
    nomination = world.person("LDTT", 2025)
    nomination.dossier.due_on = date(2025, 7, 15)
    judged = verdict(nomination, date(2025, 6, 20))
    assert judged.route == "forward"
    # Under 2024-2025 a commune decides LĐTT: the successor commune takes the dossier over.
    assert judged.competent_authority["code"] == "UBND-KETHUA"


def test_no_authority_in_the_data_decides_a_national_title(demo):
    province = _authority("UBND-KONTUM")
    old_law = db.session.scalar(select(RuleSet).where(RuleSet.code == "2018-2023"))
    national = route_for(
        db.session, authority=province, title_code="CSTD_TOAN_QUOC", rule_set=old_law, on=date(2023, 5, 2)
    )
    assert national.competent is None
