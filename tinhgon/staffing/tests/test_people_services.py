import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.staffing import protect, services
from tinhgon.staffing.models import Assignment, Category, Official, Quota
from tinhgon.staffing.tests import factories


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


DAY = dt.date(2025, 9, 1)


def _person(unit_id: int, **fields):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "actor": None,
        "unit_id": unit_id,
        "full_name": "Lò Thị Mai",
        "national_id": "014185000123",
        "birth_date": dt.date(1988, 3, 2),
        "gender": "female",
        "ethnicity": "Thái",
        "level": 4,
        "field": "administration",
        "category": "civil_servant",
        "salary_coefficient": "3,66",
        "hire_date": dt.date(2012, 1, 1),
        "day": DAY,
    }
    values.update(fields)
    return services.official_create(**values)


def _quota(unit_id: int, count: int, *, actor=None, category="civil_servant", year=2026):  # type: ignore[no-untyped-def]
    return services.quota_set(
        actor=actor,
        unit_id=unit_id,
        year=year,
        category=category,
        count=count,
        decision="QĐ 12/QĐ-UBND",
    )


# -- quotas: the parent's cap, with worked numbers -------------------------------------------
def test_a_quota_above_the_parent_cap_is_refused_naming_the_parent_year_category_and_figures(
    son_la, chieng_an, to_hieu
):
    _quota(son_la.unit_id, 100)
    _quota(chieng_an.unit_id, 60)
    with pytest.raises(DomainError) as refused:
        _quota(to_hieu.unit_id, 41)
    message = refused.value.message
    assert "Sơn La" in message and "2026" in message and "civil servant" in message
    assert "100" in message and "101" in message and "60" in message and "40" in message
    assert not Quota.objects.filter(unit_id=to_hieu.unit_id).exists()


def test_a_quota_that_fills_the_parent_cap_exactly_is_accepted_with_an_audit_row(
    son_la, chieng_an, to_hieu
):
    _quota(son_la.unit_id, 100)
    _quota(chieng_an.unit_id, 60)
    quota = _quota(to_hieu.unit_id, 40)
    assert quota.count == 40 and quota.province_id == son_la.unit_id
    event = AuditEvent.objects.get(action="staffing.quota_set", unit_id=to_hieu.unit_id)
    assert event.data["count"] == 40 and event.actor is None


def test_the_cap_counts_only_the_same_year_and_category(son_la, chieng_an, to_hieu):
    _quota(son_la.unit_id, 100)
    _quota(chieng_an.unit_id, 90)
    _quota(to_hieu.unit_id, 500, category="public_employee")
    _quota(to_hieu.unit_id, 500, year=2027)
    _quota(to_hieu.unit_id, 10)


def test_setting_a_quota_again_replaces_it_and_counts_against_the_cap_once(son_la, chieng_an):
    _quota(son_la.unit_id, 100)
    _quota(chieng_an.unit_id, 80)
    _quota(chieng_an.unit_id, 100)
    assert services.quota_of(chieng_an.unit_id, 2026, "civil_servant") == 100
    assert Quota.objects.filter(unit_id=chieng_an.unit_id).count() == 1


def test_lowering_a_parent_below_its_childrens_sum_is_refused(son_la, chieng_an, to_hieu):
    _quota(son_la.unit_id, 100)
    _quota(chieng_an.unit_id, 60)
    _quota(to_hieu.unit_id, 30)
    with pytest.raises(DomainError, match="90") as refused:
        _quota(son_la.unit_id, 89)
    assert "Sơn La" in refused.value.message
    assert services.quota_of(son_la.unit_id, 2026, "civil_servant") == 100
    _quota(son_la.unit_id, 90)


def test_a_commune_official_may_not_set_another_communes_quota(
    commune_official, chieng_an, to_hieu
):

    _quota(chieng_an.unit_id, 5, actor=commune_official.user)
    with pytest.raises(NotFound):
        _quota(to_hieu.unit_id, 5, actor=commune_official.user)


def test_an_observer_may_not_set_a_quota(observer, chieng_an):
    with pytest.raises(Forbidden):
        _quota(chieng_an.unit_id, 5, actor=observer.user)


# -- officials -------------------------------------------------------------------------------
def test_an_official_is_recorded_with_the_identity_number_sealed(chieng_an):
    official = _person(chieng_an.unit_id)
    stored = Official.objects.get(pk=official.pk)
    assert "014185000123" not in stored.national_id_sealed
    assert protect.unseal(stored.national_id_sealed) == "014185000123"
    assert stored.national_id_masked == "********0123"
    assert str(stored.salary_coefficient) == "3.66"
    event = AuditEvent.objects.get(action="staffing.official_create")
    assert "014185000123" not in str(event.data)


def test_a_duplicate_identity_number_is_refused_clearly(chieng_an, to_hieu):
    _person(chieng_an.unit_id)
    with pytest.raises(DomainError, match=r"\*\*\*\*\*\*\*\*0123 is already recorded"):
        _person(to_hieu.unit_id, national_id="0141 8500 0123", full_name="Cầm Văn Bình")
    assert Official.objects.count() == 1


