"""`covers`: the scope check without a query that `access_unit` and the filing's answer try
first. It may only ever say yes where `records_filter` says yes (the database stays the judge of
everything else), and it must say yes in the usual case, or it saves nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhgon.accounts.access import (
    Root,
    Scope,
    access_unit,
    covers,
    scope_for,
    scopes_cached,
    unit_filter,
)
from tinhgon.accounts.models import Role
from tinhgon.conftest import AFTER, BEFORE, make_persona, unit
from tinhgon.core.errors import Forbidden, NotFound
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, Level

pytestmark = pytest.mark.django_db


def _scopes(son_la, chieng_an, day) -> dict[str, Scope]:
    """Scopes of every shape: province, commune, read-only, agency, district (before 2025-07)."""
    scopes = {
        "province admin": Scope(
            everything=False, roots=(Root(son_la.unit_id, Level.PROVINCE, True),)
        ),
        "commune official": Scope(
            everything=False, roots=(Root(chieng_an.unit_id, Level.COMMUNE, True),)
        ),
        "observer": Scope(everything=False, roots=(Root(chieng_an.unit_id, Level.COMMUNE, False),)),
    }
    department = (
        selectors.versions_on(day)
        .filter(admin_unit_id=son_la.unit_id, kind=Kind.DEPARTMENT)
        .first()
    )
    if department is not None:  # the template apparatus opens with the 2025 reform
        scopes["department official"] = Scope(
            everything=False,
            roots=(Root(son_la.unit_id, Level.PROVINCE, False),),
            agencies=(department.unit_id,),
        )
    district = (
        selectors.versions_on(day)
        .filter(province_id=son_la.unit_id, level=Level.DISTRICT)
        .order_by("code")
        .first()
    )
    if district is not None:
        scopes["district official"] = Scope(
            everything=False, roots=(Root(district.unit_id, Level.DISTRICT, True),)
        )
    return scopes


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_covers_says_yes_only_where_the_scope_filter_does(day, son_la):
    chieng_an = unit("Phường Chiềng An", day=day, level=Level.COMMUNE)
    ha_noi = selectors.resolve_province("Hà Nội", day=day)
    versions = list(
        selectors.versions_on(day).filter(province_id__in=[son_la.unit_id, ha_noi.unit_id])
    )
    assert len(versions) > 100
    for name, scope in _scopes(son_la, chieng_an, day).items():
        for write in (False, True):
            allowed = set(
                selectors.versions_on(day)
                .filter(unit_filter(scope, day, write=write), pk__in=[v.pk for v in versions])
                .values_list("pk", flat=True)
            )
            covered = {
                v.pk
                for v in versions
                if covers(
                    scope, province_id=v.province_id, admin_unit_id=v.admin_unit_id, write=write
                )
            }
            assert covered <= allowed, (name, write, day)
            if name in ("province admin", "commune official") or not write:
                # The usual case is decided without the database: the root's own units.
                root = scope.roots[0].admin_unit_id
                own = {
                    v.pk
                    for v in versions
                    if root in (v.province_id, v.admin_unit_id)
                    and (not write or scope.roots[0].writable)
                }
                assert own and own <= covered, (name, write, day)


def test_covers_gives_nothing_to_an_empty_scope_and_everything_to_a_superuser(son_la):
    nobody = Scope(everything=False, roots=())
    everyone = Scope(everything=True, roots=())
    place = {"province_id": son_la.unit_id, "admin_unit_id": son_la.unit_id}
    assert not covers(nobody, **place) and not covers(nobody, **place, write=True)
    assert covers(everyone, **place) and covers(everyone, **place, write=True)


def test_a_province_admin_reaches_a_commune_to_file_at_in_one_query(son_la, chieng_an):
    admin = make_persona("covers-admin", son_la.unit_id, Role.PROVINCE_ADMIN).user
    with scopes_cached():
        scope_for(admin)  # read once per request
        with CaptureQueriesContext(connection) as queries:
            found = access_unit(admin, chieng_an.unit_id, day=AFTER, write=True)
    assert found.unit_id == chieng_an.unit_id
    assert len(queries) == 1


def test_outside_the_quick_check_the_database_still_decides(son_la, chieng_an, to_hieu):
    observer = make_persona("covers-observer", chieng_an.unit_id, Role.OBSERVER).user
    official = make_persona("covers-official", chieng_an.unit_id, Role.UNIT_OFFICIAL).user
    assert access_unit(observer, chieng_an.unit_id, day=AFTER).unit_id == chieng_an.unit_id
    with pytest.raises(Forbidden):
        access_unit(observer, chieng_an.unit_id, day=AFTER, write=True)
    with pytest.raises(NotFound):
        access_unit(official, to_hieu.unit_id, day=AFTER, write=True)
    with pytest.raises(NotFound):
        access_unit(official, 10**9, day=AFTER)
