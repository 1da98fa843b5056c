"""Findings of the independent review of staffing, each kept as a test."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhgon.core.errors import DomainError
from tinhgon.staffing import excel, leavers
from tinhgon.staffing.tests.factories import official
from tinhgon.staffing.tests.test_import_people import _book, _official

pytestmark = pytest.mark.django_db


def _leaver(unit_id: int) -> None:
    person = official(unit_id, hire_date=dt.date(2000, 9, 1), salary_coefficient=Decimal("4.41"))
    leavers.leaver_record(
        actor=None,
        official_id=person,
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=dt.date(2025, 7, 1),
        retirement_on=dt.date(2028, 9, 1),
    )


def test_an_observer_sees_who_leaves_but_not_the_amounts_that_reveal_their_salary(
    observer, commune_official, chieng_an
):
    _leaver(chieng_an.unit_id)
    url = f"/api/staff/rules/leavers?unit_id={chieng_an.unit_id}"
    seen = observer.api().get(url).json()["leavers"][0]
    assert seen["total"] is None and seen["parts"] is None and seen["name"]
    managed = commune_official.api().get(url).json()["leavers"][0]
    assert managed["total"] > 0 and managed["parts"]["service"] > 0
    page = observer.browser().get("/staff/rules/leavers/", {"unit": chieng_an.code})
    assert page.status_code == 200
    assert managed["total"] not in page.context["rows"][0].values()


def test_a_nan_salary_coefficient_in_the_workbook_is_refused_not_a_500(chieng_an):
    content = _book([], [_official(chieng_an.code, "014188000001", salary_coefficient="NaN")])
    with pytest.raises(DomainError):
        excel.staff_import(actor=None, content=content)


def test_an_identity_number_refused_as_a_number_cell_is_not_echoed(chieng_an):
    content = _book([], [_official(chieng_an.code, 14188000001)])
    with pytest.raises(DomainError) as refused:
        excel.staff_import(actor=None, content=content)
    assert all("14188000001" not in problem.message for problem in refused.value.problems)
