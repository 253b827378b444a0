"""The eligibility rules E1–E12 and E14 (docs/DOMAIN.md §4) as pure functions of the facts and the law in force.

Each rule returns one Finding, or None when it does not apply: to this title, or in this period because the rule
set has no parameter for it (E12 and E14 exist from July 2025 only; E10 reads a different parameter before 2024,
from 2024 and from July 2025). A finding's severity follows the data:
a condition that fails against a parameter the law fixes blocks; one that fails against a `configurable` value
(a figure the province or the council sets, or one not confirmed) warns, so the standing office may accept it in
writing; and a fact nobody recorded warns too, since the office can check the paper file. E13 (competence) lives
in workflow/rules/competence.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal

from models.dossier import ANNUAL_RATINGS
from workflow.core.messages import Message, msg
from workflow.rules.eligibility.basis import Parameter
from workflow.rules.eligibility.facts import (
    CSTD_TINH,
    CSTD_TOAN_QUOC,
    CSTDCS,
    LDTT,
    TLDTT,
    TLDXS,
    Facts,
    PendingTitle,
)

BLOCK, WARN, PASS = "block", "warn", "pass"
SEVERITIES = (PASS, WARN, BLOCK)

# What the office calls each condition, plainest first; the code stays beside it for the office's reference.
RULE_NAMES = {
    "E1": msg("Xếp loại hoàn thành nhiệm vụ"),
    "E2": msg("Thời gian công tác"),
    "E3": msg("Đạt Lao động tiên tiến cùng năm"),
    "E4": msg("Sáng kiến hoặc hoàn thành xuất sắc nhiệm vụ"),
    "E5": msg("Tỷ lệ CSTĐCS của đơn vị"),
    "E6": msg("Các năm liền đạt CSTĐCS và sáng kiến cấp tỉnh"),
    "E7": msg("Các lần liền đạt CSTĐ tỉnh và sáng kiến toàn quốc"),
    "E8": msg("Tiêu chuẩn tập thể lao động tiên tiến"),
    "E9": msg("Tiêu chuẩn tập thể lao động xuất sắc"),
    "E10": msg("Kỷ luật"),
    "E11": msg("Mỗi thành tích chỉ khen một lần"),
    "E12": msg("Khen thưởng đột xuất, chuyên đề"),
    "E13": msg("Thẩm quyền quyết định"),
    "E14": msg("Đơn vị còn hoạt động"),
}
SHORT_NAMES = {
    LDTT: msg("LĐTT"),
    CSTDCS: msg("CSTĐCS"),
    CSTD_TINH: msg("CSTĐ tỉnh"),
    CSTD_TOAN_QUOC: msg("CSTĐ toàn quốc"),
    TLDTT: msg("TLĐTT"),
    TLDXS: msg("TLĐXS"),
}
RATING_LABELS = {
    "excellent": msg("hoàn thành xuất sắc nhiệm vụ"),
    "good": msg("hoàn thành tốt nhiệm vụ"),
    "complete": msg("hoàn thành nhiệm vụ"),
    "incomplete": msg("không hoàn thành nhiệm vụ"),
}
# Discipline levels from the mildest; "under_review" is not a level but a state (E10).
DISCIPLINE_LEVELS = ("reprimand", "warning", "dismissal")
DISCIPLINE_LABELS = {
    "none": msg("không có"),
    "under_review": msg("đang bị xem xét kỷ luật"),
    "reprimand": msg("khiển trách"),
    "warning": msg("cảnh cáo"),
    "dismissal": msg("cách chức, buộc thôi việc"),
}
SCOPE_LEVELS = ("unit", "district", "province", "national")
SCOPE_LABELS = {
    "unit": msg("cơ sở"),
    "district": msg("cấp huyện"),
    "province": msg("cấp tỉnh"),
    "national": msg("toàn quốc"),
}
ACHIEVEMENT_LABELS = {
    "excellent_rating": msg("hoàn thành xuất sắc nhiệm vụ"),
    "initiative": msg("sáng kiến được công nhận"),
    "research": msg("đề tài nghiên cứu khoa học được nghiệm thu"),
}
AWARD_BASIS_LABELS = {"sudden": msg("đột xuất"), "thematic": msg("chuyên đề")}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str  # a Message, translatable, when the rules made it
    source: str
    overridden: bool = False
    override_reason: str | None = None

    def accepted(self, reason: str) -> Finding:
        return replace(self, overridden=True, override_reason=reason)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


@dataclass(frozen=True)
class Law:
    """The parameters of the rule book by key, and the rule set's own legal basis for the rule without a parameter
    of its own (E11)."""

    parameters: Mapping[str, Parameter]
    source: str

    def get(self, key: str) -> Parameter | None:
        return self.parameters.get(key)

    def on(self, key: str) -> Parameter | None:
        """The parameter when present and switched on."""
        parameter = self.parameters.get(key)
        return parameter if parameter is not None and parameter.value else None


@dataclass(frozen=True)
class Check:
    """One condition of a rule: met, not met, or unknown (None) because a fact was never recorded."""

    met: bool | None
    text: Message
    source: str
    configurable: bool = False

    @classmethod
    def of(cls, met: bool | None, text: Message, parameter: Parameter) -> Check:
        return cls(met, text, parameter.source, parameter.configurable)

    @property
    def severity(self) -> str:
        if self.met:
            return PASS
        return WARN if self.met is None or self.configurable else BLOCK


def finding(rule: str, checks: list[Check], *also: Parameter | None) -> Finding:
    """One finding from a rule's checks: the worst severity, every check's text, every source once."""
    severity = max((c.severity for c in checks), key=SEVERITIES.index)
    sources = dict.fromkeys([c.source for c in checks] + [p.source for p in also if p is not None])
    text = checks[0].text
    for check in checks[1:]:
        # Joined as a message of messages, so each sentence is still translated in the reader's language.
        text = msg("%(first)s. %(then)s", first=text, then=check.text)
    return Finding(rule, severity, text, "; ".join(s for s in sources if s))


# --- small helpers -----------------------------------------------------------------------------------------------


def _for(facts: Facts) -> Message:
    return msg("để xét %(title)s %(year)s", title=SHORT_NAMES.get(facts.title_code, facts.title_code), year=facts.year)


def _at_least_rating(rating: str, minimum: str) -> bool:
    return ANNUAL_RATINGS.index(rating) <= ANNUAL_RATINGS.index(minimum)


def _at_least_discipline(status: str, threshold: str) -> bool:
    return status in DISCIPLINE_LEVELS and DISCIPLINE_LEVELS.index(status) >= DISCIPLINE_LEVELS.index(threshold)


def _percent(value: Decimal) -> str:
    """0.15 → "15%", 2/3 → "66,7%" (decimal comma)."""
    rounded = (value * 100).quantize(Decimal("0.1")).normalize()
    return f"{rounded:f}".replace(".", ",") + "%"


def _number(value: Decimal) -> str:
    """2,25 with a decimal comma, 3 without decimals."""
    return f"{value.normalize():f}".replace(".", ",")


def _ratio(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole)


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years) if years else msg("không có")


def _counting_from(facts: Facts, law: Law) -> int:
    """E10: after a person's discipline, only achievements of later years count."""
    if law.on("discipline_only_later_achievements") is None or facts.subject_kind != "person":
        return 0
    disciplined = [
        y.year for y in facts.years.values() if y.year <= facts.year and y.discipline_status in DISCIPLINE_LEVELS
    ]
    return max(disciplined) + 1 if disciplined else 0


