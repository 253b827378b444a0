import shutil
from datetime import date
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import func, select

from models import (
    Authority,
    AwardTitle,
    BaseSalary,
    Competence,
    ProcedureRule,
    RequiredDocument,
    RuleParameter,
    RuleSet,
    db,
)
from workflow.rules.rulesets import DEFAULT_DIRECTORY, RuleSetError, load_rulesets, rule_set_in_force

NATIONAL = ["2018-2023", "2024-2025", "2025-07"]
CATALOGUE = (RuleSet, AwardTitle, Competence, ProcedureRule, RequiredDocument, RuleParameter, BaseSalary)


def row_counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in CATALOGUE}


def active(code: str) -> RuleSet:
    return db.session.scalar(select(RuleSet).where(RuleSet.code == code, RuleSet.active.is_(True)))


def title(code: str, title_code: str) -> AwardTitle:
    return db.session.scalar(
        select(AwardTitle)
        .join(AwardTitle.rule_set)
        .where(RuleSet.code == code, RuleSet.active.is_(True), AwardTitle.code == title_code)
    )


def parameter(code: str, key: str) -> RuleParameter:
    rule_set = active(code)
    return db.session.scalar(
        select(RuleParameter).where(RuleParameter.rule_set_id == rule_set.id, RuleParameter.key == key)
    )


@pytest.fixture
def rules_dir(tmp_path):
    """A private copy of config/rulesets that a test may edit."""
    target = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def edit_yaml(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_loading_creates_the_three_national_rule_sets_with_their_periods(app):
    report = load_rulesets(db.session)

    assert report.created == NATIONAL
    periods = {
        rs.code: (rs.effective_from, rs.effective_to, rs.revision, rs.active)
        for rs in db.session.scalars(select(RuleSet).where(RuleSet.override_for_authority_id.is_(None)))
    }
    assert periods == {
        "2018-2023": (date(2017, 10, 15), date(2023, 12, 31), 1, True),
        "2024-2025": (date(2024, 1, 1), date(2025, 6, 30), 1, True),
        "2025-07": (date(2025, 7, 1), None, 1, True),
    }


@pytest.mark.parametrize("code", NATIONAL)
@pytest.mark.parametrize(
    ("title_code", "multiple"),
    [
        ("CSTD_TOAN_QUOC", "4.5"),
        ("CSTD_TINH", "3.0"),
        ("CSTDCS", "1.0"),
        ("LDTT", "0.3"),
        ("TLDXS", "1.5"),
        ("TLDTT", "0.8"),
        ("THON_VAN_HOA", "1.5"),
        ("CO_THI_DUA_CP", "12.0"),
        ("CO_THI_DUA_TINH", "8.0"),
        ("GIAY_KHEN_CT_XA", "0.15"),
        ("GIAY_KHEN_CT_XA_TAP_THE", "0.3"),
        ("BANG_KHEN_TTG", None),
        ("GIA_DINH_VAN_HOA", None),
    ],
)
def test_money_multiples_are_the_decree_figures_or_null_where_none_is_known(app, code, title_code, multiple):
    load_rulesets(db.session)

    expected = None if multiple is None else Decimal(multiple)
    assert title(code, title_code).money_multiple == expected


def test_giay_khen_money_is_listed_as_configurable(app):
    load_rulesets(db.session)

    assert title("2024-2025", "GIAY_KHEN_CT_HUYEN").money_multiple == Decimal("0.3")
    assert title("2024-2025", "GIAY_KHEN_CT_HUYEN_TAP_THE").money_multiple == Decimal("0.6")
    configurable = parameter("2024-2025", "configurable_money_titles")
    assert configurable.configurable is True
    assert set(configurable.value) == {
        "GIAY_KHEN_CT_HUYEN",
        "GIAY_KHEN_CT_HUYEN_TAP_THE",
        "GIAY_KHEN_CT_XA",
        "GIAY_KHEN_CT_XA_TAP_THE",
    }


def test_district_decides_nothing_from_july_2025(app):
    load_rulesets(db.session)

    def deciders(code: str) -> set[str]:
        levels = select(Competence.authority_level).where(Competence.rule_set_id == active(code).id)
        return set(db.session.scalars(levels))

    assert "district" in deciders("2024-2025")
    assert "district" not in deciders("2025-07")
    assert title("2025-07", "GIAY_KHEN_CT_HUYEN") is None


@pytest.mark.parametrize(
    ("key", "before_2024", "from_2024"),
    [("ldtt_min_months", 10, 6), ("ldtt_min_rating", "good", "good"), ("cstdcs_cap_ratio", 0.15, 0.15)],
)
def test_eligibility_parameters_follow_the_period(app, key, before_2024, from_2024):
    load_rulesets(db.session)

    assert parameter("2018-2023", key).value == before_2024
    assert parameter("2024-2025", key).value == from_2024
    assert parameter("2025-07", key).value == from_2024


def test_higher_titles_need_ninety_percent_only_before_2024(app):
    load_rulesets(db.session)

    assert parameter("2018-2023", "council_pass_ratio_higher_titles").value == 0.9
    assert parameter("2024-2025", "council_pass_ratio_higher_titles") is None
    assert parameter("2025-07", "council_pass_ratio_higher_titles") is None


def test_loading_again_changes_nothing(app):
    load_rulesets(db.session)
    before = row_counts()

    report = load_rulesets(db.session)

    assert report.created == []
    assert report.unchanged == NATIONAL
    assert not report.created_anything
    assert row_counts() == before


def test_quoted_and_unquoted_dates_are_the_same_content(app, rules_dir):
    load_rulesets(db.session, rules_dir)
    path = rules_dir / "2024-2025.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("effective_from: 2024-01-01", 'effective_from: "2024-01-01"'),
        encoding="utf-8",
    )

    report = load_rulesets(db.session, rules_dir)

    assert "2024-2025" in report.unchanged


