"""The rules over the API: scope by unit (read to see, write to record), the 20 % refusal in the
one error shape, leavers and their payment."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.staffing import evaluation, leavers
from tinhgon.staffing.models import Evaluation, Leaver
from tinhgon.staffing.tests.english import in_english  # noqa: F401
from tinhgon.staffing.tests.factories import official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/api/staff/rules"


def _leaver(unit_id: int) -> Leaver:
    return leavers.leaver_record(
        actor=None,
        official_id=official(unit_id, hire_date=dt.date(2000, 9, 1)),
        kind="early_retirement",
        reason="Sắp xếp",
        decided_on=dt.date(2025, 8, 15),
        leaves_on=dt.date(2025, 9, 1),
        reorganized_on=dt.date(2025, 7, 1),
        retirement_on=dt.date(2028, 9, 1),
    )


def test_a_commune_official_records_an_evaluation_of_their_commune(commune_official, chieng_an):
    person = official(chieng_an.unit_id)
    response = commune_official.api().post(
        f"{URL}/evaluations",
        {"official_id": person, "year": 2026, "general_points": 27, "task_points": 55},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == "good" and response.json()["points"] == 82
    read = commune_official.api().get(
        f"{URL}/evaluations", {"unit_id": chieng_an.unit_id, "year": 2026}
    )
    assert read.json()["counts"]["good"] == 1
    assert read.json()["evaluations"][0]["official_id"] == person


def test_the_20_percent_refusal_comes_in_the_one_error_shape(commune_official, chieng_an):
    person = official(chieng_an.unit_id)
    response = commune_official.api().post(
        f"{URL}/evaluations",
        {"official_id": person, "year": 2026, "general_points": 30, "task_points": 62},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "outstanding_quota"
    assert "0 rated well completed allow 0" in response.json()["error"]["message"]
    assert not Evaluation.objects.filter(official_id=person).exists()


def test_an_official_of_another_commune_can_neither_read_nor_record(
    other_commune_official, chieng_an
):
    person = official(chieng_an.unit_id)
    evaluation.evaluation_record(
        actor=None, official_id=person, year=2026, general_points=20, task_points=50
    )
    api = other_commune_official.api()
    assert (
        api.get(f"{URL}/evaluations", {"unit_id": chieng_an.unit_id, "year": 2026}).status_code
        == 404
    )
    refused = api.post(
        f"{URL}/evaluations",
        {"official_id": person, "year": 2026, "general_points": 30, "task_points": 70},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert api.get(f"{URL}/leavers", {"unit_id": chieng_an.unit_id}).status_code == 404
    assert Evaluation.objects.get(official_id=person).points == 70


def test_an_observer_reads_but_may_not_record(observer, chieng_an):
    person = official(chieng_an.unit_id)
    api = observer.api()
    assert (
        api.get(f"{URL}/evaluations", {"unit_id": chieng_an.unit_id, "year": 2026}).status_code
        == 200
    )
    refused = api.post(
        f"{URL}/measures",
        {
            "official_id": person,
            "measure": "reprimand",
            "decision": "1/QĐ",
            "decided_on": "2026-02-01",
            "legal_basis": "Nghị định 172/2025/NĐ-CP",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_measure_over_the_api_forces_the_evaluation(commune_official, chieng_an):
    person = official(chieng_an.unit_id)
    evaluation.evaluation_record(
        actor=None, official_id=person, year=2026, general_points=25, task_points=55
    )
    response = commune_official.api().post(
        f"{URL}/measures",
        {
            "official_id": person,
            "measure": "warning",
            "decision": "7/QĐ-UBND",
            "decided_on": "2026-05-04",
            "legal_basis": "Nghị định 172/2025/NĐ-CP",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Evaluation.objects.get(official_id=person).rating == "not_completed"


def test_leavers_list_their_amounts_and_the_payment_is_recorded(commune_official, chieng_an):
    leaver = _leaver(chieng_an.unit_id)
    api = commune_official.api()
    listed = api.get(f"{URL}/leavers", {"unit_id": chieng_an.unit_id}).json()["leavers"]
    assert [(r["id"], r["total"], r["payment"]) for r in listed] == [
        (leaver.pk, 455843700, "pending")
    ]
    assert "national_id" not in str(listed)
    paid = api.post(
        f"{URL}/leavers/{leaver.pk}/paid",
        {"paid_on": "2025-09-10"},
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["payment"] == "paid"


def test_the_leaders_of_a_unit_come_with_their_norm(province_admin, son_la):
    body = province_admin.api().get(f"{URL}/leaders", {"unit_id": son_la.unit_id}).json()
    assert {"units", "excess", "as_of"} <= set(body)


def test_a_leaver_is_recorded_with_the_breakdown_of_the_formula(commune_official, chieng_an):
    # Salary 9,000,000; 30 months insured; resignation within 12 months of the decision:
    #   9,000,000 x 0.8 x 30 = 216,000,000 + 9,000,000 x 1.5 x 2.5 = 33,750,000 -> 249,750,000.
    person = official(chieng_an.unit_id)
    response = commune_official.api().post(
        f"{URL}/leavers",
        {
            "official_id": person,
            "kind": "resignation",
            "reason": "Thôi việc do sắp xếp",
            "decided_on": "2025-08-01",
            "leaves_on": "2025-09-01",
            "reorganized_on": "2025-07-01",
            "monthly_salary": 9000000,
            "insured_months": 30,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == 249750000
    assert body["breakdown"]["inputs"]["months_counted"] == 30


def test_early_retirement_without_the_retirement_day_is_refused_naming_the_field(
    commune_official, chieng_an
):
    response = commune_official.api().post(
        f"{URL}/leavers",
        {
            "official_id": official(chieng_an.unit_id),
            "kind": "early_retirement",
            "reason": "Sắp xếp",
            "decided_on": "2025-08-01",
            "leaves_on": "2025-09-01",
            "reorganized_on": "2025-07-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "retirement_on"
    assert not Leaver.objects.exists()


def test_a_leaver_of_a_ward_merged_since_is_paid_by_the_new_wards_official(chieng_an):
    from tinhgon.accounts.models import Role
    from tinhgon.conftest import make_persona
    from tinhgon.staffing.tests.test_leaders import _plan
    from tinhgon.units import selectors

    leaver = _leaver(chieng_an.unit_id)
    _plan()  # Tô Hiệu and Chiềng An become Phường Tô Chiềng on 01/01/2026
    new_ward = selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1)).unit_id
    official_of_new_ward = make_persona("to-chieng-official", new_ward, Role.UNIT_OFFICIAL)
    paid = official_of_new_ward.api().post(
        f"{URL}/leavers/{leaver.pk}/paid",
        {"paid_on": "2026-02-02"},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content
    assert Leaver.objects.get(pk=leaver.pk).unit_id == chieng_an.unit_id  # a fact of that ward


def test_the_new_ward_lists_the_leavers_of_the_wards_it_was_formed_from(chieng_an):
    from tinhgon.accounts.models import Role
    from tinhgon.conftest import make_persona
    from tinhgon.staffing.tests.test_leaders import _plan
    from tinhgon.units import selectors

    leaver = _leaver(chieng_an.unit_id)
    _plan()
    new_ward = selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1)).unit_id
    reader = make_persona("to-chieng-reader", new_ward, Role.OBSERVER)
    listed = reader.api().get(f"{URL}/leavers", {"unit_id": new_ward}).json()["leavers"]
    assert [row["id"] for row in listed] == [leaver.pk]