def _special_awards_count(law: Law) -> bool:
    """E12: without the parameter (before July 2025) every award counts toward a higher title."""
    parameter = law.get("special_awards_count_toward_higher")
    return parameter is None or bool(parameter.value)


# --- the ladder a higher title climbs (E6, E7, E12) -----------------------------------------------------------


@dataclass(frozen=True)
class Ladder:
    """A higher title needs `needed` years holding the lower title within [first, last], the last of them `last`:
    the achievement year under review."""

    lower: str
    first: int
    last: int
    needed: int
    parameter: Parameter


def _ladder(facts: Facts, law: Law) -> Ladder | None:
    if facts.title_code == CSTD_TINH and (years := law.get("cstd_tinh_consecutive_years")):
        return Ladder(CSTDCS, facts.year - years.value + 1, facts.year, years.value, years)
    if facts.title_code == CSTD_TOAN_QUOC and (times := law.get("cstd_tq_consecutive_cstd_tinh")):
        # CSTĐ tỉnh crowns a run of CSTĐCS years, so consecutive ones lie within that many runs.
        cycle = law.get("cstd_tinh_consecutive_years")
        span = times.value * (cycle.value if cycle else 1)
        return Ladder(CSTD_TINH, facts.year - span + 1, facts.year, times.value, times)
    return None


