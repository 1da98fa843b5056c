"""Who may see and change which units. Every page, endpoint and command goes through here.

A user's scope comes from their memberships in force today.

Reading: a membership's unit stands for the administrative unit it serves: a commune official
sees everything that serves that commune, a provincial administrator everything in the province,
a district official the district and its communes, the official of a department the province.

Writing: a provincial administrator writes in the province; an official whose membership is in an
administrative unit writes what serves it; an official of an agency (a department, an office)
writes only that agency's subtree (the agency and the units under it). Observers write nothing.
Administrative units themselves (province, district, commune, ward) change name, code, kind or
parent, open and close only through reorganization plans: the direct writes refuse that to
everyone but superusers. Superusers see and change everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.models import WRITE_ROLES, Membership, Role
from tinhgon.carriers.models import Priority, Route
from tinhgon.core import text
from tinhgon.core.db import instances
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.units import selectors
from tinhgon.units.access import Root, Scope
from tinhgon.units.kinds import Kind, Level, is_administrative
from tinhgon.units.models import UnitLink, UnitVersion


def memberships_in_force(user, day: dt.date | None = None):  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    return Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        user=user,
    )


# Scopes computed while `scopes_cached()` is active: (user id, day) -> scope.
_cached_scopes: ContextVar[dict[tuple[int, dt.date], Scope] | None] = ContextVar(
    "tinhgon_cached_scopes", default=None
)


@contextmanager
def scopes_cached() -> Iterator[None]:
    """Within the block, each user's scope is read once per day (one request: its memberships
    do not change while it runs, and every check of it would read them again otherwise)."""
    token = _cached_scopes.set({})
    try:
        yield
    finally:
        _cached_scopes.reset(token)


def scope_for(user) -> Scope:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(everything=False, roots=())
    if user.is_superuser:
        return Scope(everything=True, roots=())
    today = timezone.localdate()
    cache = _cached_scopes.get()
    if cache is None:
        return _scope_on(user, today)
    key = (user.pk, today)
    if key not in cache:
        cache[key] = _scope_on(user, today)
    return cache[key]


# Every request that checks a scope reads these two, so they are written out: building them
# with the ORM cost ten times what PostgreSQL spends running them (about 1 ms of CPU against
# 0.1 ms, measured for the intake benchmark, docs/benchmarks.md).
_VALID = (
    "({t}.valid_from IS NULL OR {t}.valid_from <= %s) "
    "AND ({t}.valid_to IS NULL OR {t}.valid_to >= %s)"
)
# Each membership in force with its unit's version on the day (a membership of a unit that has
# no version that day, a closed unit, gives no access).
_HELD = (
    "SELECT m.role, m.unit_id, v.admin_unit_id, v.level "
    f"FROM {Membership._meta.db_table} m JOIN {UnitVersion._meta.db_table} v "
    "ON v.unit_id = m.unit_id "
    f"WHERE m.user_id = %s AND {_VALID.format(t='m')} AND {_VALID.format(t='v')} ORDER BY m.id"
)
# A unit's version on a day (as units.selectors.version_on).
_VERSION = (
    f"SELECT * FROM {UnitVersion._meta.db_table} v "
    f"WHERE v.unit_id = %s AND {_VALID.format(t='v')} ORDER BY v.id LIMIT 1"
)


def _scope_on(user, today: dt.date) -> Scope:  # type: ignore[no-untyped-def]
    roots: dict[int, Root] = {}
    agencies: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(_HELD, [user.pk, today, today, today, today])
        held = cursor.fetchall()
    for role, unit_id, admin_unit_id, level in held:
        is_agency = admin_unit_id != unit_id
        if is_agency:
            admin_unit_id, level = _admin_unit(admin_unit_id, today)
        # An agency's official writes the agency's subtree, not their administrative unit: a
        # membership in Sở Nội vụ once renamed other departments, wards and the province.
        agency_official = is_agency and role == Role.UNIT_OFFICIAL
        if agency_official:
            agencies.append(unit_id)
        writes_admin_unit = role in WRITE_ROLES and not agency_official
        previous = roots.get(admin_unit_id)
        roots[admin_unit_id] = Root(
            admin_unit_id, level, writes_admin_unit or bool(previous and previous.writable)
        )
    return Scope(everything=False, roots=tuple(roots.values()), agencies=tuple(agencies))


def _admin_unit(unit_id: int, day: dt.date) -> tuple[int, int]:
    admin = selectors.version_on(unit_id, day)
    return admin.unit_id, admin.level


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
    if write and scope.agencies:
        subtree = selectors.subtree_ids(scope.agencies, day)
        condition |= Q(**{f"{unit_field}__in": subtree})
        condition |= Q(**{f"{unit_field}__in": _in_transit_to(subtree)})
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
        condition |= Q(**{f"{unit_field}__in": _in_transit_to(units.values("unit_id"))})
    return condition


def covers(
    scope: Scope, *, province_id: int | None, admin_unit_id: int | None, write: bool = False
) -> bool:
    """Whether a row with this province and administrative unit is in `records_filter(scope,
    ...)` by that filter's first condition for one of the roots (a province root: the row's
    province; any other root: the row's administrative unit), decided without a query. True is
    certain; False decides nothing (a district's communes, an agency's subtree, records in
    transit): the caller then asks the database with the whole filter."""
    if scope.everything:
        return True
    for root in scope.roots:
        if write and not root.writable:
            continue
        column = province_id if root.level == Level.PROVINCE else admin_unit_id
        if column is not None and column == root.admin_unit_id:
            return True
    return False


def member_of(user, unit_id: int, *, day: dt.date | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user is an official (not an administrator, not an observer) of the unit on
    `day` (default: today) by a membership in force there, or, for a people's committee, at the
    administrative unit it serves."""
    day = day or timezone.localdate()
    units = [unit_id]
    version = selectors.versions_on(day).filter(unit_id=unit_id).first()
    if version is not None and version.kind == Kind.PEOPLES_COMMITTEE and version.parent_id:
        units.append(version.parent_id)
    return (
        memberships_in_force(user, day).filter(unit_id__in=units, role=Role.UNIT_OFFICIAL).exists()
    )