def test_a_duplicate_number_that_slips_past_the_check_is_still_refused_clearly(
    chieng_an, monkeypatch
):
    # Two records of one number at the same moment both pass the check; the database's unique
    # digest refuses the second, and the refusal reads the same.
    _person(chieng_an.unit_id)
    monkeypatch.setattr(
        services,
        "_number_free",
        lambda number, official_id=None: (protect.digest(number), protect.seal(number)),
    )
    with pytest.raises(DomainError, match="already recorded"):
        _person(chieng_an.unit_id)
    assert Official.objects.count() == 1


def test_an_official_hired_before_sixteen_is_refused_naming_the_field(chieng_an):
    with pytest.raises(DomainError) as refused:
        _person(chieng_an.unit_id, hire_date=dt.date(1995, 1, 1))
    assert refused.value.problems[0].field == "hire_date"
    assert not Official.objects.exists()


def test_updating_an_official_changes_the_fields_and_reseals_a_new_number(chieng_an):
    official = _person(chieng_an.unit_id)
    services.official_update(
        actor=None, official_id=official.pk, full_name="Lò Thị Mai Anh", national_id="014185009999"
    )
    official.refresh_from_db()
    assert official.full_name == "Lò Thị Mai Anh"
    assert protect.unseal(official.national_id_sealed) == "014185009999"
    event = AuditEvent.objects.get(action="staffing.official_update")
    assert event.data["fields"] == ["full_name", "national_id"]


def test_an_update_to_an_unknown_field_is_refused(chieng_an):
    official = _person(chieng_an.unit_id)
    with pytest.raises(DomainError, match="unit_id"):
        services.official_update(actor=None, official_id=official.pk, unit_id=1)


def test_another_communes_official_cannot_update_an_official(chieng_an, other_commune_official):
    official = _person(chieng_an.unit_id)
    with pytest.raises(NotFound):
        services.official_update(
            actor=other_commune_official.user, official_id=official.pk, rank="Chuyên viên"
        )


# -- assignments -----------------------------------------------------------------------------
def test_an_official_of_another_category_cannot_take_a_position(chieng_an):
    official = _person(chieng_an.unit_id, category="public_employee")
    position = factories.position(chieng_an.unit_id, category=Category.CIVIL_SERVANT)
    with pytest.raises(DomainError, match=r"public employee.*civil servant"):
        services.assignment_start(
            actor=None, official_id=official.pk, position_id=position, valid_from=DAY
        )
    assert not Assignment.objects.exists()


def test_an_official_cannot_hold_the_same_position_twice_at_once(chieng_an):
    official = _person(chieng_an.unit_id)
    position = factories.position(chieng_an.unit_id, seats=3)
    services.assignment_start(
        actor=None, official_id=official.pk, position_id=position, valid_from=DAY
    )
    with pytest.raises(DomainError, match="already holds"):
        services.assignment_start(
            actor=None,
            official_id=official.pk,
            position_id=position,
            valid_from=DAY + dt.timedelta(days=30),
        )


def test_the_seats_of_a_position_are_never_exceeded_on_a_date(chieng_an):
    position = factories.position(chieng_an.unit_id, seats=2)
    first, second, third = (
        _person(chieng_an.unit_id, national_id=f"01418500{n:04d}") for n in (1, 2, 3)
    )
    services.assignment_start(
        actor=None, official_id=first.pk, position_id=position, valid_from=DAY
    )
    held = services.assignment_start(
        actor=None, official_id=second.pk, position_id=position, valid_from=DAY
    )
    with pytest.raises(DomainError, match="2 seat"):
        services.assignment_start(
            actor=None, official_id=third.pk, position_id=position, valid_from=DAY
        )
    # Once the second holder leaves, the seat is free from the next day on, not before.
    services.assignment_end(actor=None, assignment_id=held.pk, last_day=dt.date(2025, 12, 31))
    with pytest.raises(DomainError, match="seat"):
        services.assignment_start(
            actor=None, official_id=third.pk, position_id=position, valid_from=dt.date(2025, 12, 31)
        )
    services.assignment_start(
        actor=None, official_id=third.pk, position_id=position, valid_from=dt.date(2026, 1, 1)
    )
    assert Assignment.objects.filter(position_id=position, valid_to__isnull=True).count() == 2


def test_a_position_cannot_close_while_held_and_closes_once_the_holder_leaves(chieng_an):
    official = _person(chieng_an.unit_id)
    position = factories.position(chieng_an.unit_id)
    held = services.assignment_start(
        actor=None, official_id=official.pk, position_id=position, valid_from=DAY
    )
    with pytest.raises(DomainError, match="Lò Thị Mai"):
        services.position_close(actor=None, position_id=position, last_day=dt.date(2025, 12, 31))
    services.assignment_end(actor=None, assignment_id=held.pk, last_day=dt.date(2025, 12, 31))
    closed = services.position_close(
        actor=None, position_id=position, last_day=dt.date(2025, 12, 31)
    )
    assert closed.valid_to == dt.date(2025, 12, 31)
    # The same close again does nothing.
    services.position_close(actor=None, position_id=position, last_day=dt.date(2025, 12, 31))
    assert AuditEvent.objects.filter(action="staffing.position_close").count() == 1