def _rungs(facts: Facts, law: Law, ladder: Ladder, *, with_special: bool) -> list[int]:
    start = max(ladder.first, _counting_from(facts, law))
    return sorted(
        {
            a.year
            for a in facts.awards
            if a.title_code == ladder.lower
            and start <= a.year <= ladder.last
            and (with_special or a.basis == "regular")
        }
    )


def _climbed(ladder: Ladder, years: list[int]) -> bool:
    return len(years) >= ladder.needed and ladder.last in years


def _pending_rung(facts: Facts, ladder: Ladder) -> PendingTitle | None:
    """The lower title of the year under review, proposed in this round and not decided yet."""
    return next((p for p in facts.pending if p.title_code == ladder.lower and p.year == ladder.last), None)


def _listing(items: list[Message]) -> Message:
    """Several messages as one list, each still translated."""
    text = items[0]
    for item in items[1:]:
        text = msg("%(first)s, %(then)s", first=text, then=item)
    return text


def _ladder_check(facts: Facts, law: Law, ladder: Ladder) -> Check:
    years = _rungs(facts, law, ladder, with_special=_special_awards_count(law))
    lower = SHORT_NAMES[ladder.lower]
    held = _years(years)
    span = {"lower": lower, "first": ladder.first, "last": ladder.last, "needed": ladder.needed}
    if ladder.needed == ladder.last - ladder.first + 1:
        missing = [y for y in range(ladder.first, ladder.last + 1) if y not in years]
        if missing and years:
            held = msg("%(held)s (thiếu %(missing)s)", held=held, missing=_years(missing))
        need = msg("cần đủ %(needed)s năm liên tục đến năm %(last)s", **span)
    else:
        need = msg("cần %(needed)s lần liên tục, lần cuối năm %(last)s", **span)
    text = msg(
        "%(lower)s %(first)s–%(last)s: %(held)s; %(need)s %(purpose)s",
        **span,
        held=held,
        need=need,
        purpose=_for(facts),
    )
    pending = None if ladder.last in years else _pending_rung(facts, ladder)
    if pending is not None and not _climbed(ladder, years) and _climbed(ladder, [*years, ladder.last]):
        # Decided or refused later in the round, the title settles the question: the finding is recomputed then.
        text = msg(
            "%(text)s; phụ thuộc %(lower)s %(last)s trong đợt xét này (đề nghị trong hồ sơ %(dossier)s, chưa có "
            "quyết định)",
            text=text,
            lower=lower,
            last=ladder.last,
            dossier=pending.dossier_code,
        )
        return Check.of(None, text, ladder.parameter)
    return Check.of(_climbed(ladder, years), text, ladder.parameter)


def _initiative_check(facts: Facts, law: Law, parameter: Parameter, first: int) -> Check:
    """An initiative or research work of at least the parameter's scope, recognised from `first` to the year."""
    start = max(first, _counting_from(facts, law))
    found = [
        i
        for i in facts.initiatives
        if start <= i.year <= facts.year and SCOPE_LEVELS.index(i.scope) >= SCOPE_LEVELS.index(parameter.value)
    ]
    what = msg(
        "Sáng kiến, đề tài có phạm vi ảnh hưởng từ %(scope)s trở lên (%(start)s–%(year)s)",
        scope=SCOPE_LABELS[parameter.value],
        start=start,
        year=facts.year,
    )
    need = msg("cần có %(purpose)s", purpose=_for(facts))
    if found:
        listed = _listing(
            [
                msg("“%(name)s” (%(scope)s, %(year)s)", name=i.title, scope=SCOPE_LABELS[i.scope], year=i.year)
                for i in found
            ]
        )
        return Check.of(True, msg("%(what)s: %(listed)s; %(need)s", what=what, listed=listed, need=need), parameter)
    if facts.relies_on_initiative:
        # The unit says it relies on one and the recognition is in the dossier, but its scope was never recorded.
        text = msg("%(what)s: có văn bản công nhận nhưng chưa ghi phạm vi ảnh hưởng; %(need)s", what=what, need=need)
        return Check.of(None, text, parameter)
    return Check.of(False, msg("%(what)s: không có; %(need)s", what=what, need=need), parameter)


# --- the rules -------------------------------------------------------------------------------------------------