def hierarchy_filter(user, day: dt.date, *, unit_field: str, province_field: str) -> Q:  # type: ignore[no-untyped-def]
    """The rows whose unit lies at or under the unit of one of the user's memberships in force on
    `day` (or is on its way there), through the registry's tree: a real hierarchy, where the scope
    (`records_filter`) also lets an agency's official read their whole province. A membership in
    a province itself reads what its province holds (`province_field`). Superusers: every row."""
    if scope_for(user).everything:
        return Q()
    held = set(memberships_in_force(user, day).values_list("unit_id", flat=True))
    provinces = set(
        selectors.versions_on(day)
        .filter(unit_id__in=held, admin_unit_id=F("unit_id"), level=Level.PROVINCE)
        .values_list("unit_id", flat=True)
    )
    condition = Q(pk__in=[])  # no membership: nothing
    if provinces:
        condition |= Q(**{f"{province_field}__in": sorted(provinces)})
    if held - provinces:
        subtree = selectors.subtree_ids(sorted(held - provinces), day)
        condition |= Q(**{f"{unit_field}__in": subtree})
        condition |= Q(**{f"{unit_field}__in": _in_transit_to(subtree)})
    return condition


def _in_transit_to(units):  # type: ignore[no-untyped-def]
    """The units whose records are on their way to `units` (a subquery of unit ids)."""
    return Route.objects.filter(
        in_transit=True,
        priority__in=[Priority.PLACE, Priority.DEFAULT],
        to_unit_id__in=units,
    ).values("from_unit_id")


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
    if not scope.everything:
        # The usual case without building the scope's filter: the version read, then found
        # under one of the roots (every filing checks its centre this way).
        version = next(iter(instances(UnitVersion, _VERSION, [unit_id, day, day])), None)
        if version is None:
            raise NotFound(
                _("Unit %(id)s is not open on %(day)s or not in your scope.")
                % {"id": unit_id, "day": text.day(day)}
            )
        province, admin_unit = version.province_id, version.admin_unit_id
        if covers(scope, province_id=province, admin_unit_id=admin_unit) and (
            not write or covers(scope, province_id=province, admin_unit_id=admin_unit, write=True)
        ):
            return version
    base = selectors.versions_on(day).filter(unit_id=unit_id)
    if write:
        # The usual case in one query: the unit is readable and writable.
        writable = (
            base.filter(unit_filter(scope, day)).filter(unit_filter(scope, day, write=True)).first()
        )
        if writable is not None:
            return writable
    version = base.filter(unit_filter(scope, day)).first()
    if version is None:
        raise NotFound(
            _("Unit %(id)s is not open on %(day)s or not in your scope.")
            % {"id": unit_id, "day": text.day(day)}
        )
    if write and not base.filter(unit_filter(scope, day, write=True)).exists():
        if scope.can_write_anything:
            raise Forbidden(_("This unit is outside the units you may change."))
        raise Forbidden(_("Your role in this unit is read-only."))
    return version


