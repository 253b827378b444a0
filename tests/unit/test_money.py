from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Authority, AwardTitle, BaseSalary, Decision, RuleParameter, RuleSet, db
from models.decision import DecisionState
from workflow.core.engine import fire
from workflow.core.machines import NOMINATION
from workflow.dossiers import editing as service
from workflow.rules.money import award_amount, base_salary_on, dossier_amount, nomination_amount
from workflow.rules.rulesets import APPLIES_TO_KEY, load_rulesets, rule_set_in_force


@pytest.fixture
def rules(app):
    load_rulesets(db.session)
    db.session.commit()


def rule_set(code: str) -> RuleSet:
    return db.session.scalar(select(RuleSet).where(RuleSet.code == code, RuleSet.active.is_(True)))


def amount(title_code: str, on: date, code: str = "2024-2025", **kwargs):
    return award_amount(db.session, rule_set=rule_set(code), title_code=title_code, on=on, **kwargs)


def test_tldtt_is_0_8_times_the_base_salary_rounded_up_to_the_next_10_000(rules):
    money = amount("TLDTT", date(2024, 7, 1))

    assert (money.multiple, money.base_salary_vnd, money.amount_vnd) == (Decimal("0.8"), 2_340_000, 1_880_000)
    assert str(money.multiple) == "0.8"
    assert money.explanation.startswith("0,8 × 2.340.000 đ = 1.872.000 đ, làm tròn lên 1.880.000 đ.")
    assert "Lương cơ sở từ 01/07/2024 theo Nghị định 73/2024/NĐ-CP" in money.explanation
    assert money.base_salary_source == "Nghị định 73/2024/NĐ-CP"
    assert "Nghị định 98/2023/NĐ-CP, Điều 54" in money.source
    assert money.rule_set_code == "2024-2025"


def test_an_amount_already_on_a_multiple_of_10_000_stays_as_it_is(rules):
    money = amount("CSTDCS", date(2024, 7, 1))

    assert money.amount_vnd == 2_340_000
    assert money.explanation.startswith("1 × 2.340.000 đ = 2.340.000 đ.")
    assert "làm tròn" not in money.explanation


@pytest.mark.parametrize(
    ("day", "base_salary", "ldtt_amount"),
    [
        (date(2023, 6, 30), 1_490_000, 450_000),  # 0.3 × 1,490,000 = 447,000
        (date(2023, 7, 1), 1_800_000, 540_000),
        (date(2024, 6, 30), 1_800_000, 540_000),
        (date(2024, 7, 1), 2_340_000, 710_000),  # 0.3 × 2,340,000 = 702,000
    ],
)
def test_the_base_salary_is_the_one_in_force_on_the_day(rules, day, base_salary, ldtt_amount):
    money = award_amount(db.session, rule_set=rule_set_in_force(db.session, day), title_code="LDTT", on=day)

    assert base_salary_on(db.session, day).amount_vnd == base_salary
    assert (money.base_salary_vnd, money.amount_vnd) == (base_salary, ldtt_amount)


def test_a_collective_is_paid_at_its_own_rate_from_the_catalogue(rules):
    person = amount("GIAY_KHEN_CT_HUYEN", date(2024, 7, 1))
    collective = amount("GIAY_KHEN_CT_HUYEN_TAP_THE", date(2024, 7, 1))

    assert (person.multiple, person.amount_vnd) == (Decimal("0.3"), 710_000)
    assert (collective.multiple, collective.amount_vnd) == (Decimal("0.6"), 1_410_000)


def test_a_title_without_a_multiple_has_no_amount_and_says_why(rules):
    money = amount("GIA_DINH_VAN_HOA", date(2024, 7, 1))

    assert money.amount_vnd is None and money.multiple is None
    assert money.explanation == "Gia đình văn hóa: không có mức tiền thưởng trong bộ quy định 2024-2025."


def test_a_title_the_rule_set_does_not_know_has_no_amount(rules):
    money = amount("GIAY_KHEN_CT_HUYEN", date(2025, 8, 1), code="2025-07")

    assert money.amount_vnd is None
    assert money.explanation == "Danh hiệu GIAY_KHEN_CT_HUYEN không có trong bộ quy định 2025-07."


def test_a_day_before_the_first_base_salary_has_no_amount(rules):
    money = amount("LDTT", date(2018, 5, 1), code="2018-2023")

    assert money.amount_vnd is None and money.multiple == Decimal("0.3")
    assert "Chưa có mức lương cơ sở áp dụng cho ngày 01/05/2018" in money.explanation


def test_the_rounding_unit_comes_from_the_rule_set(rules):
    parameter = db.session.scalar(
        select(RuleParameter).where(
            RuleParameter.rule_set_id == rule_set("2024-2025").id, RuleParameter.key == "money_round_up_to_vnd"
        )
    )
    parameter.value = 100_000
    db.session.flush()

    assert amount("TLDTT", date(2024, 7, 1)).amount_vnd == 1_900_000


