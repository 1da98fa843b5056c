"""Those who leave because of a reorganization: early retirement and resignation (Decree
178/2024/NĐ-CP as amended by Decree 67/2025/NĐ-CP), with the amounts of a versioned formula.

The formula's coefficients are data (`LeaverFormula.coefficients`, validated by
`validate_coefficients`; a new version is added, never edited in place, so every leaver keeps
the version that computed them). docs/staffing-rules.md writes the formula out with its articles.

The amounts, with S the monthly salary (by default salary coefficient x base salary; the actual
current salary with allowances may be given instead) and "late" meaning the person leaves more
than `full_rate_months` after the reorganization decision (the allowance for months then is
multiplied by `late_factor`):

early retirement (Art. 7), M months before the retirement age (M <= max_months_early), Y years
of compulsory social insurance; the bracket is the first whose max_months_early >= M:
  months:   S x per_month_early x min(M, months_counted_max) [x late_factor]
  years:    S x per_year_early x years(M)
  service:  S x (first_years_months + per_later_year x (Y - first_years)), when the bracket has
            `service` and Y >= first_years
  and the pension is not reduced for retiring early.

resignation (Art. 9), I months of compulsory social insurance (Y years):
  months:   S x per_month x min(I, months_counted_max) [x late_factor]
  years:    S x per_year_worked x Y
  job search: S x job_search_months

Years are whole years plus odd months: up to 6 odd months count `odd_months_up_to_6` of a year,
more count `odd_months_over_6`. Every partial amount is rounded to the dong (half up).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from tinhgon.accounts import access
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.staffing.models import Leaver, LeaverFormula, Official
from tinhgon.units import selectors
from tinhgon.units.models import UnitLink

Kind = Leaver.Kind


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def years_of(months: int, coefficients: dict[str, Any]) -> Decimal:
    whole, odd = divmod(months, 12)
    if odd == 0:
        part = Decimal(0)
    elif odd <= 6:
        part = Decimal(str(coefficients["odd_months_up_to_6"]))
    else:
        part = Decimal(str(coefficients["odd_months_over_6"]))
    return whole + part


def _dong(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# The shape of the coefficients: key -> (type, required); a nested dict is a sub-shape.
_NUMBER = (int, float)
SHAPE: dict[str, Any] = {
    "base_salary": _NUMBER,
    "full_rate_months": int,
    "late_factor": _NUMBER,
    "odd_months_up_to_6": _NUMBER,
    "odd_months_over_6": _NUMBER,
    "early_retirement": {
        "min_months_early": int,
        "max_months_early": int,
        "months_counted_max": int,
        "brackets": list,
        "first_years": int,
        "first_years_months": _NUMBER,
        "per_later_year": _NUMBER,
        "pension_reduced": bool,
    },
    "resignation": {
        "per_month": _NUMBER,
        "months_counted_max": int,
        "per_year_worked": _NUMBER,
        "job_search_months": _NUMBER,
    },
}
BRACKET = {
    "max_months_early": int,
    "per_month_early": _NUMBER,
    "per_year_early": _NUMBER,
    "service": bool,
}


def _check_shape(data: Any, shape: dict[str, Any], path: str, problems: list[Problem]) -> None:
    if not isinstance(data, dict):
        problems.append(Problem(_("must be an object"), field=path or "coefficients"))
        return
    for key in sorted(set(data) - set(shape)):
        problems.append(Problem(_("unknown key"), field=f"{path}{key}"))
    for key, kind in shape.items():
        where = f"{path}{key}"
        if key not in data:
            problems.append(Problem(_("missing"), field=where))
        elif isinstance(kind, dict):
            _check_shape(data[key], kind, where + ".", problems)
        elif kind is bool:
            if not isinstance(data[key], bool):
                problems.append(Problem(_("must be true or false"), field=where))
        elif isinstance(data[key], bool) or not isinstance(data[key], kind):
            problems.append(Problem(_("must be a number"), field=where))
        elif isinstance(data[key], float) and not math.isfinite(data[key]):
            # JSON has no Infinity or NaN (Python's reader accepts them; the database does not).
            problems.append(Problem(_("must be a finite number"), field=where))
        elif kind is not list and data[key] < 0:
            problems.append(Problem(_("must not be negative"), field=where))


def validate_coefficients(data: Any) -> dict[str, Any]:
    """The coefficients if they have the shape the formula reads, or DomainError naming every
    wrong key (dotted: early_retirement.brackets[1].per_month_early)."""
    problems: list[Problem] = []
    _check_shape(data, SHAPE, "", problems)
    if not problems:
        brackets = data["early_retirement"]["brackets"]
        if not brackets:
            problems.append(
                Problem(_("give at least one bracket"), field="early_retirement.brackets")
            )
        last = 0
        for index, bracket in enumerate(brackets):
            where = f"early_retirement.brackets[{index}]."
            before = len(problems)
            _check_shape(bracket, BRACKET, where, problems)
            if len(problems) == before:
                if bracket["max_months_early"] <= last:
                    problems.append(
                        Problem(_("brackets must rise"), field=where + "max_months_early")
                    )
                last = bracket["max_months_early"]
        if brackets and last < data["early_retirement"]["max_months_early"]:
            problems.append(
                Problem(
                    _("the last bracket must reach max_months_early"),
                    field="early_retirement.brackets",
                )
            )
        if not 0 <= data["late_factor"] <= 1:
            problems.append(Problem(_("must be from 0 to 1"), field="late_factor"))
    if problems:
        raise DomainError(_("The coefficients are not valid."), problems=problems)
    return data


def formula_on(day: dt.date) -> LeaverFormula:
    formula = (
        LeaverFormula.objects.filter(valid_from__lte=day).order_by("-valid_from", "-id").first()
    )
    if formula is None:
        raise DomainError(
            _("No leaver formula is in force on %(day)s.") % {"day": day.isoformat()},
            code="no_formula",
        )
    return formula


def compute(
    *,
    kind: str,
    coefficients: dict[str, Any],
    monthly_salary: Decimal,
    months_early: int,
    insured_months: int,
    months_after_decision: int,
) -> dict[str, Any]:
    """The breakdown of the amounts: every input, every partial amount and the total (VND)."""
    c = coefficients
    late = months_after_decision > c["full_rate_months"]
    late_factor = Decimal(str(c["late_factor"])) if late else Decimal(1)
    salary = Decimal(monthly_salary)
    insured_years = years_of(insured_months, c)
    parts: dict[str, Decimal] = {}
    inputs: dict[str, Any] = {
        "monthly_salary": str(salary),
        "months_early": months_early,
        "insured_months": insured_months,
        "insured_years": str(insured_years),
        "months_after_decision": months_after_decision,
        "late": late,
        "late_factor": str(late_factor),
    }
    if kind == Kind.EARLY_RETIREMENT:
        e = c["early_retirement"]
        if not e["min_months_early"] <= months_early <= e["max_months_early"]:
            raise DomainError(
                _(
                    "Early retirement applies from %(low)s to %(high)s months before the "
                    "retirement age; this is %(months)s."
                )
                % {
                    "low": e["min_months_early"],
                    "high": e["max_months_early"],
                    "months": months_early,
                },
                problems=[Problem(str(months_early), field="retirement_on")],
            )
        bracket = next(b for b in e["brackets"] if months_early <= b["max_months_early"])
        counted = min(months_early, e["months_counted_max"])
        years_early = years_of(months_early, c)
        rate = Decimal(str(bracket["per_month_early"]))
        per_year = Decimal(str(bracket["per_year_early"]))
        parts["months_early"] = _dong(salary * rate * counted * late_factor)
        parts["years_early"] = _dong(salary * per_year * years_early)
        if bracket["service"] and insured_years >= e["first_years"]:
            service_months = Decimal(str(e["first_years_months"])) + Decimal(
                str(e["per_later_year"])
            ) * (insured_years - e["first_years"])
        else:
            service_months = Decimal(0)
        parts["service"] = _dong(salary * service_months)
        inputs.update(
            {
                "months_counted": counted,
                "rate_per_month_early": str(rate),
                "years_early": str(years_early),
                "months_per_year_early": str(per_year),
                "service_months": str(service_months),
                "pension_reduced": e["pension_reduced"],
            }
        )
    elif kind == Kind.RESIGNATION:
        r = c["resignation"]
        # Art. 5: the months of the severance allowance are the insured months, at most 60.
        counted = min(insured_months, r["months_counted_max"])
        rate = Decimal(str(r["per_month"]))
        parts["months"] = _dong(salary * rate * counted * late_factor)
        parts["years_worked"] = _dong(salary * Decimal(str(r["per_year_worked"])) * insured_years)
        parts["job_search"] = _dong(salary * Decimal(str(r["job_search_months"])))
        inputs.update({"months_counted": counted, "rate_per_month": str(rate)})
    else:
        raise DomainError(
            _("Give one of the kinds: %(kinds)s.") % {"kinds": ", ".join(Kind.values)},
            problems=[Problem(str(kind)[:40], field="kind")],
        )
    total = sum(parts.values(), Decimal(0))
    return {
        "kind": kind,
        "inputs": inputs,
        "parts": {k: str(v) for k, v in parts.items()},
        "total": str(total),
    }


@transaction.atomic
def leaver_record(
    *,
    actor: Any,
    official_id: int,
    kind: str,
    reason: str,
    decided_on: dt.date,
    leaves_on: dt.date,
    reorganized_on: dt.date,
    retirement_on: dt.date | None = None,
    monthly_salary: Decimal | None = None,
    insured_months: int | None = None,
) -> Leaver:
    """Record that an official leaves on `leaves_on` (decision of `decided_on`) because of the
    reorganization decided on `reorganized_on`, with the amounts of the formula in force on
    `decided_on`. `retirement_on`: the day they reach the retirement age (early retirement
    needs it; for a resignation it is recorded when given). By default the salary
    is their coefficient x the formula's base salary and the insured months run from their hire
    date to `leaves_on`."""
    official = Official.objects.select_for_update().filter(pk=official_id).first()
    if official is None:
        raise NotFound(_("Official %(id)s does not exist.") % {"id": official_id})
    if Leaver.objects.filter(official=official).exists():
        raise DomainError(
            _("%(name)s is already recorded as leaving.") % {"name": official.full_name},
            code="already_leaving",
        )
    if not reason.strip():
        raise DomainError(_("Give the reason."), problems=[Problem(_("required"), field="reason")])
    if leaves_on < decided_on:
        raise DomainError(
            _("The leaving day comes before the decision."),
            problems=[Problem(leaves_on.isoformat(), field="leaves_on")],
        )
    if kind == Kind.EARLY_RETIREMENT and retirement_on is None:
        raise DomainError(
            _("Give the day they reach the retirement age."),
            problems=[Problem(_("required"), field="retirement_on")],
        )
    if retirement_on is not None and retirement_on <= leaves_on and kind == Kind.EARLY_RETIREMENT:
        raise DomainError(
            _("They reach the retirement age on %(day)s: that is not early.")
            % {"day": retirement_on.isoformat()},
            problems=[Problem(retirement_on.isoformat(), field="retirement_on")],
        )
    formula = formula_on(decided_on)
    coefficients = validate_coefficients(formula.coefficients)
    salary_source = "given"
    if monthly_salary is None:
        monthly_salary = official.salary_coefficient * Decimal(str(coefficients["base_salary"]))
        salary_source = "coefficient x base salary"
    if monthly_salary <= 0:
        raise DomainError(
            _("The monthly salary must be positive."),
            problems=[Problem(str(monthly_salary), field="monthly_salary")],
        )
    if insured_months is None:
        insured_months = months_between(official.hire_date, leaves_on)
    breakdown = compute(
        kind=kind,
        coefficients=coefficients,
        monthly_salary=monthly_salary,
        months_early=months_between(leaves_on, retirement_on) if retirement_on else 0,
        insured_months=insured_months,
        months_after_decision=months_between(reorganized_on, leaves_on),
    )
    breakdown["inputs"].update(
        {
            "salary_source": salary_source,
            "salary_coefficient": str(official.salary_coefficient),
            "base_salary": coefficients["base_salary"],
            "reorganized_on": reorganized_on.isoformat(),
            "leaves_on": leaves_on.isoformat(),
            "retirement_on": retirement_on.isoformat() if retirement_on else None,
        }
    )
    breakdown["formula"] = formula.version
    leaver = Leaver.objects.create(
        official=official,
        unit_id=official.unit_id,
        kind=kind,
        reason=reason.strip()[:300],
        decided_on=decided_on,
        leaves_on=leaves_on,
        formula=formula,
        breakdown=breakdown,
        total=Decimal(breakdown["total"]),
    )
    audit(
        actor=actor,
        action="staffing.leaver_record",
        unit=official.unit_id,
        official=official.pk,
        kind=kind,
        total=breakdown["total"],
        formula=formula.version,
    )
    return leaver


def access_leaver(user: Any, leaver_id: int, *, write: bool = False) -> Leaver:
    """The leaver if the user may read (write: change) the records of their unit. A leaver keeps
    the unit they left; once a plan has closed it, the unit's successors' scope answers for it
    (read: `access_any_version`; write: write scope on a successor)."""
    leaver = Leaver.objects.select_related("official", "formula").filter(pk=leaver_id).first()
    if leaver is None:
        raise NotFound(_("Leaver %(id)s does not exist.") % {"id": leaver_id})
    try:
        access.access_any_version(user, leaver.unit_id)
    except NotFound:
        raise NotFound(_("Leaver %(id)s does not exist.") % {"id": leaver_id}) from None
    if not write:
        return leaver
    successors = UnitLink.objects.filter(predecessor_id=leaver.unit_id).values_list(
        "successor_id", flat=True
    )
    for unit_id in (leaver.unit_id, *successors):
        try:
            access.access_unit(user, unit_id, write=True)
            return leaver
        except DomainError:
            continue  # closed, or not writable: perhaps a successor is
    raise Forbidden(_("You may not change the records of this unit."))


@transaction.atomic
def leaver_pay(*, actor: Any, leaver_id: int, paid_on: dt.date) -> Leaver:
    """Mark a leaver's amounts paid on `paid_on`. Repeating it with the same day changes nothing;
    another day is refused (the payment is a fact: correct it in the admin)."""
    leaver = Leaver.objects.select_for_update().filter(pk=leaver_id).first()
    if leaver is None:
        raise NotFound(_("Leaver %(id)s does not exist.") % {"id": leaver_id})
    if leaver.payment == Leaver.Payment.PAID:
        if leaver.paid_on == paid_on:
            return leaver
        raise DomainError(
            _("Already paid on %(day)s.")
            % {"day": leaver.paid_on.isoformat() if leaver.paid_on else "?"},
            code="already_paid",
            status=409,
        )
    if paid_on < leaver.decided_on:
        raise DomainError(
            _("The payment day comes before the decision."),
            problems=[Problem(paid_on.isoformat(), field="paid_on")],
        )
    leaver.payment = Leaver.Payment.PAID
    leaver.paid_on = paid_on
    leaver.save(update_fields=["payment", "paid_on"])
    audit(
        actor=actor,
        action="staffing.leaver_pay",
        unit=leaver.unit_id,
        leaver=leaver.pk,
        paid_on=paid_on.isoformat(),
        total=str(leaver.total),
    )
    return leaver


def _figure(value: Any) -> str:
    """A coefficient as the active language writes it: 0,5 and 2.340.000 in Vietnamese, 1 rather
    than 1,0."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return formats.number_format(int(number), force_grouping=True)
    return formats.number_format(number.normalize(), force_grouping=True)


