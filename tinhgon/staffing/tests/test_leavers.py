"""Leavers (Decree 178/2024 as amended by Decree 67/2025): the amounts of the seeded formula,
worked by hand in each test, the formula's validation and the payment status."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.staffing import leavers
from tinhgon.staffing.models import Leaver, LeaverFormula
from tinhgon.staffing.tests.english import in_english  # noqa: F401
from tinhgon.staffing.tests.factories import official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

REORGANIZED = dt.date(2025, 7, 1)


def _seeded() -> dict:
    return copy.deepcopy(LeaverFormula.objects.get(version="178-2024+67-2025/v1").coefficients)


def test_early_retirement_three_years_early_with_25_years_insured(chieng_an):
    # Salary coefficient 3.33 x base salary 2,340,000 = 7,792,200 VND a month.
    # Leaves 01/09/2025, reaches the retirement age 01/09/2028: 36 months early (bracket <= 60),
    # two months after the reorganization decision (full rate). Hired 01/09/2000: 300 months,
    # 25 years of compulsory social insurance.
    #   months early: 7,792,200 x 1.0 x 36         = 280,519,200
    #   years early:  7,792,200 x 5 x 3            = 116,883,000
    #   service:      7,792,200 x (5 + 0.5 x 5)    =  58,441,500
    #   total                                      = 455,843,700
    person = official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1))
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="early_retirement",
        reason="Sắp xếp đơn vị hành chính cấp xã",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=REORGANIZED,
        retirement_on=dt.date(2028, 9, 1),
    )
    assert leaver.breakdown["parts"] == {
        "months_early": "280519200",
        "years_early": "116883000",
        "service": "58441500",
    }
    assert leaver.total == Decimal("455843700")
    inputs = leaver.breakdown["inputs"]
    assert (inputs["months_early"], inputs["insured_years"], inputs["late"]) == (36, "25", False)
    assert inputs["pension_reduced"] is False
    assert leaver.formula.version == "178-2024+67-2025/v1"
    assert AuditEvent.objects.filter(action="staffing.leaver_record").exists()


def test_early_retirement_seven_years_early_and_late_takes_half_of_0_9_times_60_months(chieng_an):
    # Given salary 10,000,000. Leaves 01/09/2026 (14 months after the decision: late, x 0.5),
    # retirement 01/03/2033: 78 months early (bracket 61-120: 0.9 a month, 60 months counted,
    # 4 months a year early). 78 months = 6 years + 6 odd months -> 6.5 years.
    # Insured 18 years (216 months): under 20, no service allowance.
    #   months early: 10,000,000 x 0.9 x 60 x 0.5  = 270,000,000
    #   years early:  10,000,000 x 4 x 6.5         = 260,000,000
    #   service:      0
    #   total                                      = 530,000,000
    person = official(chieng_an.unit_id)
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2026, 8, 1),
        leaves_on=dt.date(2026, 9, 1),
        reorganized_on=REORGANIZED,
        retirement_on=dt.date(2033, 3, 1),
        monthly_salary=Decimal("10000000"),
        insured_months=216,
    )
    assert leaver.breakdown["parts"] == {
        "months_early": "270000000",
        "years_early": "260000000",
        "service": "0",
    }
    assert leaver.total == Decimal("530000000")


def test_resignation_pays_the_insured_months_up_to_60_and_the_years_worked(chieng_an):
    # Salary 8,000,000; within 12 months of the decision; 10 years 4 months insured (124 months:
    # 60 counted for the months; 10 years + 4 odd months -> 10.5 years).
    #   months:      8,000,000 x 0.8 x 60   = 384,000,000
    #   years:       8,000,000 x 1.5 x 10.5 = 126,000,000
    #   job search:  8,000,000 x 0          =           0
    #   total                               = 510,000,000
    person = official(chieng_an.unit_id)
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="resignation",
        reason="Thôi việc do sắp xếp",
        decided_on=dt.date(2025, 9, 1),
        leaves_on=dt.date(2025, 10, 1),
        reorganized_on=REORGANIZED,
        monthly_salary=Decimal("8000000"),
        insured_months=124,
    )
    assert leaver.breakdown["parts"] == {
        "months": "384000000",
        "years_worked": "126000000",
        "job_search": "0",
    }
    assert leaver.total == Decimal("510000000")


def test_a_resignation_after_four_years_counts_those_48_months_halved_when_late(chieng_an):
    # Salary 6,000,000; leaves 15 months after the decision (late: x 0.5); 48 months insured.
    #   months:  6,000,000 x 0.8 x 48 x 0.5 = 115,200,000
    #   years:   6,000,000 x 1.5 x 4        =  36,000,000
    #   total                               = 151,200,000
    person = official(chieng_an.unit_id)
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="resignation",
        reason="Thôi việc do sắp xếp",
        decided_on=dt.date(2026, 9, 1),
        leaves_on=dt.date(2026, 10, 1),
        reorganized_on=REORGANIZED,
        monthly_salary=Decimal("6000000"),
        insured_months=48,
    )
    assert leaver.total == Decimal("151200000")
    assert leaver.breakdown["inputs"]["late"] is True


def test_retiring_under_two_years_early_pays_the_months_only(chieng_an):
    # Salary 5,000,000; 18 months early (under 2 years: Art. 7.1 only), 30 years insured.
    #   months:  5,000,000 x 1.0 x 18 = 90,000,000; no years-early or service allowance.
    person = official(chieng_an.unit_id)
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 1),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=REORGANIZED,
        retirement_on=dt.date(2027, 3, 1),
        monthly_salary=Decimal("5000000"),
        insured_months=360,
    )
    assert leaver.breakdown["parts"] == {
        "months_early": "90000000",
        "years_early": "0",
        "service": "0",
    }


def test_early_retirement_more_than_ten_years_early_is_refused(chieng_an):
    person = official(chieng_an.unit_id)
    with pytest.raises(DomainError, match="121"):
        leavers.leaver_record(
            actor=None,
            official_id=person,
            kind="early_retirement",
            reason="Sắp xếp",
            decided_on=dt.date(2025, 9, 1),
            leaves_on=dt.date(2025, 9, 1),
            reorganized_on=REORGANIZED,
            retirement_on=dt.date(2035, 10, 1),
        )
    assert not Leaver.objects.exists()


def test_a_new_formula_version_computes_later_leavers_and_the_old_ones_keep_theirs(chieng_an):
    coefficients = _seeded()
    coefficients["base_salary"] = 2530000
    leavers.formula_create(
        actor=None,
        version="2026/v2",
        valid_from=dt.date(2026, 1, 1),
        coefficients=coefficients,
        source="Lương cơ sở mới",
    )
    assert leavers.formula_on(dt.date(2025, 12, 31)).version == "178-2024+67-2025/v1"
    assert leavers.formula_on(dt.date(2026, 1, 1)).version == "2026/v2"


def test_coefficients_of_the_wrong_shape_are_refused_naming_each_key():
    coefficients = _seeded()
    coefficients["late_factor"] = "half"
    del coefficients["resignation"]["per_month"]
    coefficients["early_retirement"]["brackets"][2]["max_months_early"] = 50
    with pytest.raises(DomainError) as refused:
        leavers.validate_coefficients(coefficients)
    fields = {p.field for p in refused.value.problems}
    assert {"late_factor", "resignation.per_month"} <= fields
    coefficients = _seeded()
    coefficients["early_retirement"]["brackets"][2]["max_months_early"] = 50
    with pytest.raises(DomainError) as refused:
        leavers.validate_coefficients(coefficients)
    assert "early_retirement.brackets[2].max_months_early" in {
        p.field for p in refused.value.problems
    }


def test_payment_is_recorded_once_and_repeating_it_changes_nothing(chieng_an):
    person = official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1))
    leaver = leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=REORGANIZED,
        retirement_on=dt.date(2028, 9, 1),
    )
    assert leaver.payment == Leaver.Payment.PENDING
    paid = leavers.leaver_pay(actor=None, leaver_id=leaver.pk, paid_on=dt.date(2025, 9, 10))
    assert (paid.payment, paid.paid_on) == (Leaver.Payment.PAID, dt.date(2025, 9, 10))
    leavers.leaver_pay(actor=None, leaver_id=leaver.pk, paid_on=dt.date(2025, 9, 10))
    assert AuditEvent.objects.filter(action="staffing.leaver_pay").count() == 1
    with pytest.raises(DomainError, match="Already paid"):
        leavers.leaver_pay(actor=None, leaver_id=leaver.pk, paid_on=dt.date(2025, 9, 11))


def test_whole_months_and_odd_months_are_counted_as_the_formula_says():
    c = _seeded_static()
    assert leavers.months_between(dt.date(2025, 9, 15), dt.date(2025, 10, 14)) == 0
    assert leavers.months_between(dt.date(2025, 9, 15), dt.date(2025, 10, 15)) == 1
    assert leavers.years_of(120, c) == 10
    assert leavers.years_of(121, c) == Decimal("10.5")
    assert leavers.years_of(127, c) == 11


def _seeded_static() -> dict:
    from importlib import import_module

    return import_module(
        "tinhgon.staffing.migrations.0002_rules_seed_norms_and_formula"
    ).COEFFICIENTS
