"""Who may see and change which units. Every page, endpoint and command goes through here.

A user's scope comes from their memberships in force today. A membership's unit stands for the
administrative unit it serves: a commune official sees everything that serves that commune, a
provincial administrator everything in the province, a district official the district and its
communes. Administrators and unit officials may change what they see; observers may only read.
Superusers see and change everything.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.models import WRITE_ROLES, Membership
from tinhgon.carriers.models import Priority, Route
from tinhgon.core.errors import Forbidden, NotFound
from tinhgon.units import selectors
from tinhgon.units.access import Root, Scope
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion


def memberships_in_force(user, day: dt.date | None = None):  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    return Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        user=user,
    )


def scope_for(user) -> Scope:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(everything=False, roots=())
    if user.is_superuser:
        return Scope(everything=True, roots=())
    today = timezone.localdate()
    roots: dict[int, Root] = {}
    for membership in memberships_in_force(user, today):
        try:
            version = selectors.version_on(membership.unit_id, today)
        except NotFound:
            continue  # a membership of a closed unit gives no access
        admin = (
            version
            if version.admin_unit_id == version.unit_id
            else selectors.version_on(version.admin_unit_id, today)
        )
        writable = membership.role in WRITE_ROLES
        previous = roots.get(admin.unit_id)
        roots[admin.unit_id] = Root(
            admin.unit_id, admin.level, writable or bool(previous and previous.writable)
        )
    return Scope(everything=False, roots=tuple(roots.values()))


def records_filter(
    scope: Scope,
    day: dt.date,
    *,
    unit_field: str = "unit",
    province_field: str | None = None,
    admin_unit_field: str | None = None,
    write: bool = False,
) -> Q:
    """A filter on any table that points at units.Unit through `unit_field`: the rows the scope
    may read (or write) on `day`.

    A table that carries its unit's province or administrative unit (`province_field`,
    `admin_unit_field`) is filtered on those columns; otherwise the unit is looked up among the
    versions open on `day`, in a subquery. Either way the rows come in one SQL query.
    """
    if scope.everything:
        return Q()
    condition = Q(pk__in=[])  # no root: nothing
    for root in scope.roots:
        if write and not root.writable:
            continue
        if root.level == Level.PROVINCE:
            column, version_column = province_field, "province_id"
        else:
            column, version_column = admin_unit_field, "admin_unit_id"
        units = selectors.versions_on(day).filter(_served_by(root, day, version_column))
        if column is not None:
            condition |= _served_by(root, day, column)
        else:
            condition |= Q(**{f"{unit_field}__in": units.values("unit_id")})
        # While a plan applies in batches, records not yet moved still point at the closed
        # units (their default successors' already), and records of a re-placed unit still carry
        # their old province (the unit is in this scope's province already).
        in_transit = Route.objects.filter(
            in_transit=True,
            priority__in=[Priority.PLACE, Priority.DEFAULT],
            to_unit_id__in=units.values("unit_id"),
        )
        condition |= Q(**{f"{unit_field}__in": in_transit.values("from_unit_id")})
    return condition


def _served_by(root: Root, day: dt.date, column: str) -> Q:
    """`column` names the root (its province or administrative unit) or, for a district, one of
    the units directly under it on `day` (its communes)."""
    condition = Q(**{column: root.admin_unit_id})
    if root.level not in (Level.PROVINCE, Level.COMMUNE):
        children = selectors.versions_on(day).filter(parent_id=root.admin_unit_id)
        condition |= Q(**{f"{column}__in": children.values("unit_id")})
    return condition


def unit_filter(scope: Scope, day: dt.date, *, write: bool = False) -> Q:
    """A filter on UnitVersion rows: those the scope may read (or write) on `day`."""
    return records_filter(
        scope, day, province_field="province_id", admin_unit_field="admin_unit_id", write=write
    )


def visible_versions(user, day: dt.date):  # type: ignore[no-untyped-def]
    return selectors.versions_on(day).filter(unit_filter(scope_for(user), day))


def access_unit(
    user, unit_id: int, *, day: dt.date | None = None, write: bool = False
) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The version of `unit_id` on `day` (default: today) if the user may see it.

    A unit outside the scope is reported as not found, so its existence does not leak; a unit the
    user sees but may not change is refused as forbidden.
    """
    day = day or timezone.localdate()
    scope = scope_for(user)
    base = selectors.versions_on(day).filter(unit_id=unit_id)
    version = base.filter(unit_filter(scope, day)).first()
    if version is None:
        raise NotFound(
            _("Unit %(id)s is not open on %(day)s or not in your scope.")
            % {"id": unit_id, "day": day}
        )
    if write and not base.filter(unit_filter(scope, day, write=True)).exists():
        raise Forbidden(_("Your role in this unit is read-only."))
    return version


def access_any_version(user, unit_id: int) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The most recent version of a unit, open or closed, if any of its versions is in scope, or
    any version of a unit it became: the officials of a ward read the pages of the communes the
    ward was formed from (read only: this decides what a page shows, never a write)."""
    scope = scope_for(user)
    latest = selectors.latest_version(unit_id)
    if scope.everything:
        return latest
    became = [link.successor_id for link, _d in selectors.lineage(unit_id, direction="successors")]
    for version in UnitVersion.objects.filter(unit_id__in=[unit_id, *became]):
        probe = version.valid_to or version.valid_from or timezone.localdate()
        if (
            selectors.versions_on(probe)
            .filter(pk=version.pk)
            .filter(unit_filter(scope, probe))
            .exists()
        ):
            return latest
    raise NotFound(_("Unit %(id)s does not exist or is not in your scope.") % {"id": unit_id})
