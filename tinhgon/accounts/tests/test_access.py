"""records_filter: the scope applied to a capability's table (here accounts.Membership, which
points at units.Unit), with the personas of tinhgon/conftest.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhgon.accounts.access import Root, Scope, records_filter, scope_for
from tinhgon.accounts.models import Membership, Role
from tinhgon.conftest import AFTER, BEFORE, unit
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(django_user_model, son_la, chieng_an, to_hieu):
    """One membership of a staff member in each unit a test looks for, by name."""
    staff = django_user_model.objects.create_user("staff")
    on_day = selectors.versions_on(AFTER)
    hanoi = selectors.resolve_province("Hà Nội", day=AFTER)
    units = {
        "Sơn La": son_la,
        "a department of Sơn La": on_day.filter(
            admin_unit_id=son_la.unit_id, kind=Kind.DEPARTMENT
        ).first(),
        "Phường Chiềng An": chieng_an,
        "the people's committee of Phường Chiềng An": on_day.get(
            admin_unit_id=chieng_an.unit_id, kind=Kind.PEOPLES_COMMITTEE
        ),
        "Phường Tô Hiệu": to_hieu,
        "a commune of Hà Nội": on_day.filter(
            province_id=hanoi.unit_id, level=Level.COMMUNE
        ).first(),
    }
    return {
        name: Membership.objects.create(user=staff, unit_id=u.unit_id, role=Role.OBSERVER).pk
        for name, u in units.items()
    }


def visible(rows, scope, *, write=False, day=AFTER) -> set[str]:
    allowed = Membership.objects.filter(
        records_filter(scope, day, write=write), pk__in=rows.values()
    ).values_list("pk", flat=True)
    return {name for name, pk in rows.items() if pk in set(allowed)}


SON_LA = {
    "Sơn La",
    "a department of Sơn La",
    "Phường Chiềng An",
    "the people's committee of Phường Chiềng An",
    "Phường Tô Hiệu",
}
CHIENG_AN = {"Phường Chiềng An", "the people's committee of Phường Chiềng An"}


def test_the_provincial_administrator_reads_and_writes_every_row_of_the_province_only(
    rows, province_admin
):
    scope = scope_for(province_admin.user)
    assert visible(rows, scope) == SON_LA
    assert visible(rows, scope, write=True) == SON_LA


def test_a_commune_official_reads_and_writes_the_rows_of_units_serving_their_commune(
    rows, commune_official
):
    scope = scope_for(commune_official.user)
    assert visible(rows, scope) == CHIENG_AN
    assert visible(rows, scope, write=True) == CHIENG_AN


def test_an_official_of_another_commune_sees_none_of_chieng_ans_rows(rows, other_commune_official):
    assert visible(rows, scope_for(other_commune_official.user)) == {"Phường Tô Hiệu"}


def test_an_observer_reads_their_communes_rows_and_may_write_none(rows, observer):
    scope = scope_for(observer.user)
    assert visible(rows, scope) == CHIENG_AN
    assert visible(rows, scope, write=True) == set()


def test_a_superuser_sees_every_row_and_an_anonymous_user_none(rows, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-test-password")
    assert visible(rows, scope_for(root)) == set(rows)
    assert visible(rows, scope_for(AnonymousUser())) == set()


def test_a_district_root_reads_the_district_and_its_communes_but_not_another_district(
    django_user_model,
):
    district = unit("Thành phố Sơn La", day=BEFORE, level=Level.DISTRICT)
    before = selectors.versions_on(BEFORE)
    inside = before.filter(parent_id=district.unit_id, level=Level.COMMUNE).first()
    elsewhere = (
        before.filter(province_id=district.province_id, level=Level.COMMUNE)
        .exclude(parent_id=district.unit_id)
        .first()
    )
    staff = django_user_model.objects.create_user("staff")
    rows = {
        name: Membership.objects.create(user=staff, unit_id=u.unit_id, role=Role.OBSERVER).pk
        for name, u in {"district": district, "inside": inside, "elsewhere": elsewhere}.items()
    }
    scope = Scope(everything=False, roots=(Root(district.unit_id, Level.DISTRICT, False),))
    assert visible(rows, scope, day=BEFORE) == {"district", "inside"}
    assert visible(rows, scope, day=BEFORE, write=True) == set()


def test_the_rows_of_several_roots_come_in_one_query(
    rows, son_la, chieng_an, django_assert_num_queries
):
    scope = Scope(
        everything=False,
        roots=(
            Root(son_la.unit_id, Level.PROVINCE, True),
            Root(chieng_an.unit_id, Level.COMMUNE, True),
            Root(unit("Thành phố Sơn La", day=BEFORE).unit_id, Level.DISTRICT, True),
        ),
    )
    with django_assert_num_queries(1):
        found = list(Membership.objects.filter(records_filter(scope, AFTER), pk__in=rows.values()))
    assert len(found) == len(SON_LA)


@pytest.mark.parametrize(
    "persona", ["province_admin", "commune_official", "other_commune_official", "observer"]
)
def test_denormalized_columns_select_the_same_rows_as_the_unit_subquery(persona, request):
    scope = scope_for(request.getfixturevalue(persona).user)
    on_day = UnitVersion.objects.as_of(AFTER)
    by_columns = on_day.filter(
        records_filter(scope, AFTER, province_field="province", admin_unit_field="admin_unit")
    )
    by_unit = on_day.filter(records_filter(scope, AFTER, unit_field="unit"))
    assert set(by_columns.values_list("pk", flat=True)) == set(by_unit.values_list("pk", flat=True))
    assert by_unit.exists()


def test_an_agency_officials_write_filter_is_still_one_query(rows, django_assert_num_queries):
    department = selectors.versions_on(AFTER).get(code="14-SNV")
    son_la = selectors.resolve_province("Sơn La", day=AFTER)
    scope = Scope(
        everything=False,
        roots=(Root(son_la.unit_id, Level.PROVINCE, False),),
        agencies=(department.unit_id,),
    )
    Membership.objects.filter(pk=rows["a department of Sơn La"]).update(unit_id=department.unit_id)
    with django_assert_num_queries(1):
        found = set(
            Membership.objects.filter(
                records_filter(scope, AFTER, write=True), pk__in=rows.values()
            ).values_list("pk", flat=True)
        )
    assert found == {rows["a department of Sơn La"]}