def _times_s(value: Any) -> str:
    return "–" if not value else f"S × {_figure(value)}"


def formula_terms(coefficients: dict[str, Any]) -> dict[str, Any]:
    """A formula's coefficients as an official reads them, in the active language: rows of
    (label, value) for what applies to every leaver and to resignations, the early retirement
    brackets as a table (months early, then per month, per year and for the service, x S)."""
    c = coefficients
    e, r = c["early_retirement"], c["resignation"]
    service = _("S × (%(first)s + %(later)s × (Y − %(years)s)), from %(years)s insured years") % {
        "first": _figure(e["first_years_months"]),
        "later": _figure(e["per_later_year"]),
        "years": _figure(e["first_years"]),
    }
    brackets, low = [], e["min_months_early"]
    for bracket in e["brackets"]:
        high = min(bracket["max_months_early"], e["max_months_early"])
        brackets.append(
            {
                "months": f"{_figure(low)}–{_figure(high)}",
                "per_month": _times_s(bracket["per_month_early"]),
                "per_year": _times_s(bracket["per_year_early"]),
                "service": service if bracket["service"] else "–",
            }
        )
        low = bracket["max_months_early"] + 1
    return {
        "general": [
            (_("Base salary"), _("%(amount)s VND") % {"amount": _figure(c["base_salary"])}),
            (
                _("Full allowance for the months"),
                _("when leaving within %(months)s months of the reorganization decision")
                % {"months": _figure(c["full_rate_months"])},
            ),
            (
                _("Leaving later"),
                _("the allowance for the months × %(factor)s")
                % {"factor": _figure(c["late_factor"])},
            ),
            (
                _("Odd months of a year"),
                _("1 to 6 months count %(short)s year, more than 6 count %(long)s year")
                % {
                    "short": _figure(c["odd_months_up_to_6"]),
                    "long": _figure(c["odd_months_over_6"]),
                },
            ),
        ],
        "early": _(
            "From %(low)s to %(high)s months before the retirement age; at most %(counted)s "
            "months are paid for."
        )
        % {
            "low": _figure(e["min_months_early"]),
            "high": _figure(e["max_months_early"]),
            "counted": _figure(e["months_counted_max"]),
        },
        "pension": (
            _("The pension is reduced for retiring early.")
            if e["pension_reduced"]
            else _("The pension is not reduced for retiring early.")
        ),
        "brackets": brackets,
        "resignation": [
            (
                _("For each insured month (at most %(months)s)")
                % {"months": _figure(r["months_counted_max"])},
                _times_s(r["per_month"]),
            ),
            (_("For each insured year"), _times_s(r["per_year_worked"])),
            (_("To look for work"), _times_s(r["job_search_months"])),
        ],
    }


