"""`flask rules load` and `flask rules show`. Loading is one transaction: every file is checked first, and a
single problem anywhere means nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from workflow.core.today import local_today
from workflow.rules.catalogue import find_rule_set, rule_set_contents, rule_set_summaries
from workflow.rules.money import vnd
from workflow.rules.rulesets import DEFAULT_DIRECTORY, RuleSetError, load_rulesets, rule_set_in_force
from workflow.rules.salaries import base_salaries

rules_cli = AppGroup("rules", help="Bộ quy định thi đua, khen thưởng.")


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "nay"


@rules_cli.command("load")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_DIRECTORY,
    show_default=True,
    help="Thư mục chứa các tệp *.yaml, overrides/ và base_salaries.yaml.",
)
def load_command(directory: Path) -> None:
    """Load the rule-set files: an unchanged file changes nothing, a changed one becomes a new revision and the
    old revision stays for the record. Exits 1, listing every problem, when any file is wrong."""
    try:
        report = load_rulesets(db.session, directory)
    except RuleSetError as error:
        db.session.rollback()
        click.echo(f"Bộ quy định không hợp lệ ({len(error.errors)} lỗi); không nạp gì:", err=True)
        for problem in error.errors:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    revisions = {code: find_rule_set(db.session, code).revision for code in report.created}
    created = ", ".join(f"{code} (phiên bản {revisions[code]})" for code in report.created)
    click.echo(f"Tạo mới: {created or 'không có'}")
    click.echo(f"Không đổi: {', '.join(report.unchanged) or 'không có'}")
    for code, reason in report.skipped.items():
        click.echo(f"Bỏ qua: {code} — {reason}")
    if report.base_salaries_created:
        days = ", ".join(_day(day) for day in report.base_salaries_created)
        click.echo(f"Lương cơ sở: thêm {len(report.base_salaries_created)} mức ({days})")
    if report.base_salaries_conflicting:
        days = ", ".join(_day(day) for day in report.base_salaries_conflicting)
        click.echo(f"Lương cơ sở khác với tệp, giữ nguyên mức trong cơ sở dữ liệu: {days}")


@rules_cli.command("show")
@click.argument("code", required=False)
def show_command(code: str | None) -> None:
    """Without CODE: every loaded rule set and the base salaries. With CODE: the active revision's entries."""
    if code is None:
        _show_all()
        return
    rule_set = find_rule_set(db.session, code)
    if rule_set is None:
        click.echo(f"Không có bộ quy định đang dùng mã {code}.", err=True)
        raise SystemExit(1)
    _show_one(rule_set)


def _show_all() -> None:
    summaries = rule_set_summaries(db.session)
    if not summaries:
        click.echo("Chưa nạp bộ quy định nào; chạy `flask rules load`.")
    for rs in summaries:
        state = "đang dùng" if rs.active else "phiên bản cũ"
        layer = (
            f" — riêng của {rs.override_for_authority.code}, áp dụng cho {', '.join(rs.applies_to)}"
            if rs.override_for_authority
            else ""
        )
        click.echo(
            f"{rs.code} phiên bản {rs.revision} ({state}) {_day(rs.effective_from)}–{_day(rs.effective_to)}"
            f" [{rs.content_hash[:12]}]{layer}: {rs.name}"
        )
    today = local_today()
    in_force = rule_set_in_force(db.session, today)
    click.echo(f"Có hiệu lực hôm nay ({_day(today)}): {in_force.code if in_force else 'không có'}")
    click.echo("Lương cơ sở:")
    for row in base_salaries(db.session):
        click.echo(f"  từ {_day(row.effective_from)}: {vnd(row.amount_vnd)} ({row.legal_source})")


def _show_one(rule_set) -> None:
    rs = rule_set_contents(db.session, rule_set)
    click.echo(f"{rs.code} phiên bản {rs.revision}: {rs.name}")
    click.echo(f"Hiệu lực {_day(rs.effective_from)}–{_day(rs.effective_to)}; căn cứ: {rs.legal_source}")
    click.echo("Danh hiệu, hình thức (hệ số tiền thưởng):")
    for t in rs.titles:
        multiple = "không có" if t.money_multiple is None else f"{t.money_multiple.normalize():f}"
        click.echo(f"  {t.code} — {t.name_vi}: {multiple} ({t.legal_source})")
    click.echo("Thẩm quyền quyết định:")
    for c in rs.competences:
        click.echo(f"  {c.authority_level}: {c.title_code} ({c.legal_source})")
    click.echo("Thủ tục (ngày làm việc):")
    for p in rs.procedures:
        click.echo(f"  {p.procedure}: {p.time_limit_working_days} ({p.legal_source})")
    click.echo("Thành phần hồ sơ:")
    for d in rs.required_documents:
        click.echo(f"  {d.procedure}/{d.kind}: {d.name_vi} ({d.legal_source})")
    click.echo("Tham số:")
    for p in rs.parameters:
        mark = " [cấu hình]" if p.configurable else ""
        click.echo(f"  {p.key} = {json.dumps(p.value, ensure_ascii=False)}{mark} ({p.legal_source})")


def register(app: Flask) -> None:
    app.cli.add_command(rules_cli)