def e1_rating(facts: Facts, law: Law) -> Finding | None:
    minimum = law.get("ldtt_min_rating")
    if facts.title_code != LDTT or minimum is None:
        return None
    rating = facts.this_year.annual_rating if facts.this_year else None
    need = msg("cần từ %(minimum)s trở lên %(purpose)s", minimum=RATING_LABELS[minimum.value], purpose=_for(facts))
    if rating is None:
        text = msg("Xếp loại năm %(year)s: chưa có dữ liệu; %(need)s", year=facts.year, need=need)
        return finding("E1", [Check.of(None, text, minimum)])
    met = _at_least_rating(rating, minimum.value)
    text = msg("Xếp loại năm %(year)s: %(rating)s; %(need)s", year=facts.year, rating=RATING_LABELS[rating], need=need)
    return finding("E1", [Check.of(met, text, minimum)])


def e2_service(facts: Facts, law: Law) -> Finding | None:
    minimum = law.get("ldtt_min_months")
    if facts.title_code != LDTT or minimum is None:
        return None
    counted = law.on("ldtt_service_counts_injury_and_training")
    months = facts.this_year.months_of_service if facts.this_year else None
    note = msg(" (tính cả thời gian điều trị thương tích được xác nhận và đi học được cử)") if counted else ""
    need = msg("cần từ %(minimum)s tháng %(purpose)s", minimum=minimum.value, purpose=_for(facts))
    if months is None:
        text = msg(
            "Thời gian công tác năm %(year)s: chưa có dữ liệu%(note)s; %(need)s", year=facts.year, note=note, need=need
        )
        return finding("E2", [Check.of(None, text, minimum)], counted)
    text = msg(
        "Thời gian công tác năm %(year)s: %(months)s tháng%(note)s; %(need)s",
        year=facts.year,
        months=months,
        note=note,
        need=need,
    )
    return finding("E2", [Check.of(months >= minimum.value, text, minimum)], counted)


def _ldtt_standard(facts: Facts, law: Law) -> tuple[bool | None, Message]:
    """Whether the person met the LĐTT standard in the year: awarded it, or the facts meet E1 and E2."""
    awarded = [a for a in facts.awards if a.title_code == LDTT and a.year == facts.year]
    if awarded:
        return True, msg(
            "có (quyết định số %(number)s ngày %(day)s)",
            number=awarded[0].decision_number,
            day=f"{awarded[0].decision_date:%d/%m/%Y}",
        )
    record = facts.this_year
    rating = record.annual_rating if record else None
    months = record.months_of_service if record else None
    minimum_rating, minimum_months = law.get("ldtt_min_rating"), law.get("ldtt_min_months")
    missing = [
        label
        for label, needed, value in (
            (msg("xếp loại"), minimum_rating, rating),
            (msg("số tháng công tác"), minimum_months, months),
        )
        if needed is not None and value is None
    ]
    if missing:
        return None, msg("chưa rõ (thiếu %(missing)s)", missing=_listing(missing))
    met = (minimum_rating is None or _at_least_rating(rating, minimum_rating.value)) and (
        minimum_months is None or months >= minimum_months.value
    )
    details = [
        *([msg("xếp loại %(rating)s", rating=RATING_LABELS[rating])] if rating else []),
        *([msg("%(months)s tháng công tác", months=months)] if months is not None else []),
    ]
    answer = msg("có") if met else msg("không")
    return met, msg("%(answer)s (%(details)s)", answer=answer, details=_listing(details)) if details else answer


def e3_ldtt_first(facts: Facts, law: Law) -> Finding | None:
    required = law.on("cstdcs_requires_ldtt")
    if facts.title_code != CSTDCS or required is None:
        return None
    met, state = _ldtt_standard(facts, law)
    text = msg(
        "Đạt LĐTT năm %(year)s: %(state)s; chỉ người đạt LĐTT cùng năm mới được xét %(title)s",
        year=facts.year,
        state=state,
        title=SHORT_NAMES[CSTDCS],
    )
    return finding("E3", [Check.of(met, text, required)])