def test_changed_file_becomes_revision_2_and_deactivates_revision_1(app, rules_dir):
    load_rulesets(db.session, rules_dir)

    def raise_cap(data):
        cap = next(p for p in data["parameters"] if p["key"] == "cstdcs_cap_ratio")
        cap["value"] = 0.2

    edit_yaml(rules_dir / "2024-2025.yaml", raise_cap)
    report = load_rulesets(db.session, rules_dir)

    assert report.created == ["2024-2025"]
    assert report.unchanged == ["2018-2023", "2025-07"]
    revisions = db.session.execute(
        select(RuleSet.revision, RuleSet.active).where(RuleSet.code == "2024-2025").order_by(RuleSet.revision)
    ).all()
    assert [tuple(r) for r in revisions] == [(1, False), (2, True)]
    assert parameter("2024-2025", "cstdcs_cap_ratio").value == 0.2
    assert rule_set_in_force(db.session, date(2024, 6, 1)).revision == 2


def test_broken_file_names_every_error_and_writes_nothing(app, rules_dir):
    def break_twice(data):
        data["titles"][0]["money_multiple"] = "nhiều"
        data["procedures"][0]["time_limit_working_days"] = 0

    edit_yaml(rules_dir / "2018-2023.yaml", break_twice)

    with pytest.raises(RuleSetError) as raised:
        load_rulesets(db.session, rules_dir)

    assert len(raised.value.errors) == 2
    message = str(raised.value)
    assert "2018-2023.yaml: titles[0].money_multiple" in message
    assert "2018-2023.yaml: procedures[0].time_limit_working_days" in message
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_unknown_keys_and_unknown_titles_are_refused(app, rules_dir):
    def misspell(data):
        data["titles"][0]["money_multipe"] = 0.3
        data["competences"][0]["title_code"] = "KHONG_CO"

    edit_yaml(rules_dir / "2025-07.yaml", misspell)

    with pytest.raises(RuleSetError) as raised:
        load_rulesets(db.session, rules_dir)

    message = str(raised.value)
    assert "2025-07.yaml: titles[0].money_multipe" in message
    assert "2025-07.yaml: competences[0].title_code" in message


def test_overlapping_national_periods_are_refused(app, rules_dir):
    edit_yaml(rules_dir / "2025-07.yaml", lambda data: data.update(effective_from="2025-06-01"))

    with pytest.raises(RuleSetError, match=r"2025-07\.yaml: effective_from"):
        load_rulesets(db.session, rules_dir)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2017, 10, 14), None),
        (date(2023, 12, 31), "2018-2023"),
        (date(2024, 1, 1), "2024-2025"),
        (date(2025, 6, 30), "2024-2025"),
        (date(2025, 7, 1), "2025-07"),
    ],
)
def test_rule_set_in_force_on_the_period_boundaries(app, day, code):
    load_rulesets(db.session)

    in_force = rule_set_in_force(db.session, day)

    assert (in_force.code if in_force else None) == code


def test_base_salaries_are_loaded_as_dated_rows(app):
    load_rulesets(db.session)

    rows = db.session.execute(
        select(BaseSalary.effective_from, BaseSalary.amount_vnd).order_by(BaseSalary.effective_from)
    )
    assert [tuple(r) for r in rows] == [
        (date(2019, 7, 1), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
    ]


def test_base_salary_changed_by_an_administrator_is_kept(app, rules_dir):
    load_rulesets(db.session, rules_dir)
    row = db.session.scalar(select(BaseSalary).where(BaseSalary.effective_from == date(2024, 7, 1)))
    row.amount_vnd = 2_350_000

    report = load_rulesets(db.session, rules_dir)

    assert report.base_salaries_conflicting == [date(2024, 7, 1)]
    assert row.amount_vnd == 2_350_000


def test_province_override_waits_for_its_authority(app):
    first = load_rulesets(db.session)
    assert "kon-tum" in first.skipped
    province = Authority(
        code="UBND-KONTUM",
        name="Ủy ban nhân dân tỉnh Kon Tum",
        short_name="UBND tỉnh Kon Tum",
        level="province",
        place_name="Kon Tum",
        valid_from=date(1991, 8, 12),
        valid_to=date(2025, 6, 30),
    )
    db.session.add(province)
    db.session.flush()

    second = load_rulesets(db.session)

    assert second.created == ["kon-tum"]
    layer = active("kon-tum")
    assert layer.override_for_authority_id == province.id
    assert parameter("kon-tum", "applies_to_rule_sets").value == ["2024-2025"]
    # An override is never the national rule set in force.
    assert rule_set_in_force(db.session, date(2024, 6, 1)).code == "2024-2025"
