"""Who sees and who manages an official: a commune official, an official of another commune,
an observer, a provincial administrator and the operator (actor None)."""

import pytest
from django.utils import translation

from tinhgon.core.errors import Forbidden, NotFound
from tinhgon.staffing import access
from tinhgon.staffing.models import Official
from tinhgon.staffing.tests import factories


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


NUMBER = "014185000777"


@pytest.fixture
def mai(chieng_an):  # type: ignore[no-untyped-def]
    return Official.objects.get(pk=factories.official(chieng_an.unit_id, number=NUMBER))


def test_the_communes_own_official_manages_and_sees_the_whole_number(commune_official, mai):
    assert access.may_manage(commune_official.user, mai)
    assert access.identity_number(commune_official.user, mai) == NUMBER
    data = access.personal_data(commune_official.user, mai)
    assert data["birth_date"] == mai.birth_date and data["ethnicity"] == "Thái"


def test_an_official_of_another_commune_does_not_see_the_official_at_all(
    other_commune_official, mai
):
    assert not access.visible_officials(other_commune_official.user).filter(pk=mai.pk).exists()
    assert not access.may_manage(other_commune_official.user, mai)
    with pytest.raises(NotFound):
        access.access_official(other_commune_official.user, mai.pk)


def test_an_observer_sees_the_official_masked_and_manages_nothing(observer, mai):
    assert access.access_official(observer.user, mai.pk) == mai
    assert not access.may_manage(observer.user, mai)
    data = access.personal_data(observer.user, mai)
    assert data == {
        "national_id": "********0777",
        "birth_date": None,
        "birth_year": 1985,
        "ethnicity": None,
        "home_commune_id": None,
        "salary_coefficient": None,
        "masked": True,
    }
    with pytest.raises(Forbidden):
        access.access_official(observer.user, mai.pk, write=True)


def test_a_provincial_administrator_manages_the_officials_of_every_commune(
    province_admin, mai, to_hieu
):

    other = factories.official(to_hieu.unit_id)
    visible = set(access.visible_officials(province_admin.user).values_list("pk", flat=True))
    assert {mai.pk, other} <= visible
    assert access.may_manage(province_admin.user, mai)


def test_another_provinces_administrator_sees_no_official_of_son_la(ha_noi_admin, mai):
    assert not access.visible_officials(ha_noi_admin.user).exists()


def test_an_anonymous_visitor_manages_no_one(mai):
    from django.contrib.auth.models import AnonymousUser

    assert not access.may_manage(AnonymousUser(), mai)
    assert not access.visible_officials(AnonymousUser()).exists()


def test_the_operator_manages_everyone(mai):
    assert access.may_manage(None, mai)
    assert access.identity_number(None, mai) == NUMBER


def test_a_departments_official_manages_that_department_only_and_reads_the_rest_masked(son_la, mai):
    from tinhgon.accounts.models import Role
    from tinhgon.conftest import make_persona
    from tinhgon.units import selectors

    departments = selectors.versions_on(factories.EARLIER).filter(
        province_id=son_la.unit_id, kind="department"
    )
    home_affairs = departments.get(code__endswith="-SNV")
    justice = departments.get(code__endswith="-STP")
    ours = Official.objects.get(pk=factories.official(home_affairs.unit_id))
    theirs = Official.objects.get(pk=factories.official(justice.unit_id))
    official = make_persona("snv-official", home_affairs.unit_id, Role.UNIT_OFFICIAL).user
    assert access.may_manage(official, ours)
    assert not access.may_manage(official, theirs)
    assert not access.may_manage(official, mai)
    assert access.personal_data(official, theirs)["masked"] is True
    assert {ours.pk, theirs.pk, mai.pk} <= set(
        access.visible_officials(official).values_list("pk", flat=True)
    )