def e4_achievement(facts: Facts, law: Law) -> Finding | None:
    qualifying = law.get("cstdcs_qualifying_achievements")
    if facts.title_code != CSTDCS or qualifying is None:
        return None
    allowed = list(qualifying.value)
    rating = facts.this_year.annual_rating if facts.this_year else None
    have = []
    if "excellent_rating" in allowed and rating == "excellent":
        have.append(RATING_LABELS["excellent"])
    works = [i for i in facts.initiatives if i.year == facts.year and i.kind in allowed]
    have += [msg("%(kind)s “%(name)s”", kind=ACHIEVEMENT_LABELS[i.kind], name=i.title) for i in works]
    if not works and facts.relies_on_initiative and {"initiative", "research"} & set(allowed):
        have.append(msg("sáng kiến, đề tài được công nhận (văn bản công nhận trong hồ sơ)"))
    what = msg(
        "Thành tích năm %(year)s (%(kinds)s)", year=facts.year, kinds=_listing([ACHIEVEMENT_LABELS[a] for a in allowed])
    )
    need = msg("cần ít nhất một %(purpose)s", purpose=_for(facts))
    if have:
        text = msg("%(what)s: %(have)s; %(need)s", what=what, have=_listing(have), need=need)
        return finding("E4", [Check.of(True, text, qualifying)])
    if "excellent_rating" in allowed and rating is None:
        text = msg("%(what)s: chưa có dữ liệu xếp loại; %(need)s", what=what, need=need)
        return finding("E4", [Check.of(None, text, qualifying)])
    return finding("E4", [Check.of(False, msg("%(what)s: không có; %(need)s", what=what, need=need), qualifying)])


def e5_quota(facts: Facts, law: Law) -> Finding | None:
    """The cap is a share of the unit's LĐTT, rounded down to whole people; the nomination itself is counted."""
    cap = law.get("cstdcs_cap_ratio")
    if facts.title_code != CSTDCS or cap is None or facts.quota is None:
        return None
    quota, ratio = facts.quota, Decimal(str(cap.value))
    allowed = ratio * quota.ldtt_holders
    met = quota.cstdcs_count <= allowed
    text = msg(
        "Năm %(year)s, %(unit)s có %(ldtt)s người đạt Lao động tiên tiến; Chiến sĩ thi đua cơ sở tối đa %(share)s số "
        "đó, tức %(exact)s, làm tròn xuống %(allowed)s người. Tính cả đề nghị này, đơn vị có %(count)s người đạt "
        "hoặc được đề nghị Chiến sĩ thi đua cơ sở — %(outcome)s",
        year=facts.year,
        unit=quota.unit_name,
        ldtt=quota.ldtt_holders,
        share=_percent(ratio),
        exact=_number(allowed),
        allowed=allowed.to_integral_value(rounding=ROUND_FLOOR),
        count=quota.cstdcs_count,
        outcome=msg("trong giới hạn") if met else msg("đề nghị này vượt giới hạn"),
    )
    return finding("E5", [Check.of(met, text, cap)])


def e6_provincial_fighter(facts: Facts, law: Law) -> Finding | None:
    scope = law.get("cstd_tinh_initiative_scope")
    ladder = _ladder(facts, law)
    if facts.title_code != CSTD_TINH or (ladder is None and scope is None):
        return None
    checks = [_ladder_check(facts, law, ladder)] if ladder else []
    if scope is not None:
        checks.append(_initiative_check(facts, law, scope, ladder.first if ladder else facts.year))
    return finding("E6", checks)


def e7_national_fighter(facts: Facts, law: Law) -> Finding | None:
    scope = law.get("cstd_tq_initiative_scope")
    ladder = _ladder(facts, law)
    if facts.title_code != CSTD_TOAN_QUOC or (ladder is None and scope is None):
        return None
    checks = [_ladder_check(facts, law, ladder)] if ladder else []
    if scope is not None:
        checks.append(_initiative_check(facts, law, scope, ladder.first if ladder else facts.year))
    return finding("E7", checks)


def _members_ldtt_check(facts: Facts, ratio: Parameter, *, strict: bool) -> Check:
    record = facts.this_year
    members = record.member_count if record else None
    ldtt = record.members_ldtt if record else None
    share = _percent(Decimal(str(ratio.value)))
    need = (
        msg("cần trên %(share)s %(purpose)s", share=share, purpose=_for(facts))
        if strict
        else msg("cần từ %(share)s %(purpose)s", share=share, purpose=_for(facts))
    )
    if not members or ldtt is None:
        text = msg(
            "Thành viên đạt LĐTT năm %(year)s: chưa có dữ liệu số thành viên; %(need)s", year=facts.year, need=need
        )
        return Check.of(None, text, ratio)
    part = _ratio(ldtt, members)
    met = part > Decimal(str(ratio.value)) if strict else part >= Decimal(str(ratio.value))
    text = msg(
        "Thành viên đạt LĐTT năm %(year)s: %(ldtt)s/%(members)s (%(share)s); %(need)s",
        year=facts.year,
        ldtt=ldtt,
        members=members,
        share=_percent(part),
        need=need,
    )
    return Check.of(met, text, ratio)