def may_write_unit(user, unit_id: int, *, day: dt.date | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Whether `access_unit(..., write=True)` would let the user change the unit's records: what
    a page asks before it offers a form."""
    try:
        access_unit(user, unit_id, day=day, write=True)
    except DomainError:
        return False
    return True


def _through_plans_only(user, kind: str, message: str) -> None:  # type: ignore[no-untyped-def]
    """Administrative units change only through reorganization plans (approved by a second
    administrator, with lineage and every record moved): a direct write is a superuser's repair."""
    if is_administrative(kind) and not scope_for(user).everything:
        raise DomainError(message, code="plan_required", status=403)


def access_unit_create(user, *, parent_id: int, kind: str, day: dt.date) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The parent's version on `day` if the user may open a unit of `kind` under it."""
    parent = access_unit(user, parent_id, day=day, write=True)
    _through_plans_only(
        user,
        kind,
        _(
            "Administrative units (provinces, districts, communes, wards) open only through a "
            "reorganization plan: write a plan on the Plans page."
        ),
    )
    return parent


def access_unit_change(  # type: ignore[no-untyped-def]
    user, unit_id: int, *, day: dt.date, parent_id: int | None = None
) -> UnitVersion:
    """The unit's version on `day` if the user may rename, recode, reclassify it or, with
    `parent_id`, move it there (they must be able to write under the new parent too)."""
    version = access_unit(user, unit_id, day=day, write=True)
    _through_plans_only(
        user,
        version.kind,
        _(
            "%(name)s is an administrative unit: its name, code, kind and parent change only "
            "through a reorganization plan. Write a plan on the Plans page."
        )
        % {"name": version.name},
    )
    if parent_id is not None:
        access_unit(user, parent_id, day=day, write=True)
    return version


def access_unit_close(user, unit_id: int, *, day: dt.date) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The unit's version on `day` if the user may close it after that day."""
    version = access_unit(user, unit_id, day=day, write=True)
    _through_plans_only(
        user,
        version.kind,
        _(
            "%(name)s is an administrative unit: it closes only through a reorganization plan "
            "(which names its successor). Write a plan on the Plans page."
        )
        % {"name": version.name},
    )
    return version


def access_any_version(user, unit_id: int) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The most recent version of a unit, open or closed, if any of its versions is in scope, or
    any version of a unit it became: the officials of a ward read the pages of the communes the
    ward was formed from (read only: this decides what a page shows, never a write)."""
    latest = selectors.latest_version(unit_id)
    if unit_id not in visible_unit_ids(user, [unit_id]):
        raise NotFound(_("Unit %(id)s does not exist or is not in your scope.") % {"id": unit_id})
    return latest


# Ids per query when many units are checked at once (SQLite allows 32,766 parameters).
_CHUNK = 2000


def visible_unit_ids(user, unit_ids: Iterable[int]) -> set[int]:  # type: ignore[no-untyped-def]
    """Those of `unit_ids` that `access_any_version` lets the user read: a version of the unit,
    or of a unit it became, lies in the user's scope on that version's own dates. A few queries
    however many ids (a lookup checks every unit its words match)."""
    wanted = set(unit_ids)
    scope = scope_for(user)
    if scope.everything or not wanted:
        return wanted
    # What each unit became, through every reorganization (one query per generation).
    became: dict[int, set[int]] = {}
    expanded: set[int] = set()
    frontier = set(wanted)
    for _generation in range(20):
        expanded |= frontier
        links: list[tuple[int, int]] = []
        for chunk in _chunks(frontier):
            links += UnitLink.objects.filter(predecessor_id__in=chunk).values_list(
                "predecessor_id", "successor_id"
            )
        for predecessor, successor in links:
            became.setdefault(predecessor, set()).add(successor)
        frontier = {successor for _predecessor, successor in links} - expanded
        if not frontier:
            break
    reach = {unit: _reachable(unit, became) for unit in wanted}
    every = set().union(*reach.values())
    # Each version probed on a day of its own: its last day, else its first, else today.
    today = timezone.localdate()
    by_day: dict[dt.date, list[int]] = {}
    for chunk in _chunks(every):
        for pk, valid_from, valid_to in UnitVersion.objects.filter(unit_id__in=chunk).values_list(
            "pk", "valid_from", "valid_to"
        ):
            by_day.setdefault(valid_to or valid_from or today, []).append(pk)
    in_scope: set[int] = set()
    for day, pks in by_day.items():
        for chunk in _chunks(pks):
            in_scope.update(
                selectors.versions_on(day)
                .filter(pk__in=chunk)
                .filter(unit_filter(scope, day))
                .values_list("unit_id", flat=True)
            )
    return {unit for unit in wanted if reach[unit] & in_scope}


def _reachable(unit: int, became: dict[int, set[int]]) -> set[int]:
    seen, todo = {unit}, [unit]
    while todo:
        for successor in became.get(todo.pop(), ()):
            if successor not in seen:
                seen.add(successor)
                todo.append(successor)
    return seen


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    items = list(ids)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
