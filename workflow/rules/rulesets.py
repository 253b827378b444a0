"""Rule sets as data: config/rulesets/*.yaml loaded into the catalogue tables, versioned by content hash.

National rule sets sit in the folder itself, province override layers in `overrides/`, dated base salaries
in `base_salaries.yaml`. Every file is validated before anything is written, so a bad file changes nothing,
and the error lists every problem at once (file and path) instead of the first one."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import ROOT
from models import (
    Authority,
    AwardTitle,
    BaseSalary,
    Competence,
    ProcedureRule,
    RequiredDocument,
    RuleParameter,
    RuleSet,
)
from models.catalogue import AWARD_CATEGORIES, AWARD_LEVELS, PROCEDURES, SUBJECT_KINDS

DEFAULT_DIRECTORY = ROOT / "config" / "rulesets"
BASE_SALARY_FILE = "base_salaries.yaml"
OVERRIDE_FOLDER = "overrides"
# Who may decide: the local levels, plus "national" so the catalogue says where forwarding ends.
COMPETENCE_LEVELS = ("commune", "district", "province", "national")
# Kept in the YAML only (AwardTitle has no column): the list of titles whose money is a local setting.
CONFIGURABLE_MONEY_KEY = "configurable_money_titles"
# Parameters whose value is a list of title codes; each code must exist in the rule set.
TITLE_LIST_KEYS = (CONFIGURABLE_MONEY_KEY, "council_higher_titles")
# An override's `applies_to` is stored as this parameter of the override rule set.
APPLIES_TO_KEY = "applies_to_rule_sets"


class RuleSetError(Exception):
    """The rule-set files do not validate; `errors` lists every problem as 'file: path: message'."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("Bộ quy định không hợp lệ:\n" + "\n".join(f"- {e}" for e in errors))


@dataclass
class LoadReport:
    """What a load did, by rule-set code; a new revision of an existing code counts as created."""

    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    base_salaries_created: list[date] = field(default_factory=list)
    # Dates whose amount in the file differs from the database; the database row is kept.
    base_salaries_conflicting: list[date] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.created or self.base_salaries_created)


# --- validation -------------------------------------------------------------------------------------------


class _Invalid(ValueError):
    """One value that does not fit; the collector adds the file and the path."""