def add_province_layer(province: Authority, *, multiple: str, ends: date) -> None:
    """A province layer that pays its district chairman's Giấy khen at its own multiple, rounded to 1,000 đ."""
    layer = RuleSet(
        code="tinh-rieng",
        name="Quy định riêng của tỉnh",
        effective_from=date(2024, 1, 1),
        effective_to=ends,
        legal_source="Quyết định của UBND tỉnh (thử nghiệm)",
        override_for_authority_id=province.id,
        content_hash="0" * 64,
        titles=[
            AwardTitle(
                code="GIAY_KHEN_CT_HUYEN", name_vi="Giấy khen", name_en="Certificate", subject_kind="person",
                category="form", level="district", money_multiple=Decimal(multiple),
                legal_source="Quyết định của UBND tỉnh về mức Giấy khen",
            )
        ],
    )  # fmt: skip
    db.session.add(layer)
    db.session.flush()
    db.session.add_all(
        [
            RuleParameter(rule_set_id=layer.id, key=APPLIES_TO_KEY, value=["2024-2025"], legal_source="x"),
            RuleParameter(rule_set_id=layer.id, key="money_round_up_to_vnd", value=1000, legal_source="x"),
        ]
    )
    db.session.flush()


def authority(code: str) -> Authority:
    return db.session.scalar(select(Authority).where(Authority.code == code))


def test_a_province_layer_sets_the_money_for_authorities_under_that_province_only(demo):
    add_province_layer(authority("UBND-KONTUM"), multiple="0.25", ends=date(2025, 6, 30))
    day = date(2024, 7, 1)

    under_province = amount("GIAY_KHEN_CT_HUYEN", day, authority=authority("UBND-NGOCHOI"))
    national = amount("GIAY_KHEN_CT_HUYEN", day)

    assert (under_province.multiple, under_province.amount_vnd) == (Decimal("0.25"), 585_000)
    assert under_province.source == "Quyết định của UBND tỉnh về mức Giấy khen"
    assert (national.multiple, national.amount_vnd) == (Decimal("0.3"), 710_000)
    # Titles the layer does not name keep the national multiple, with the layer's rounding.
    assert amount("LDTT", day, authority=authority("UBND-NGOCHOI")).amount_vnd == 702_000


def test_a_province_layer_no_longer_in_force_changes_nothing(demo):
    add_province_layer(authority("UBND-KONTUM"), multiple="0.25", ends=date(2024, 12, 31))

    money = amount("GIAY_KHEN_CT_HUYEN", date(2025, 3, 1), authority=authority("UBND-NGOCHOI"))

    assert money.amount_vnd == 710_000


def test_a_nomination_before_its_decision_is_an_estimate_for_the_given_day(make_dossier):
    dossier = make_dossier(nominees=("Nguyễn Văn An",))

    money = nomination_amount(db.session, dossier.nominations[0], on=date(2025, 3, 1))

    assert (money.rule_set_code, money.amount_vnd, money.estimate) == ("2024-2025", 710_000, True)
    assert money.explanation.endswith(
        "Ước tính theo lương cơ sở ngày 01/03/2025; số tiền chính thức tính theo lương cơ sở tại ngày ký quyết định."
    )


def test_a_decided_nomination_uses_the_base_salary_of_its_decision_date(make_dossier, user):
    dossier = make_dossier(nominees=("Nguyễn Văn An",))
    chairman = user("chutich")
    decision = Decision(
        authority_id=dossier.authority_id, summary="Khen thưởng", state=DecisionState.SIGNED, year=2024, number=7,
        signed_on=date(2024, 6, 15), signer_id=chairman.id, drafted_by_id=chairman.id,
    )  # fmt: skip
    db.session.add(decision)
    db.session.flush()
    dossier.nominations[0].decision_id = decision.id
    db.session.flush()

    money = nomination_amount(db.session, dossier.nominations[0], on=date(2026, 11, 1))

    assert (money.on, money.base_salary_vnd, money.amount_vnd, money.estimate) == (
        date(2024, 6, 15),
        1_800_000,
        540_000,
        False,
    )
    assert "Ước tính" not in money.explanation


def test_a_dossier_total_adds_the_payable_nominations_and_leaves_out_withdrawn_and_ineligible(make_dossier, user):
    dossier = make_dossier(nominees=("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"))
    officer = user("canbo.pleikan")
    service.add_nomination(
        db.session,
        dossier,
        actor=officer,
        data=service.NomineeInput(kind="collective", full_name="Tổ Một cửa", title_code="TLDTT"),
    )
    withdrawn, ineligible = dossier.nominations[2], dossier.nominations[3]
    service.remove_nomination(db.session, withdrawn, actor=officer)
    fire(NOMINATION, ineligible, "find_ineligible", actor=user("noivu"), data={"reason": "criteria_not_met"})

    money = dossier_amount(db.session, dossier, on=date(2025, 3, 1))

    assert [(line.nomination.nominee.full_name, line.money.amount_vnd) for line in money.lines] == [
        ("Nguyễn Văn An", 710_000),
        ("Trần Thị Bình", 710_000),
        ("Tổ Một cửa", 1_880_000),
    ]
    assert money.total_vnd == 3_300_000
    assert money.estimate and money.unpriced == ()


def test_an_exact_product_with_decimals_is_shown_before_rounding(rules):
    db.session.add(BaseSalary(effective_from=date(2026, 7, 1), amount_vnd=1_490_005, legal_source="Nghị định thử"))
    db.session.flush()

    money = amount("GIAY_KHEN_CT_XA", date(2026, 7, 1), code="2025-07")

    assert money.explanation.startswith("0,15 × 1.490.005 đ = 223.500,75 đ, làm tròn lên 230.000 đ.")
    assert money.amount_vnd == 230_000