def _discipline_check(facts: Facts, threshold: Parameter) -> Check:
    """A collective's discipline status is the most severe level among its members disciplined in the year; the
    number disciplined, when recorded, says whether there is any level to judge at all."""
    record = facts.this_year
    year = facts.year
    need = msg("cần không có thành viên bị kỷ luật từ %(level)s trở lên", level=DISCIPLINE_LABELS[threshold.value])
    if record is None:
        text = msg("Kỷ luật của thành viên năm %(year)s: chưa có dữ liệu; %(need)s", year=year, need=need)
        return Check.of(None, text, threshold)
    count, status = record.members_disciplined, record.discipline_status
    if count is None:
        text = msg(
            "Kỷ luật cao nhất của thành viên năm %(year)s: %(level)s; %(need)s",
            year=year,
            level=DISCIPLINE_LABELS[status],
            need=need,
        )
        return Check.of(not _at_least_discipline(status, threshold.value), text, threshold)
    if count == 0:
        text = msg(
            "Kỷ luật của thành viên năm %(year)s: không có thành viên bị kỷ luật; %(need)s", year=year, need=need
        )
        return Check.of(True, text, threshold)
    if status not in DISCIPLINE_LEVELS:
        text = msg(
            "Kỷ luật của thành viên năm %(year)s: %(count)s thành viên bị kỷ luật, chưa có dữ liệu mức kỷ luật cao "
            "nhất; %(need)s",
            year=year,
            count=count,
            need=need,
        )
        return Check.of(None, text, threshold)
    text = msg(
        "Kỷ luật của thành viên năm %(year)s: %(count)s thành viên bị kỷ luật, cao nhất: %(level)s; %(need)s",
        year=year,
        count=count,
        level=DISCIPLINE_LABELS[status],
        need=need,
    )
    return Check.of(not _at_least_discipline(status, threshold.value), text, threshold)


def _completed_check(facts: Facts, everyone: Parameter) -> Check:
    record = facts.this_year
    members = record.member_count if record else None
    ldtt = record.members_ldtt if record else None
    completed = record.members_completed if record else None
    what = msg("Tất cả thành viên hoàn thành nhiệm vụ năm %(year)s", year=facts.year)
    need = msg("cần có %(purpose)s", purpose=_for(facts))
    # Every member being LĐTT proves it, whatever else was recorded.
    if members and ldtt == members:
        text = msg(
            "%(what)s: có (%(ldtt)s/%(members)s đạt LĐTT); %(need)s", what=what, ldtt=ldtt, members=members, need=need
        )
        return Check.of(True, text, everyone)
    if not members or completed is None:
        return Check.of(None, msg("%(what)s: chưa có dữ liệu; %(need)s", what=what, need=need), everyone)
    met = completed == members
    text = msg(
        "%(what)s: %(answer)s (%(completed)s/%(members)s hoàn thành nhiệm vụ); %(need)s",
        what=what,
        answer=msg("có") if met else msg("không"),
        completed=completed,
        members=members,
        need=need,
    )
    return Check.of(met, text, everyone)


def e8_advanced_collective(facts: Facts, law: Law) -> Finding | None:
    ratio, discipline = law.get("tldtt_min_ldtt_ratio"), law.get("tldtt_blocking_discipline")
    if facts.title_code != TLDTT or (ratio is None and discipline is None):
        return None
    checks = []
    if ratio is not None:
        strict = law.on("tldtt_ldtt_ratio_strict")
        checks.append(_members_ldtt_check(facts, ratio, strict=strict is not None))
    if discipline is not None:
        checks.append(_discipline_check(facts, discipline))
    return finding("E8", checks, law.get("tldtt_ldtt_ratio_strict"))