@transaction.atomic
def formula_create(
    *, actor: Any, version: str, valid_from: dt.date, coefficients: Any, source: str
) -> LeaverFormula:
    """A new version of the formula (versions are never edited: leavers keep theirs)."""
    version = version.strip()
    if not version:
        raise DomainError(
            _("Name the version."), problems=[Problem(_("required"), field="version")]
        )
    if LeaverFormula.objects.filter(version=version).exists():
        raise DomainError(
            _("Version %(version)s exists already.") % {"version": version},
            problems=[Problem(version, field="version")],
        )
    if not source.strip():
        raise DomainError(_("Name the source."), problems=[Problem(_("required"), field="source")])
    formula = LeaverFormula.objects.create(
        version=version[:40],
        valid_from=valid_from,
        coefficients=validate_coefficients(coefficients),
        source=source.strip()[:300],
    )
    audit(
        actor=actor,
        action="staffing.leaver_formula_create",
        version=formula.version,
        valid_from=valid_from.isoformat(),
    )
    return formula


def units_answered_by(unit_id: int, day: dt.date) -> list[int]:
    """The units whose leavers a unit's page lists: the unit, those under it on `day`, and the
    units it was formed from through every reorganization (a leaver keeps the unit they left)."""
    ids = set(selectors.subtree_depths([unit_id], day)) | {unit_id}
    ids |= {
        link.predecessor_id
        for link, _distance in selectors.lineage(unit_id, direction="predecessors")
    }
    return sorted(ids)


def leavers_of(*, unit_ids: list[int] | None, amounts: bool = True) -> list[dict[str, Any]]:
    """Leavers with their amounts and payment status (the name only: no identity number).

    The amounts are months of the person's salary: whoever may not see the salary (a reader who
    does not manage the unit, such as an observer) gets None for `total` and `parts`."""
    rows = Leaver.objects.select_related("official", "formula")
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return [
        {
            "id": leaver.pk,
            "official_id": leaver.official_id,
            "name": leaver.official.full_name,
            "unit_id": leaver.unit_id,
            "kind": leaver.kind,
            "kind_name": str(Kind(leaver.kind).label),
            "reason": leaver.reason,
            "decided_on": leaver.decided_on,
            "leaves_on": leaver.leaves_on,
            "formula": leaver.formula.version,
            "total": int(leaver.total) if amounts else None,
            "parts": (
                {k: int(Decimal(v)) for k, v in leaver.breakdown.get("parts", {}).items()}
                if amounts
                else None
            ),
            "payment": leaver.payment,
            "paid_on": leaver.paid_on,
        }
        for leaver in rows.order_by("leaves_on", "id")
    ]
