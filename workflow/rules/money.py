"""Award money (docs/DOMAIN.md §3): the title's multiple × the base salary in force on the decision date, rounded up.

Every figure comes from data: the multiple from the rule set's AwardTitle (collectives have titles and multiples
of their own), the rounding unit from its `money_round_up_to_vnd` parameter, the base salary from the dated
BaseSalary rows. A province override layer of the deciding authority replaces titles and parameters it defines.
Before a decision exists the amount is an estimate for a given day, and says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, AwardTitle, BaseSalary, Decision, Dossier, Nomination, RuleParameter, RuleSet
from models.decision import DecisionState
from models.dossier import NominationState
from workflow.rules.applicable import rule_set_for
from workflow.rules.rulesets import APPLIES_TO_KEY

ROUND_UP_KEY = "money_round_up_to_vnd"
# Nominations that can no longer bring money: nothing is paid for them, so a dossier's total leaves them out.
UNPAID_STATES = (
    NominationState.WITHDRAWN,
    NominationState.INELIGIBLE,
    NominationState.NOT_APPROVED,
    NominationState.DECLINED_BY_HIGHER,
    NominationState.REVOKED,
)
_SIGNED = (DecisionState.SIGNED, DecisionState.PUBLISHED, DecisionState.REVOKED)


@dataclass(frozen=True)
class MoneyAmount:
    """One award's money and how it was reached; `amount_vnd` is None when the data gives no figure."""

    title_code: str
    rule_set_code: str | None
    on: date
    estimate: bool
    multiple: Decimal | None
    base_salary_vnd: int | None
    base_salary_from: date | None
    base_salary_source: str | None
    amount_vnd: int | None
    explanation: str
    source: str


@dataclass(frozen=True)
class NominationMoney:
    nomination: Nomination
    money: MoneyAmount


@dataclass(frozen=True)
class DossierMoney:
    """Per-nomination amounts of the nominations that may still be (or were) paid, and their total."""

    lines: tuple[NominationMoney, ...]

    @property
    def total_vnd(self) -> int:
        return sum(line.money.amount_vnd or 0 for line in self.lines)

    @property
    def unpriced(self) -> tuple[NominationMoney, ...]:
        """Lines the total leaves out because the data gives them no amount."""
        return tuple(line for line in self.lines if line.money.amount_vnd is None)

    @property
    def estimate(self) -> bool:
        return any(line.money.estimate for line in self.lines)


def vnd(amount: int) -> str:
    """2340000 → "2.340.000 đ", as Vietnamese documents write money."""
    return f"{amount:,} đ".replace(",", ".")


def _vnd_exact(value: Decimal) -> str:
    """The product before rounding, with its decimals when it has any (0,15 × 1.490.001 đ = 223.500,15 đ)."""
    whole = int(value)
    fraction = value - whole
    return vnd(whole) if not fraction else vnd(whole).replace(" đ", f",{_number(fraction)[2:]} đ")


def _tidy(value: Decimal) -> Decimal:
    """Without the column's trailing zeros: 0.800 → 0.8, 12.000 → 12 (not 1.2E+1)."""
    return Decimal(f"{value.normalize():f}")


def _number(value: Decimal) -> str:
    """0.800 → "0,8"; 12.000 → "12" (decimal comma)."""
    return f"{value.normalize():f}".replace(".", ",")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def base_salary_on(session: Session, day: date) -> BaseSalary | None:
    """The base salary row in force on `day`: the latest one that starts on or before it."""
    return session.scalar(
        select(BaseSalary).where(BaseSalary.effective_from <= day).order_by(BaseSalary.effective_from.desc()).limit(1)
    )


def _layer_ids(session: Session, rule_set: RuleSet, authority: Authority | None, on: date) -> list[int]:
    """The rule set's id, preceded by the ids of the active province layers that apply to it for this authority
    (its own or an ancestor's, nearest first) on `on`: a layer's entries replace the rule set's."""
    chain: list[int] = []
    while authority is not None and authority.id not in chain:
        chain.append(authority.id)
        authority = authority.parent
    if not chain:
        return [rule_set.id]
    layers = session.scalars(
        select(RuleSet).where(
            RuleSet.active.is_(True),
            RuleSet.override_for_authority_id.in_(chain),
            RuleSet.effective_from <= on,
            (RuleSet.effective_to.is_(None)) | (RuleSet.effective_to >= on),
        )
    ).all()
    targets = dict(
        session.execute(
            select(RuleParameter.rule_set_id, RuleParameter.value).where(
                RuleParameter.rule_set_id.in_([layer.id for layer in layers]), RuleParameter.key == APPLIES_TO_KEY
            )
        ).all()
    )
    applying = [layer for layer in layers if rule_set.code in (targets.get(layer.id) or [])]
    applying.sort(key=lambda layer: chain.index(layer.override_for_authority_id))
    return [layer.id for layer in applying] + [rule_set.id]


def _first(session: Session, model, layer_ids: list[int], *criteria):
    rows = {
        row.rule_set_id: row
        for row in session.scalars(select(model).where(model.rule_set_id.in_(layer_ids), *criteria))
    }
    return next((rows[i] for i in layer_ids if i in rows), None)