def e9_excellent_collective(facts: Facts, law: Law) -> Finding | None:
    ratio, fighters = law.get("tldxs_min_ldtt_ratio"), law.get("tldxs_min_cstdcs")
    everyone, discipline = law.on("tldxs_all_members_complete"), law.get("tldxs_blocking_discipline")
    if facts.title_code != TLDXS or not any((ratio, fighters, everyone, discipline)):
        return None
    record = facts.this_year
    checks = []
    if everyone is not None:
        checks.append(_completed_check(facts, everyone))
    if ratio is not None:
        checks.append(_members_ldtt_check(facts, ratio, strict=False))
    if fighters is not None:
        count = record.members_cstdcs if record else None
        need = msg("cần ít nhất %(needed)s %(purpose)s", needed=fighters.value, purpose=_for(facts))
        if count is None:
            text = msg("Thành viên đạt CSTĐCS năm %(year)s: chưa có dữ liệu; %(need)s", year=facts.year, need=need)
            checks.append(Check.of(None, text, fighters))
        else:
            text = msg(
                "Thành viên đạt CSTĐCS năm %(year)s: %(count)s; %(need)s", year=facts.year, count=count, need=need
            )
            checks.append(Check.of(count >= fighters.value, text, fighters))
    if discipline is not None:
        checks.append(_discipline_check(facts, discipline))
    return finding("E9", checks)


def _discipline_in_year_check(facts: Facts, threshold: Parameter) -> Check:
    """Before 2024: a person disciplined at the threshold level or above in the year is not considered."""
    status = facts.this_year.discipline_status if facts.this_year else None
    need = msg(
        "người bị kỷ luật từ %(level)s trở lên trong năm thì không được xét %(title)s",
        level=DISCIPLINE_LABELS[threshold.value],
        title=SHORT_NAMES.get(facts.title_code, facts.title_code),
    )
    if status is None:
        return Check.of(
            None, msg("Kỷ luật năm %(year)s: chưa có dữ liệu; %(need)s", year=facts.year, need=need), threshold
        )
    met = not _at_least_discipline(status, threshold.value)
    text = msg("Kỷ luật năm %(year)s: %(level)s; %(need)s", year=facts.year, level=DISCIPLINE_LABELS[status], need=need)
    return Check.of(met, text, threshold)


def e10_discipline(facts: Facts, law: Law) -> Finding | None:
    review, later = law.on("block_during_discipline_review"), law.on("discipline_only_later_achievements")
    in_year = law.get("discipline_in_year_blocks_from")
    if review is None and later is None and in_year is None:
        return None
    checks = []
    if in_year is not None and facts.subject_kind == "person":
        checks.append(_discipline_in_year_check(facts, in_year))
    if review is not None:
        under = sorted(
            y.year for y in facts.years.values() if y.year >= facts.year and y.discipline_status == "under_review"
        )
        text = (
            msg(
                "Đang bị xem xét kỷ luật, điều tra, thanh tra: có (năm %(years)s); không khen thưởng trong thời gian "
                "này",
                years=_years(under),
            )
            if under
            else msg("Đang bị xem xét kỷ luật, điều tra, thanh tra: không")
        )
        checks.append(Check.of(not under, text, review))
    if later is not None and facts.subject_kind == "person":
        since = _counting_from(facts, law)
        if not since:
            checks.append(Check.of(True, msg("Kỷ luật đến năm %(year)s: không có", year=facts.year), later))
        else:
            status = DISCIPLINE_LABELS[facts.years[since - 1].discipline_status]
            if since > facts.year:
                text = msg(
                    "Bị kỷ luật %(level)s năm %(year)s: thành tích năm %(year)s không được tính %(purpose)s",
                    level=status,
                    year=facts.year,
                    purpose=_for(facts),
                )
                checks.append(Check.of(False, text, later))
            else:
                text = msg(
                    "Kỷ luật gần nhất: %(level)s năm %(year)s; chỉ tính thành tích từ năm %(since)s",
                    level=status,
                    year=since - 1,
                    since=since,
                )
                checks.append(Check.of(True, text, later))
    return finding("E10", checks) if checks else None