def _text(max_length: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Invalid("cần một chuỗi không rỗng")
        if len(value.strip()) > max_length:
            raise _Invalid(f"dài quá {max_length} ký tự")
        return value.strip()

    return check


def _long_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("cần một chuỗi không rỗng")
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("cần true hoặc false")
    return value


def _day(value: Any) -> date:
    # YAML turns an unquoted 2024-01-01 into a date and a quoted one into a string; both are accepted.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Invalid("cần một ngày dạng YYYY-MM-DD")


def _optional_day(value: Any) -> date | None:
    return None if value is None else _day(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _Invalid("cần một số nguyên dương")
    return value


def _multiple(value: Any) -> Decimal | None:
    """A money multiple fits Numeric(6, 3); null means the law gives no figure."""
    if value is None:
        return None
    message = "cần một số từ 0 đến 999.999 (tối đa 3 chữ số thập phân) hoặc null"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid(message)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid(message) from None
    if not number.is_finite() or not 0 <= number < 1000 or number != number.quantize(Decimal("0.001")):
        raise _Invalid(message)
    return number


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise _Invalid(f"cần một trong {', '.join(choices)}")
        return value

    return check


def _json_value(value: Any) -> Any:
    try:
        json.dumps(value)
    except TypeError:
        raise _Invalid("cần một giá trị JSON; một ngày hãy viết trong dấu nháy") from None
    return value


def _code_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise _Invalid("cần một danh sách mã không rỗng")
    return value


def _anything(value: Any) -> Any:
    return value


_REQUIRED = object()
Spec = dict[str, tuple[Callable[[Any], Any], Any]]
_EMPTY_SECTIONS = {"titles": [], "competences": [], "procedures": [], "required_documents": {}, "parameters": []}

_HEAD: Spec = {
    "code": (_text(40), _REQUIRED),
    "name": (_text(200), _REQUIRED),
    "effective_from": (_day, _REQUIRED),
    "effective_to": (_optional_day, _REQUIRED),
    "legal_source": (_long_text, _REQUIRED),
}
_NATIONAL: Spec = {
    **_HEAD,
    **{key: (_anything, _REQUIRED) for key in _EMPTY_SECTIONS},
}
_OVERRIDE: Spec = {
    **_HEAD,
    "authority_code": (_text(40), _REQUIRED),
    "applies_to": (_code_list, _REQUIRED),
    **{key: (_anything, empty) for key, empty in _EMPTY_SECTIONS.items()},
}
_TITLE: Spec = {
    "code": (_text(40), _REQUIRED),
    "name_vi": (_text(200), _REQUIRED),
    "name_en": (_text(200), _REQUIRED),
    "subject_kind": (_one_of(SUBJECT_KINDS), _REQUIRED),
    "category": (_one_of(AWARD_CATEGORIES), _REQUIRED),
    "level": (_one_of(AWARD_LEVELS), _REQUIRED),
    # Required even when null, so that "no figure" is always a visible choice in the file.
    "money_multiple": (_multiple, _REQUIRED),
    "configurable": (_flag, False),
    "legal_source": (_long_text, _REQUIRED),
}
_COMPETENCE: Spec = {
    "authority_level": (_one_of(COMPETENCE_LEVELS), _REQUIRED),
    "title_code": (_text(40), _REQUIRED),
    "legal_source": (_long_text, _REQUIRED),
}
_PROCEDURE: Spec = {
    "procedure": (_one_of(PROCEDURES), _REQUIRED),
    "name_vi": (_text(200), _REQUIRED),
    "time_limit_working_days": (_positive_int, _REQUIRED),
    "council_review_optional": (_flag, False),
    "legal_source": (_long_text, _REQUIRED),
}
_DOCUMENT: Spec = {
    "kind": (_text(40), _REQUIRED),
    "name_vi": (_text(200), _REQUIRED),
    "name_en": (_text(200), _REQUIRED),
    "per_nominee": (_flag, False),
    "only_if_initiative": (_flag, False),
    "legal_source": (_long_text, _REQUIRED),
}
_PARAMETER: Spec = {
    "key": (_text(80), _REQUIRED),
    "value": (_json_value, _REQUIRED),
    "configurable": (_flag, False),
    "legal_source": (_long_text, _REQUIRED),
}
_BASE_SALARY: Spec = {
    "effective_from": (_day, _REQUIRED),
    "amount_vnd": (_positive_int, _REQUIRED),
    "legal_source": (_long_text, _REQUIRED),
}


class _Collector:
    """Collects every problem of every file, so one run reports them all."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, label: str, path: str, message: str) -> None:
        self.errors.append(f"{label}: {path}: {message}" if path else f"{label}: {message}")

    def record(self, label: str, path: str, data: Any, spec: Spec) -> dict | None:
        """The checked record, or None when anything in it is wrong (its errors are recorded)."""
        prefix = f"{path}." if path else ""
        if not isinstance(data, dict):
            self.add(label, path, "cần một bảng khóa: giá trị")
            return None
        before = len(self.errors)
        for key in sorted(set(data) - set(spec), key=str):
            self.add(label, f"{prefix}{key}", "khóa không được phép")
        clean = {}
        for key, (check, default) in spec.items():
            if key not in data:
                if default is _REQUIRED:
                    self.add(label, f"{prefix}{key}", "thiếu")
                else:
                    clean[key] = default
                continue
            try:
                clean[key] = check(data[key])
            except _Invalid as exc:
                self.add(label, f"{prefix}{key}", str(exc))
        return clean if len(self.errors) == before else None

    def records(self, label: str, path: str, data: Any, spec: Spec) -> list[dict | None]:
        """One checked record per item, None where an item is wrong, so indexes still match the file."""
        if not isinstance(data, list):
            self.add(label, path, "cần một danh sách")
            return []
        return [self.record(label, f"{path}[{i}]", item, spec) for i, item in enumerate(data)]

    def unique(self, label: str, path: str, rows: list[dict], key: Callable[[dict], Any], what: str) -> None:
        seen = set()
        for row in rows:
            value = key(row)
            if value in seen:
                self.add(label, path, f"{what} {value} bị trùng")
            seen.add(value)


@dataclass
class _RuleSetFile:
    label: str
    head: dict
    content_hash: str
    titles: list[dict]
    competences: list[dict]
    procedures: list[dict]
    documents: list[dict]
    parameters: list[dict]
    authority_code: str | None = None
    applies_to: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.head["code"]


def _plain(value: Any) -> Any:
    """The YAML data with dates as ISO strings, so a quoted and an unquoted date hash alike."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _content_hash(data: Any) -> str:
    canonical = json.dumps(_plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _read(path: Path, label: str, out: _Collector) -> Any:
    try:
        # libyaml parses the rule files about twenty times faster than the pure-Python loader.
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        out.add(label, "", f"không đọc được YAML ({exc})".replace("\n", " "))
        return None


def _check_rule_set(label: str, data: Any, out: _Collector, *, override: bool) -> _RuleSetFile | None:
    spec = _OVERRIDE if override else _NATIONAL
    before = len(out.errors)
    head = out.record(label, "", data, spec)
    if not isinstance(data, dict):
        return None
    # The sections are checked even when the head is wrong, so one run reports every problem.
    sections = {key: data.get(key, empty) for key, empty in _EMPTY_SECTIONS.items()}
    if head and head["effective_to"] is not None and head["effective_to"] < head["effective_from"]:
        out.add(label, "effective_to", "phải sau hoặc bằng effective_from")
    title_rows = out.records(label, "titles", sections["titles"], _TITLE)
    competence_rows = out.records(label, "competences", sections["competences"], _COMPETENCE)
    procedures = _valid(out.records(label, "procedures", sections["procedures"], _PROCEDURE))
    parameter_rows = out.records(label, "parameters", sections["parameters"], _PARAMETER)
    documents = []
    if not isinstance(sections["required_documents"], dict):
        out.add(label, "required_documents", "cần một bảng: thủ tục → danh sách giấy tờ")
    else:
        known = set(PROCEDURES) if override else _written(sections["procedures"], "procedure")
        for procedure, items in sections["required_documents"].items():
            if procedure not in known:
                out.add(label, f"required_documents.{procedure}", "thủ tục không có trong procedures")
                continue
            for item in _valid(out.records(label, f"required_documents.{procedure}", items, _DOCUMENT)):
                documents.append({**item, "procedure": procedure})
    titles, competences, parameters = _valid(title_rows), _valid(competence_rows), _valid(parameter_rows)
    out.unique(label, "titles", titles, lambda t: t["code"], "mã danh hiệu")
    out.unique(label, "competences", competences, lambda c: (c["authority_level"], c["title_code"]), "thẩm quyền")
    out.unique(label, "procedures", procedures, lambda p: p["procedure"], "thủ tục")
    out.unique(label, "required_documents", documents, lambda d: (d["procedure"], d["kind"]), "giấy tờ")
    out.unique(label, "parameters", parameters, lambda p: p["key"], "tham số")
    if not override:
        _check_title_references(label, _written(sections["titles"], "code"), competence_rows, parameter_rows, out)
        if None not in title_rows + parameter_rows:
            _check_configurable_money(label, titles, parameters, out)
    if head is None or len(out.errors) > before:
        return None
    return _RuleSetFile(
        label=label,
        head=head,
        content_hash=_content_hash(data),
        titles=titles,
        competences=competences,
        procedures=procedures,
        documents=documents,
        parameters=parameters,
        authority_code=head.get("authority_code"),
        applies_to=head.get("applies_to", []),
    )


def _valid(rows: list[dict | None]) -> list[dict]:
    return [row for row in rows if row is not None]


def _written(section: Any, key: str) -> set:
    """The names a section declares as written, even in entries that are wrong elsewhere, so one broken
    entry does not also turn every reference to it into an error."""
    return {item.get(key) for item in section if isinstance(item, dict)} if isinstance(section, list) else set()


def _check_title_references(
    label: str, known: set[str], competences: list[dict | None], parameters: list[dict | None], out: _Collector
) -> None:
    """Competences and the title-list parameters may name only titles the rule set defines."""
    for i, competence in enumerate(competences):
        if competence is not None and competence["title_code"] not in known:
            code = competence["title_code"]
            out.add(label, f"competences[{i}].title_code", f"danh hiệu {code} không có trong titles")
    for i, parameter in enumerate(parameters):
        if parameter is None or parameter["key"] not in TITLE_LIST_KEYS:
            continue
        value = parameter["value"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.add(label, f"parameters[{i}].value", "cần một danh sách mã danh hiệu")
            continue
        for code in value:
            if code not in known:
                out.add(label, f"parameters[{i}].value", f"danh hiệu {code} không có trong titles")


def _check_configurable_money(label: str, titles: list[dict], parameters: list[dict], out: _Collector) -> None:
    """The titles flagged `configurable` and the parameter listing them must agree, or one of them lies."""
    flagged = {t["code"] for t in titles if t["configurable"]}
    listed = next((p["value"] for p in parameters if p["key"] == CONFIGURABLE_MONEY_KEY), [])
    if isinstance(listed, list) and flagged != set(listed):
        out.add(
            label,
            f"parameters.{CONFIGURABLE_MONEY_KEY}",
            f"phải liệt kê đúng các danh hiệu có configurable: true ({', '.join(sorted(flagged)) or 'không có'})",
        )


def _check_periods(national: list[_RuleSetFile], out: _Collector) -> None:
    """National periods must not overlap, or two rule sets would be in force on one day."""
    ordered = sorted(national, key=lambda f: f.head["effective_from"])
    for earlier, later in pairwise(ordered):
        end = earlier.head["effective_to"]
        if end is None or end >= later.head["effective_from"]:
            out.add(later.label, "effective_from", f"trùng thời gian hiệu lực với bộ quy định {earlier.code}")


def _check_override_targets(overrides: list[_RuleSetFile], national: list[_RuleSetFile], out: _Collector) -> None:
    by_code = {f.code: f for f in national}
    for layer in overrides:
        known_titles: set[str] = {t["code"] for t in layer.titles}
        for code in layer.applies_to:
            target = by_code.get(code)
            if target is None:
                out.add(layer.label, "applies_to", f"không có bộ quy định quốc gia {code}")
                continue
            known_titles |= {t["code"] for t in target.titles}
            start, end = target.head["effective_from"], target.head["effective_to"]
            if layer.head["effective_from"] < start or (
                end is not None and (layer.head["effective_to"] is None or layer.head["effective_to"] > end)
            ):
                out.add(layer.label, "effective_from", f"thời gian hiệu lực phải nằm trong thời gian của {code}")
        _check_title_references(layer.label, known_titles, layer.competences, layer.parameters, out)
        if any(p["key"] == APPLIES_TO_KEY for p in layer.parameters):
            out.add(layer.label, "parameters", f"khóa {APPLIES_TO_KEY} dành riêng cho applies_to")


def _check_directory(directory: Path) -> tuple[list[_RuleSetFile], list[_RuleSetFile], list[dict]]:
    out = _Collector()
    national, overrides, salaries = [], [], []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == BASE_SALARY_FILE:
            continue
        checked = _check_rule_set(path.name, _read(path, path.name, out), out, override=False)
        if checked:
            national.append(checked)
    for path in sorted((directory / OVERRIDE_FOLDER).glob("*.yaml")):
        label = f"{OVERRIDE_FOLDER}/{path.name}"
        checked = _check_rule_set(label, _read(path, label, out), out, override=True)
        if checked:
            overrides.append(checked)
    if not national and not out.errors:
        out.add(str(directory), "", "không có tệp bộ quy định quốc gia (*.yaml)")
    salary_path = directory / BASE_SALARY_FILE
    if salary_path.exists():
        data = _read(salary_path, BASE_SALARY_FILE, out)
        head = out.record(BASE_SALARY_FILE, "", data, {"base_salaries": (_anything, _REQUIRED)})
        if head is not None:
            salaries = _valid(out.records(BASE_SALARY_FILE, "base_salaries", head["base_salaries"], _BASE_SALARY))
            out.unique(BASE_SALARY_FILE, "base_salaries", salaries, lambda s: s["effective_from"], "ngày")
    all_files = national + overrides
    for code in sorted({f.code for f in all_files}):
        labels = [f.label for f in all_files if f.code == code]
        if len(labels) > 1:
            out.add(", ".join(labels), "code", f"mã {code} bị trùng")
    _check_periods(national, out)
    _check_override_targets(overrides, national, out)
    if out.errors:
        raise RuleSetError(out.errors)
    return national, overrides, salaries


# --- writing ----------------------------------------------------------------------------------------------


def _store(session: Session, checked: _RuleSetFile, authority_id: int | None, report: LoadReport) -> None:
    latest = session.scalar(
        select(RuleSet).where(RuleSet.code == checked.code).order_by(RuleSet.revision.desc()).limit(1)
    )
    # Compared with the latest revision only: a file reverted to an older content becomes a new revision,
    # so the history says what was in force when.
    if latest is not None and latest.content_hash == checked.content_hash:
        report.unchanged.append(checked.code)
        return
    for older in session.scalars(select(RuleSet).where(RuleSet.code == checked.code, RuleSet.active.is_(True))):
        older.active = False
    head = checked.head
    rule_set = RuleSet(
        code=checked.code,
        revision=latest.revision + 1 if latest else 1,
        name=head["name"],
        effective_from=head["effective_from"],
        effective_to=head["effective_to"],
        legal_source=head["legal_source"],
        override_for_authority_id=authority_id,
        content_hash=checked.content_hash,
        active=True,
        titles=[
            AwardTitle(
                code=t["code"],
                name_vi=t["name_vi"],
                name_en=t["name_en"],
                subject_kind=t["subject_kind"],
                category=t["category"],
                level=t["level"],
                money_multiple=t["money_multiple"],
                legal_source=t["legal_source"],
            )
            for t in checked.titles
        ],
    )
    session.add(rule_set)
    session.flush()
    parameters = list(checked.parameters)
    if checked.applies_to:
        parameters.append({"key": APPLIES_TO_KEY, "value": checked.applies_to, "configurable": False,
                           "legal_source": head["legal_source"]})
    session.add_all(
        [Competence(rule_set_id=rule_set.id, **c) for c in checked.competences]
        + [ProcedureRule(rule_set_id=rule_set.id, **p) for p in checked.procedures]
        + [RequiredDocument(rule_set_id=rule_set.id, **d) for d in checked.documents]
        + [RuleParameter(rule_set_id=rule_set.id, **p) for p in parameters]
    )
    report.created.append(checked.code)


def _store_base_salaries(session: Session, salaries: list[dict], report: LoadReport) -> None:
    for salary in salaries:
        existing = session.scalar(select(BaseSalary).where(BaseSalary.effective_from == salary["effective_from"]))
        if existing is None:
            session.add(BaseSalary(**salary))
            report.base_salaries_created.append(salary["effective_from"])
        elif existing.amount_vnd != salary["amount_vnd"]:
            # An administrator may have corrected the row; money already paid was computed from it.
            report.base_salaries_conflicting.append(salary["effective_from"])


def load_rulesets(session: Session, directory: Path = DEFAULT_DIRECTORY) -> LoadReport:
    """Load every rule-set file of `directory` (idempotent; a changed file becomes a new revision).

    Raises RuleSetError, listing every problem, before anything is written."""
    national, overrides, salaries = _check_directory(Path(directory))
    report = LoadReport()
    for checked in national:
        _store(session, checked, None, report)
    for checked in overrides:
        authority = session.scalar(select(Authority).where(Authority.code == checked.authority_code))
        if authority is None:
            report.skipped[checked.code] = f"chưa có cơ quan {checked.authority_code}"
            continue
        _store(session, checked, authority.id, report)
    _store_base_salaries(session, salaries, report)
    session.flush()
    return report


def rule_set_in_force(session: Session, day: date) -> RuleSet | None:
    """The active national rule set whose period covers `day`, or None before the first one."""
    return session.scalar(
        select(RuleSet)
        .where(
            RuleSet.active.is_(True),
            RuleSet.override_for_authority_id.is_(None),
            RuleSet.effective_from <= day,
            (RuleSet.effective_to.is_(None)) | (RuleSet.effective_to >= day),
        )
        .order_by(RuleSet.effective_from.desc(), RuleSet.revision.desc())
        .limit(1)
    )