def award_amount(
    session: Session,
    *,
    rule_set: RuleSet | None,
    title_code: str,
    on: date,
    authority: Authority | None = None,
    estimate: bool = False,
) -> MoneyAmount:
    """The money for `title_code` under `rule_set` with the base salary in force on `on`; `authority` (the
    deciding one) brings in its province's override layer; `estimate` marks `on` as not the decision date."""
    if rule_set is None:
        return _unpriced(title_code, None, on, estimate, f"Chưa có bộ quy định nào có hiệu lực ngày {_day(on)}.")
    layer_ids = _layer_ids(session, rule_set, authority, on)
    title = _first(session, AwardTitle, layer_ids, AwardTitle.code == title_code)
    if title is None:
        return _unpriced(
            title_code,
            rule_set.code,
            on,
            estimate,
            f"Danh hiệu {title_code} không có trong bộ quy định {rule_set.code}.",
        )
    if title.money_multiple is None:
        return _unpriced(
            title_code,
            rule_set.code,
            on,
            estimate,
            f"{title.name_vi}: không có mức tiền thưởng trong bộ quy định {rule_set.code}.",
            source=title.legal_source,
        )
    salary = base_salary_on(session, day=on)
    if salary is None:
        return _unpriced(
            title_code,
            rule_set.code,
            on,
            estimate,
            f"Chưa có mức lương cơ sở áp dụng cho ngày {_day(on)}; quản trị viên cần thêm mức lương cơ sở.",
            multiple=_tidy(title.money_multiple),
            source=title.legal_source,
        )
    exact = title.money_multiple * salary.amount_vnd
    unit = _round_up_unit(session, layer_ids)
    amount = int((exact / unit).to_integral_value(rounding=ROUND_CEILING) * unit)
    explanation = f"{_number(title.money_multiple)} × {vnd(salary.amount_vnd)} = {_vnd_exact(exact)}"
    if amount != exact:
        explanation += f", làm tròn lên {vnd(amount)}"
    explanation += f". Lương cơ sở từ {_day(salary.effective_from)} theo {salary.legal_source}."
    if estimate:
        explanation += (
            f" Ước tính theo lương cơ sở ngày {_day(on)}; số tiền chính thức tính theo lương cơ sở tại ngày ký"
            " quyết định."
        )
    return MoneyAmount(
        title_code=title_code,
        rule_set_code=rule_set.code,
        on=on,
        estimate=estimate,
        multiple=_tidy(title.money_multiple),
        base_salary_vnd=salary.amount_vnd,
        base_salary_from=salary.effective_from,
        base_salary_source=salary.legal_source,
        amount_vnd=amount,
        explanation=explanation,
        source=title.legal_source,
    )


def _round_up_unit(session: Session, layer_ids: list[int]) -> int:
    """The rounding unit from the rule data; without a usable one, amounts are only rounded up to whole đồng."""
    parameter = _first(session, RuleParameter, layer_ids, RuleParameter.key == ROUND_UP_KEY)
    value = parameter.value if parameter is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _unpriced(
    title_code: str,
    rule_set_code: str | None,
    on: date,
    estimate: bool,
    explanation: str,
    *,
    multiple: Decimal | None = None,
    source: str = "",
) -> MoneyAmount:
    return MoneyAmount(
        title_code=title_code,
        rule_set_code=rule_set_code,
        on=on,
        estimate=estimate,
        multiple=multiple,
        base_salary_vnd=None,
        base_salary_from=None,
        base_salary_source=None,
        amount_vnd=None,
        explanation=explanation,
        source=source,
    )


def _decision_date(session: Session, nomination: Nomination) -> date | None:
    if nomination.decision_id is None:
        return None
    decision = session.get(Decision, nomination.decision_id)
    return decision.signed_on if decision is not None and decision.state in _SIGNED else None


def nomination_amount(session: Session, nomination: Nomination, *, on: date) -> MoneyAmount:
    """The nomination's money under the rule set that judges its dossier. Once the nomination's decision is
    signed, its date is used (docs/DOMAIN.md §2); until then `on` (usually today) and the amount is an estimate."""
    dossier = nomination.dossier
    decided_on = _decision_date(session, nomination)
    day = decided_on or on
    return award_amount(
        session,
        rule_set=rule_set_for(session, dossier, day),
        title_code=nomination.title_code,
        on=day,
        authority=dossier.authority,
        estimate=decided_on is None,
    )


def dossier_amount(session: Session, dossier: Dossier, *, on: date) -> DossierMoney:
    """Each payable nomination's money (see `nomination_amount`) and the dossier's total."""
    # Nominations of one dossier share its rule set and authority: one lookup per title and decision date.
    computed: dict[tuple[str, date | None], MoneyAmount] = {}
    lines = []
    for nomination in dossier.nominations:
        if nomination.state in UNPAID_STATES:
            continue
        key = (nomination.title_code, _decision_date(session, nomination))
        if key not in computed:
            computed[key] = nomination_amount(session, nomination, on=on)
        lines.append(NominationMoney(nomination, computed[key]))
    return DossierMoney(tuple(lines))