def e11_once(facts: Facts, law: Law) -> Finding | None:
    """One achievement is rewarded once: no other live nomination, in any unit, and no registry entry for the same
    identity, title and year. A namesake with the same birth date warns: perhaps one person recorded twice."""
    title = msg("%(title)s %(year)s", title=SHORT_NAMES.get(facts.title_code, facts.title_code), year=facts.year)
    # The rule needs no value; a parameter, when the rule set has one, only names the precise article.
    stated = law.get("one_award_per_achievement")
    source = stated.source if stated is not None else law.source
    checks = [
        Check(
            False,
            msg(
                "Đã được đề nghị %(title)s trong hồ sơ %(dossier)s (%(unit)s)",
                title=title,
                dossier=d.dossier_code,
                unit=d.unit_name,
            ),
            source,
        )
        for d in facts.duplicates
    ]
    checks += [
        Check(
            False,
            msg(
                "Đã được khen %(title)s: quyết định số %(number)s ngày %(day)s (%(authority)s)",
                title=title,
                number=a.decision_number,
                day=f"{a.decision_date:%d/%m/%Y}",
                authority=a.deciding_authority,
            ),
            source,
        )
        for a in facts.awards
        if a.title_code == facts.title_code and a.year == facts.year
    ]
    checks += [
        Check(
            None,
            msg(
                "Có thể trùng người: %(name)s (sinh %(born)s) được đề nghị %(title)s trong hồ sơ %(dossier)s "
                "(%(unit)s); hãy kiểm tra đây có phải cùng một người không",
                name=d.full_name,
                born=f"{d.date_of_birth:%d/%m/%Y}",
                title=title,
                dossier=d.dossier_code,
                unit=d.unit_name,
            ),
            source,
        )
        for d in facts.lookalikes
    ]
    if not checks:
        text = msg("Không có đề nghị hay khen thưởng nào khác về %(title)s cho cùng đối tượng", title=title)
        checks = [Check(True, text, source)]
    return finding("E11", checks)


def e12_special_awards(facts: Facts, law: Law) -> Finding | None:
    parameter = law.get("special_awards_count_toward_higher")
    ladder = _ladder(facts, law)
    if parameter is None or parameter.value or ladder is None:
        return None
    everything = _rungs(facts, law, ladder, with_special=True)
    regular = _rungs(facts, law, ladder, with_special=False)
    specials = [
        a for a in facts.awards if a.title_code == ladder.lower and a.year in everything and a.year not in regular
    ]
    lower = SHORT_NAMES[ladder.lower]
    if not specials:
        text = msg(
            "Không có %(lower)s %(first)s–%(last)s nào là khen thưởng đột xuất, chuyên đề; loại này không được tính "
            "%(purpose)s",
            lower=lower,
            first=ladder.first,
            last=ladder.last,
            purpose=_for(facts),
        )
        return finding("E12", [Check.of(True, text, parameter)])
    listed = _listing(
        [
            msg(
                "%(lower)s %(year)s (%(basis)s)",
                lower=lower,
                year=a.year,
                basis=AWARD_BASIS_LABELS.get(a.basis, a.basis),
            )
            for a in specials
        ]
    )
    decisive = _climbed(ladder, everything) and not _climbed(ladder, regular)
    text = (
        msg("%(listed)s: khen thưởng đột xuất, chuyên đề không được tính nên chưa đủ điều kiện", listed=listed)
        if decisive
        else msg("%(listed)s: khen thưởng đột xuất, chuyên đề không được tính, không ảnh hưởng kết quả", listed=listed)
    )
    return finding("E12", [Check.of(not decisive, text, parameter)])


def e14_dissolved_unit(facts: Facts, law: Law) -> Finding | None:
    parameter = law.on("block_dissolved_units")
    unit = facts.subject_unit
    if parameter is None or unit is None:
        return None
    day = f"{facts.decision_on:%d/%m/%Y}"
    if unit.valid_to is not None and unit.valid_to < facts.decision_on:
        text = msg(
            "%(unit)s: chấm dứt hoạt động sau ngày %(end)s, trước ngày quyết định dự kiến %(day)s; không khen thưởng "
            "đơn vị đã giải thể",
            unit=unit.name,
            end=f"{unit.valid_to:%d/%m/%Y}",
            day=day,
        )
        return finding("E14", [Check.of(False, text, parameter)])
    text = msg("%(unit)s: còn hoạt động vào ngày quyết định dự kiến %(day)s", unit=unit.name, day=day)
    return finding("E14", [Check.of(True, text, parameter)])


RULES: tuple[Callable[[Facts, Law], Finding | None], ...] = (
    e1_rating,
    e2_service,
    e3_ldtt_first,
    e4_achievement,
    e5_quota,
    e6_provincial_fighter,
    e7_national_fighter,
    e8_advanced_collective,
    e9_excellent_collective,
    e10_discipline,
    e11_once,
    e12_special_awards,
    e14_dissolved_unit,
)
