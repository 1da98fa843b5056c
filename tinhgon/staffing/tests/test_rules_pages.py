"""The pages of the rules: a unit's evaluations with the 20 % headroom and the form, leaders and
their deadlines, leavers with the payment confirmed, the formula versions (superusers add)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from tinhgon.staffing import evaluation, leavers
from tinhgon.staffing.models import Evaluation, Leaver, LeaverFormula, Official
from tinhgon.staffing.tests.factories import official

pytestmark = pytest.mark.django_db


def test_the_evaluations_page_shows_the_distribution_and_the_headroom(commune_official, chieng_an):
    for _ in range(5):
        person = official(chieng_an.unit_id)
        evaluation.evaluation_record(
            actor=None, official_id=person, year=2026, general_points=25, task_points=50
        )
    page = commune_official.browser().get(
        "/staff/rules/evaluations/", {"unit": chieng_an.code, "year": 2026}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Phường Chiềng An" in body
    assert page.context["dist"].allowed == 1 and page.context["dist"].headroom == 1
    assert page.context["writable"] is True


def test_recording_over_the_quota_on_the_page_shows_the_refusal_and_keeps_the_form(
    commune_official, chieng_an
):
    person = official(chieng_an.unit_id)
    page = commune_official.browser().post(
        "/staff/rules/evaluations/",
        {
            "unit": chieng_an.code,
            "year": 2026,
            "official": person,
            "general_points": 30,
            "task_points": 65,
        },
    )
    assert page.status_code == 400
    assert page.context["error"].code == "outstanding_quota"
    assert not Evaluation.objects.filter(official_id=person).exists()


def test_recording_on_the_page_redirects_back_to_the_unit(commune_official, chieng_an):
    person = official(chieng_an.unit_id)
    page = commune_official.browser().post(
        "/staff/rules/evaluations/",
        {
            "unit": chieng_an.code,
            "year": 2026,
            "official": person,
            "general_points": 25,
            "task_points": 30,
        },
    )
    assert page.status_code == 302
    assert Evaluation.objects.get(official_id=person).rating == "completed"


def test_another_communes_evaluations_are_not_found(other_commune_official, chieng_an):
    page = other_commune_official.browser().get(
        "/staff/rules/evaluations/", {"unit": chieng_an.code, "year": 2026}
    )
    assert page.status_code == 404


def test_the_leaders_page_of_the_province_lists_the_units_against_the_norm(province_admin, son_la):
    page = province_admin.browser().get("/staff/rules/leaders/", {"unit": son_la.code})
    assert page.status_code == 200
    assert "excess" in page.context


def test_paying_a_leaver_goes_through_a_confirmation_page(commune_official, chieng_an):
    leaver = leavers.leaver_record(
        actor=None,
        official_id=official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1)),
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=dt.date(2025, 7, 1),
        retirement_on=dt.date(2028, 9, 1),
    )
    browser = commune_official.browser()
    listing = browser.get("/staff/rules/leavers/", {"unit": chieng_an.code})
    assert "455.843.700" in listing.content.decode()
    confirm = browser.get(f"/staff/rules/leavers/{leaver.pk}/pay/")
    assert confirm.status_code == 200
    assert Leaver.objects.get(pk=leaver.pk).payment == "pending"
    done = browser.post(f"/staff/rules/leavers/{leaver.pk}/pay/", {"paid_on": "10/09/2025"})
    assert done.status_code == 302
    assert Leaver.objects.get(pk=leaver.pk).paid_on == dt.date(2025, 9, 10)


def test_an_observer_cannot_pay_a_leaver(observer, chieng_an):
    leaver = leavers.leaver_record(
        actor=None,
        official_id=official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1)),
        kind="resignation",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=dt.date(2025, 7, 1),
        retirement_on=dt.date(2035, 9, 1),
    )
    refused = observer.browser().post(
        f"/staff/rules/leavers/{leaver.pk}/pay/", {"paid_on": "10/09/2025"}
    )
    assert refused.status_code == 403
    assert Leaver.objects.get(pk=leaver.pk).payment == "pending"


def test_a_superuser_adds_a_formula_version_and_a_wrong_one_is_refused_by_key(superuser):
    browser = superuser.browser()
    assert browser.get("/staff/rules/formulas/").status_code == 200
    coefficients = LeaverFormula.objects.get().coefficients
    bad = dict(coefficients, late_factor=2)
    refused = browser.post(
        "/staff/rules/formulas/",
        {
            "version": "v2",
            "valid_from": "01/01/2026",
            "source": "x",
            "coefficients": json.dumps(bad),
        },
    )
    assert refused.status_code == 400
    assert "late_factor" in {p.field for p in refused.context["error"].problems}
    done = browser.post(
        "/staff/rules/formulas/",
        {
            "version": "v2",
            "valid_from": "01/01/2026",
            "source": "x",
            "coefficients": json.dumps(coefficients),
        },
    )
    assert done.status_code == 302
    assert LeaverFormula.objects.filter(version="v2").exists()


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_formula_with_an_infinite_or_undefined_coefficient_is_refused_naming_the_key(
    superuser, constant
):
    coefficients = LeaverFormula.objects.get().coefficients
    text = json.dumps(dict(coefficients, late_factor=1.5)).replace("1.5", constant)
    refused = superuser.browser().post(
        "/staff/rules/formulas/",
        {"version": "v2", "valid_from": "01/01/2026", "source": "x", "coefficients": text},
    )
    assert refused.status_code == 400
    assert "late_factor" in {p.field for p in refused.context["error"].problems}
    assert not LeaverFormula.objects.filter(version="v2").exists()


def test_only_a_superuser_may_add_a_formula(province_admin):
    refused = province_admin.browser().post(
        "/staff/rules/formulas/",
        {"version": "v2", "valid_from": "01/01/2026", "source": "x", "coefficients": "{}"},
    )
    assert refused.status_code == 403


def test_a_leaver_recorded_on_the_page_is_listed_with_the_amount(commune_official, chieng_an):
    # Coefficient 3.33 x 2,340,000 = 7,792,200; 36 months early, 25 years insured (hired
    # 01/09/2000, leaves 01/09/2025): 455,843,700 VND (worked in test_leavers.py).
    person = official(chieng_an.unit_id, hire_date=dt.date(2000, 9, 1))
    browser = commune_official.browser()
    form = browser.get("/staff/rules/leavers/", {"unit": chieng_an.code})
    assert (person, Official.objects.get(pk=person).full_name) in form.context["officials"]
    done = browser.post(
        "/staff/rules/leavers/",
        {
            "unit": chieng_an.code,
            "official": person,
            "kind": "early_retirement",
            "reason": "Sắp xếp",
            "decided_on": "15/08/2025",
            "leaves_on": "01/09/2025",
            "reorganized_on": "01/07/2025",
            "retirement_on": "01/09/2028",
        },
    )
    assert done.status_code == 302, done.content.decode()[:500]
    assert Leaver.objects.get(official_id=person).total == 455843700


def test_the_formula_page_reads_the_coefficients_as_terms_with_vietnamese_numbers(observer):
    # The seeded version (Decree 178 as amended by Decree 67): S x 0.9 for the months from 61
    # to 120 months early, S x 4 a year early, the service term from 20 insured years.
    body = observer.browser().get("/staff/rules/formulas/").content.decode()
    assert "2.340.000" in body and "2340000" not in body
    assert '<th scope="row">61–120</th><td>S × 0,9</td><td>S × 4</td>' in body
    assert '<th scope="row">1–23</th><td>S × 1</td><td>–</td><td>–</td>' in body
    assert "S × (5 + 0,5 × (Y − 20))" in body
    assert "S × 1,5" in body and "S × 0,8" in body
    assert '"base_salary"' not in body and "early_retirement" not in body
    with translation.override("en"):
        terms = leavers.formula_terms(LeaverFormula.objects.get().coefficients)
    assert terms["general"][0] == ("Base salary", "2,340,000 VND")
    assert terms["general"][2] == ("Leaving later", "the allowance for the months × 0.5")
    assert terms["pension"] == "The pension is not reduced for retiring early."
    assert terms["resignation"][0] == ("For each insured month (at most 60)", "S × 0.8")
    assert [b["months"] for b in terms["brackets"]] == ["1–23", "24–60", "61–120"]