def test_a_position_code_is_unique_among_the_units_open_positions(chieng_an):
    values: dict[str, Any] = {
        "actor": None,
        "unit_id": chieng_an.unit_id,
        "code": "VP-01",
        "title": "Chuyên viên văn phòng",
        "group": "professional",
        "category": "civil_servant",
        "level_required": 4,
        "field_required": "administration",
        "valid_from": DAY,
    }
    services.position_create(**values)
    with pytest.raises(DomainError, match="VP-01"):
        services.position_create(**values)


def test_a_deputy_must_be_a_leadership_position(chieng_an):
    with pytest.raises(DomainError) as refused:
        services.position_create(
            actor=None,
            unit_id=chieng_an.unit_id,
            code="PCT",
            title="Phó Chủ tịch",
            group="professional",
            leader_role="deputy",
            category="civil_servant",
            level_required=4,
            field_required="administration",
            valid_from=DAY,
        )
    assert refused.value.problems[0].field == "leader_role"


def test_a_passed_course_raises_the_officials_qualification(chieng_an):
    official = _person(chieng_an.unit_id, level=3)
    services.training_record(
        actor=None,
        official_id=official.pk,
        course="Đại học Luật (vừa làm vừa học)",
        field="law",
        level=4,
        start=dt.date(2021, 9, 1),
        end=dt.date(2025, 6, 30),
        result="passed",
    )
    official.refresh_from_db()
    assert official.level == 4
    assert AuditEvent.objects.get(action="staffing.training_record").data["raised_level"] == 4


# -- selectors -------------------------------------------------------------------------------
def test_the_officials_of_a_unit_as_of_a_date_are_those_hired_by_then_or_holding_its_positions(
    chieng_an, to_hieu
):
    from tinhgon.staffing import selectors

    hired_2012 = _person(chieng_an.unit_id)
    _person(chieng_an.unit_id, national_id="014185000124", hire_date=dt.date(2025, 10, 1))
    seconded = _person(to_hieu.unit_id, national_id="014185000125", full_name="Cầm Văn Bình")
    position = factories.position(chieng_an.unit_id)
    services.assignment_start(
        actor=None, official_id=seconded.pk, position_id=position, valid_from=DAY
    )
    on_day = selectors.officials_of_unit(user=None, unit_id=chieng_an.unit_id, day=DAY)
    assert {o.pk for o in on_day} == {hired_2012.pk, seconded.pk}
    found = selectors.officials_of_unit(
        user=None, unit_id=chieng_an.unit_id, day=DAY, search="cam van"
    )
    assert [o.pk for o in found] == [seconded.pk]
    by_digits = selectors.officials_of_unit(
        user=None, unit_id=chieng_an.unit_id, day=DAY, search="0123"
    )
    assert [o.pk for o in by_digits] == [hired_2012.pk]


def test_the_positions_of_a_unit_show_holders_and_vacancies_leaders_first(chieng_an):
    from tinhgon.staffing import selectors

    staff = factories.position(chieng_an.unit_id, seats=3, code="CV")
    head = factories.position(
        chieng_an.unit_id, code="TP", group="leadership", leader_role="head", title="Trưởng phòng"
    )
    official = _person(chieng_an.unit_id)
    services.assignment_start(
        actor=None, official_id=official.pk, position_id=staff, valid_from=DAY
    )
    views = selectors.positions_of_unit(user=None, unit_id=chieng_an.unit_id, day=DAY)
    assert [v.position.pk for v in views] == [head, staff]
    assert [(v.vacant, len(v.holders)) for v in views] == [(1, 0), (2, 1)]


def test_an_officials_history_lists_assignments_newest_first_and_training(chieng_an):
    from tinhgon.staffing import selectors

    official = _person(chieng_an.unit_id)
    first = factories.position(chieng_an.unit_id)
    second = factories.position(chieng_an.unit_id)
    held = services.assignment_start(
        actor=None, official_id=official.pk, position_id=first, valid_from=DAY
    )
    services.assignment_end(actor=None, assignment_id=held.pk, last_day=dt.date(2025, 12, 31))
    services.assignment_start(
        actor=None, official_id=official.pk, position_id=second, valid_from=dt.date(2026, 1, 1)
    )
    services.training_record(
        actor=None,
        official_id=official.pk,
        course="Bồi dưỡng kỹ năng chuyển đổi số",
        field="it",
        start=dt.date(2025, 3, 1),
        result="ongoing",
    )
    history = selectors.official_history(user=None, official_id=official.pk)
    assert [a.position_id for a in history.assignments] == [second, first]
    assert [t.course for t in history.trainings] == ["Bồi dưỡng kỹ năng chuyển đổi số"]
