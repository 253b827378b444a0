import shutil

import pytest
import yaml
from sqlalchemy import func, select

from models import (
    AuditEntry,
    AwardTitle,
    BaseSalary,
    Competence,
    ProcedureRule,
    RequiredDocument,
    RuleParameter,
    RuleSet,
    db,
)
from workflow.core.today import local_today
from workflow.rules.rulesets import DEFAULT_DIRECTORY, rule_set_in_force

CATALOGUE = (RuleSet, AwardTitle, Competence, ProcedureRule, RequiredDocument, RuleParameter, BaseSalary)


def row_counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in CATALOGUE}


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["rules", *args])

    return invoke


@pytest.fixture
def rules_dir(tmp_path):
    """A private copy of config/rulesets that a test may break."""
    target = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def edit_yaml(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_loading_twice_creates_the_rule_sets_once_then_reports_them_unchanged(run):
    first = run("load")
    counts = row_counts()
    second = run("load")

    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "Tạo mới: 2018-2023 (phiên bản 1), 2024-2025 (phiên bản 1), 2025-07 (phiên bản 1)",
        "Không đổi: không có",
        "Bỏ qua: kon-tum — chưa có cơ quan UBND-KONTUM",
        "Lương cơ sở: thêm 3 mức (01/07/2019, 01/07/2023, 01/07/2024)",
    ]
    assert counts["rule_sets"] == 3 and counts["base_salaries"] == 3
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines() == [
        "Tạo mới: không có",
        "Không đổi: 2018-2023, 2024-2025, 2025-07",
        "Bỏ qua: kon-tum — chưa có cơ quan UBND-KONTUM",
    ]
    assert row_counts() == counts


def test_the_province_layer_loads_once_its_authority_exists(demo, run):
    result = run("load")

    assert result.stdout.splitlines() == ["Tạo mới: không có", "Không đổi: 2018-2023, 2024-2025, 2025-07, kon-tum"]


def test_a_changed_file_becomes_a_new_revision_and_the_old_one_is_kept(run, rules_dir):
    run("load", "--dir", str(rules_dir))
    edit_yaml(rules_dir / "2024-2025.yaml", lambda d: d["titles"][0].update(money_multiple=0.35))

    result = run("load", "--dir", str(rules_dir))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "Tạo mới: 2024-2025 (phiên bản 2)",
        "Không đổi: 2018-2023, 2025-07",
    ]
    revisions = db.session.execute(
        select(RuleSet.revision, RuleSet.active).where(RuleSet.code == "2024-2025").order_by(RuleSet.revision)
    ).all()
    assert revisions == [(1, False), (2, True)]


def test_broken_files_exit_1_list_every_problem_and_write_nothing(run, rules_dir):
    edit_yaml(rules_dir / "2018-2023.yaml", lambda d: d["titles"][0].update(money_multiple="nhiều"))
    edit_yaml(rules_dir / "2025-07.yaml", lambda d: d.update(effective_from="ngày mai"))
    edit_yaml(rules_dir / "base_salaries.yaml", lambda d: d["base_salaries"][0].update(amount_vnd=-1))

    result = run("load", "--dir", str(rules_dir))

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Bộ quy định không hợp lệ (3 lỗi); không nạp gì:"
    assert lines[1:] == [
        "  - 2018-2023.yaml: titles[0].money_multiple: cần một số từ 0 đến 999.999 (tối đa 3 chữ số thập phân) "
        "hoặc null",
        "  - 2025-07.yaml: effective_from: cần một ngày dạng YYYY-MM-DD",
        "  - base_salaries.yaml: base_salaries[0].amount_vnd: cần một số nguyên dương",
    ]
    assert set(row_counts().values()) == {0}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_folder_that_does_not_exist_is_refused(run, tmp_path):
    result = run("load", "--dir", str(tmp_path / "missing"))

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert set(row_counts().values()) == {0}


def test_show_lists_every_rule_set_the_one_in_force_and_the_base_salaries(run):
    run("load")

    lines = run("show").stdout.splitlines()

    assert lines[0].startswith("2018-2023 phiên bản 1 (đang dùng) 15/10/2017–31/12/2023 [")
    assert lines[2].startswith("2025-07 phiên bản 1 (đang dùng) 01/07/2025–nay [")
    in_force = rule_set_in_force(db.session, local_today())
    assert lines[3] == f"Có hiệu lực hôm nay ({local_today():%d/%m/%Y}): {in_force.code}"
    assert lines[4] == "Lương cơ sở:"
    assert lines[-3:] == [
        "  từ 01/07/2024: 2.340.000 đ (Nghị định 73/2024/NĐ-CP)",
        "  từ 01/07/2023: 1.800.000 đ (Nghị định 24/2023/NĐ-CP)",
        "  từ 01/07/2019: 1.490.000 đ (Nghị định 38/2019/NĐ-CP)",
    ]


def test_show_with_a_code_prints_its_entries_with_their_sources(run):
    run("load")

    output = run("show", "2024-2025").stdout

    assert "TLDTT — Tập thể lao động tiên tiến: 0.8 (Luật Thi đua, khen thưởng số 06/2022/QH15" in output
    assert "GIA_DINH_VAN_HOA — Gia đình văn hóa: không có" in output
    assert "district: LDTT (Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 80)" in output
    assert "regular: 20 (" in output
    assert "cstdcs_cap_ratio = 0.15 [cấu hình] (Nghị định 91/2017/NĐ-CP, Điều 9" in output
    assert 'ldtt_min_rating = "good" (' in output


def test_show_with_an_unknown_code_exits_1(run):
    run("load")

    result = run("show", "1999")

    assert result.exit_code == 1
    assert result.stderr == "Không có bộ quy định đang dùng mã 1999.\n"
