"""Reads of the registry. Scope rules live in tinhgon.accounts.access; these take plain ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem, invalid
from tinhgon.core.text import fold
from tinhgon.units.kinds import ADMINISTRATIVE_KINDS, KINDS_BY_LEVEL, Level
from tinhgon.units.models import LinkEvent, UnitLink, UnitVersion, UnitVersionQuerySet

_VALID_ON = (
    "(v.valid_from IS NULL OR v.valid_from <= %s) AND (v.valid_to IS NULL OR v.valid_to >= %s)"
)


def versions_on(day: dt.date) -> UnitVersionQuerySet:
    return UnitVersion.objects.as_of(day)


def version_on(unit_id: int, day: dt.date) -> UnitVersion:
    version = versions_on(day).filter(unit_id=unit_id).first()
    if version is None:
        raise NotFound(
            _("Unit %(id)s is not open on %(day)s.") % {"id": unit_id, "day": text.day(day)}
        )
    return version


def latest_version(unit_id: int) -> UnitVersion:
    version = (
        UnitVersion.objects.filter(unit_id=unit_id)
        # The open version (NULL valid_to) first: SQLite sorts NULLs last in a descending order,
        # PostgreSQL first, so the order says where they go.
        .order_by(F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True))
        .first()
    )
    if version is None:
        raise NotFound(_("Unit %(id)s does not exist.") % {"id": unit_id})
    return version


def subtree_depths(root_ids: Iterable[int], day: dt.date, *, max_depth: int = 50) -> dict[int, int]:
    """unit id -> depth below the nearest root, for every unit under the roots on `day`.

    One recursive query; the parent links are those valid on `day`, so the answer is the tree as
    it stood then. Roots are included at depth 0.
    """
    roots = list(root_ids)
    if not roots:
        return {}
    cte, params = _subtree_cte(roots, day, max_depth)
    with connection.cursor() as cursor:
        cursor.execute(cte + " SELECT unit_id, MIN(depth) FROM sub GROUP BY unit_id", params)
        return {unit_id: depth for unit_id, depth in cursor.fetchall()}


def subtree_ids(root_ids: Iterable[int], day: dt.date, *, max_depth: int = 50) -> RawSQL:
    """The ids of the units under the roots on `day` (roots included) as a subquery, for
    `filter(unit_id__in=subtree_ids(...))`: the filter stays one SQL query."""
    roots = list(root_ids)
    if not roots:
        return RawSQL("SELECT unit_id FROM units_unitversion WHERE 1 = 0", [])
    cte, params = _subtree_cte(roots, day, max_depth)
    return RawSQL(cte + " SELECT unit_id FROM sub", params)


def _subtree_cte(roots: list[int], day: dt.date, max_depth: int) -> tuple[str, list]:
    # Typed seeds: PostgreSQL insists the recursive term's types match the seed's.
    seeds = " UNION ALL ".join("SELECT CAST(%s AS BIGINT), CAST(0 AS INTEGER)" for _ in roots)
    sql = (
        f"WITH RECURSIVE sub(unit_id, depth) AS ({seeds} "
        "UNION ALL SELECT v.unit_id, sub.depth + 1 FROM units_unitversion v "
        f"JOIN sub ON v.parent_id = sub.unit_id WHERE {_VALID_ON} AND sub.depth < %s)"
    )
    return sql, [*roots, day, day, max_depth]


def ancestor_ids(unit_id: int, day: dt.date) -> list[int]:
    """The chain of parents of `unit_id` on `day`, nearest first."""
    sql = (
        "WITH RECURSIVE up(unit_id, n) AS (SELECT v.parent_id, CAST(1 AS INTEGER) FROM units_unitversion v "
        f"WHERE v.unit_id = %s AND {_VALID_ON} AND v.parent_id IS NOT NULL "
        "UNION ALL SELECT v.parent_id, up.n + 1 FROM units_unitversion v JOIN up "
        f"ON v.unit_id = up.unit_id WHERE {_VALID_ON} AND v.parent_id IS NOT NULL AND up.n < 50) "
        "SELECT unit_id FROM up ORDER BY n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, day, day, day, day])
        return [row[0] for row in cursor.fetchall()]


@dataclass
class TreeNode:
    version: UnitVersion
    depth: int
    children: list[TreeNode]

    def as_dict(self) -> dict:
        from tinhgon.units.serializers import version_dict

        return {
            **version_dict(self.version),
            "depth": self.depth,
            "children": [child.as_dict() for child in self.children],
        }


def tree(root_id: int, day: dt.date, *, max_depth: int = 3, scope: Q | None = None) -> TreeNode:
    """The tree under `root_id` as it stood on `day`, `max_depth` levels deep, in Vietnamese order."""
    depths = subtree_depths([root_id], day, max_depth=max_depth)
    versions = versions_on(day).filter(unit_id__in=depths.keys())
    if scope is not None:
        versions = versions.filter(scope)
    by_parent: dict[int | None, list[UnitVersion]] = {}
    root: UnitVersion | None = None
    for version in versions.vietnamese_order():
        if version.unit_id == root_id:
            root = version
        else:
            by_parent.setdefault(version.parent_id, []).append(version)
    if root is None:
        raise NotFound(
            _("Unit %(id)s is not open on %(day)s.") % {"id": root_id, "day": text.day(day)}
        )

    def build(version: UnitVersion, depth: int) -> TreeNode:
        return TreeNode(
            version,
            depth,
            [build(child, depth + 1) for child in by_parent.get(version.unit_id, [])],
        )

    return build(root, 0)


def search(
    query: str, day: dt.date | None, *, base: UnitVersionQuerySet | None = None
) -> UnitVersionQuerySet:
    """Versions whose name or code matches `query`, with or without Vietnamese diacritics.

    Without a date, every version ever recorded is searched (old names find their units).
    """
    qs = base if base is not None else UnitVersion.objects.all()
    if day is not None:
        qs = qs.as_of(day)
    folded = fold(query)
    if not folded:
        return qs.none()
    return qs.filter(Q(name_folded__contains=folded) | Q(code=query.strip()))


# Unit ids -> those of them a user may see (the scope rules, passed in by the caller).
Keep = Callable[[list[int]], set[int]]
# How many matching units a scoped lookup checks against the scope at each stage: a query that
# matches more (a syllable such as "an") finds only among the first ones; more of the name finds.
KEEP_LIMIT = 5000


def resolve(
    name_or_code: str,
    *,
    day: dt.date | None,
    level: int | None = None,
    kinds: Iterable[str] | None = None,
    province_id: int | None = None,
    field: str = "unit",
    keep: Keep | None = None,
) -> UnitVersion:
    """The one unit named or coded `name_or_code`; a clear error when none or several match.

    An exact code wins; then an exact name (ignoring diacritics and case, with or without the
    kind prefix such as "Tỉnh" or "Phường"); then a unique partial match. `keep` (the user's
    scope: unit ids -> those they may see) drops the others before anything is counted or
    named, so that a unit the user may not see is neither chosen nor listed, exactly as if it
    did not exist.
    """
    qs = UnitVersion.objects.all() if day is None else versions_on(day)
    if level is not None:
        qs = qs.filter(kind__in=KINDS_BY_LEVEL[level])
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    wanted = name_or_code.strip()
    if not wanted:
        # A blank name is contained in every name: it would match the whole registry.
        raise invalid(_("Give a unit's name or code."), field=field)
    folded = fold(wanted)
    for candidates in (
        qs.filter(code=wanted),
        qs.filter(name_folded=folded),
        qs.filter(name_folded__endswith=" " + folded),
        qs.filter(name_folded__contains=folded),
    ):
        if keep is not None:
            ids = candidates.order_by("unit_id").values_list("unit_id", flat=True).distinct()
            candidates = candidates.filter(unit_id__in=keep(list(ids[:KEEP_LIMIT])))
        found = list(candidates.order_by("unit_id", "-valid_from")[:50])
        by_unit = {v.unit_id: v for v in reversed(found)}
        if len(by_unit) > 1:
            # A place name names the place first: "Sơn La" is the province, not "Tỉnh ủy Sơn La".
            places = {i: v for i, v in by_unit.items() if v.kind in ADMINISTRATIVE_KINDS}
            if len(places) == 1:
                by_unit = places
        if len(by_unit) == 1:
            return next(iter(by_unit.values()))
        if len(by_unit) > 1:
            names = ", ".join(f"{v.name} ({v.code})" for v in list(by_unit.values())[:10])
            raise DomainError(
                message=_(
                    "'%(wanted)s' matches several units: %(names)s. Give a code or more of the name."
                )
                % {"wanted": wanted, "names": names},
                code="ambiguous",
                problems=[Problem(_("ambiguous: %(names)s") % {"names": names}, field=field)],
            )
    if day is None:
        raise NotFound(_("No unit named or coded '%(wanted)s'.") % {"wanted": wanted})
    raise NotFound(
        _("No unit named or coded '%(wanted)s' on %(day)s.")
        % {"wanted": wanted, "day": text.day(day)}
    )


def resolve_province(name_or_code: str, *, day: dt.date | None) -> UnitVersion:
    return resolve(name_or_code, day=day, level=Level.PROVINCE, field="province")


def lineage(unit_id: int, *, direction: str, max_depth: int = 20) -> list[tuple[UnitLink, int]]:
    """Links reaching back (direction='predecessors') or forward ('successors') from a unit,
    through every reorganization, nearest first, with their distance."""
    if direction not in {"predecessors", "successors"}:
        raise ValueError(direction)
    near, far = (
        ("successor_id", "predecessor_id")
        if direction == "predecessors"
        else ("predecessor_id", "successor_id")
    )
    result: list[tuple[UnitLink, int]] = []
    frontier = {unit_id}
    seen = {unit_id}
    for distance in range(1, max_depth + 1):
        links = list(UnitLink.objects.filter(**{f"{near}__in": frontier}).order_by("id"))
        if not links:
            break
        result.extend((link, distance) for link in links)
        frontier = {getattr(link, far) for link in links} - seen
        seen |= frontier
        if not frontier:
            break
    return result


def resolve_any_time(
    name_or_code: str,
    *,
    day: dt.date | None = None,
    province: str | None = None,
    keep: Keep | None = None,
) -> UnitVersion:
    """A unit by name or code: the one open on `day` (default today) if any, else among every
    version ever recorded, so that a legacy code or name still finds its unit. `keep`: as in
    `resolve` (provinces, public knowledge, are found whatever the scope)."""
    from django.utils import timezone

    day = day or timezone.localdate()
    province_id = None
    if province:
        province_id = resolve_province(province, day=day).unit_id
    try:
        return resolve(name_or_code, day=day, province_id=province_id, keep=keep)
    except NotFound:
        pass
    if province:
        # The province as it was named then: search legacy provinces by name too.
        candidates = resolve(province, day=None, level=Level.PROVINCE, field="province")
        province_id = candidates.unit_id
    return resolve(name_or_code, day=None, province_id=province_id, keep=keep)


def lineage_summary(unit_id: int) -> dict:
    """Predecessors and successors of a unit through every reorganization, and the units open
    today that its territory went to (for a legacy unit)."""
    from django.utils import timezone

    from tinhgon.units.serializers import version_dict

    def side(direction: str, other: str) -> list[dict]:
        rows = []
        for link, distance in lineage(unit_id, direction=direction):
            version = latest_version(getattr(link, other))
            rows.append(
                {
                    **version_dict(version),
                    "event": link.event,
                    "effective_date": link.effective_date.isoformat(),
                    "is_default": link.is_default,
                    "distance": distance,
                }
            )
        return rows

    successors = side("successors", "successor_id")
    today = timezone.localdate()
    open_ids = set(
        versions_on(today)
        .filter(unit_id__in=[s["id"] for s in successors])
        .values_list("unit_id", flat=True)
    )
    return {
        "unit": version_dict(latest_version(unit_id)),
        "predecessors": side("predecessors", "predecessor_id"),
        "successors": successors,
        "current": [s for s in successors if s["id"] in open_ids],
    }


def versions_at(wanted: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], UnitVersion]:
    """For each (unit id, day): the unit's version on that day, else its nearest version before it,
    else its first. One query, however many pairs (names of parents at the time, in tables)."""
    pairs = set(wanted)
    by_unit: dict[int, list[UnitVersion]] = {}
    for version in UnitVersion.objects.filter(unit_id__in={u for u, _d in pairs}).order_by(
        "unit_id", F("valid_from").asc(nulls_first=True)
    ):
        by_unit.setdefault(version.unit_id, []).append(version)
    found: dict[tuple[int, dt.date], UnitVersion] = {}
    for unit_id, day in pairs:
        versions = by_unit.get(unit_id)
        if not versions:
            continue
        before = [v for v in versions if v.valid_from is None or v.valid_from <= day]
        on = [v for v in before if v.valid_to is None or v.valid_to >= day]
        found[(unit_id, day)] = (on or before or versions)[-1 if (on or before) else 0]
    return found


def probe_day(version: UnitVersion, today: dt.date) -> dt.date:
    """The day a version is best read on: its last day if it ended, today if it is in force, its
    first day if it is still to come."""
    if version.valid_to is not None:
        return version.valid_to
    if version.valid_from is not None and version.valid_from > today:
        return version.valid_from
    return today


# Lineage by event ------------------------------------------------------------------------------
# The titles of the plans that wrote lineage links: the engine, a layer above the registry,
# registers how to read them (ReorgConfig.ready); without it an event is named by its date.
_plan_titles: Callable[[set[int]], dict[int, str]] | None = None


def register_plan_titles(reader: Callable[[set[int]], dict[int, str]]) -> None:
    global _plan_titles
    _plan_titles = reader


@dataclass
class EventUnit:
    """A unit as it stood at an event: its name then and its parent then (a district)."""

    unit_id: int
    name: str
    code: str
    kind: str
    parent_name: str | None
    is_self: bool
    part: bool = False  # only part of the unit went this way (a split)


@dataclass
class LineageEvent:
    """One reorganization: on `day`, by plan `plan_ref`, `predecessors` became `successor`."""

    day: dt.date
    plan_ref: int | None
    plan_title: str | None
    event: str
    event_label: str
    predecessors: list[EventUnit]
    successor: EventUnit


def lineage_events(unit_id: int) -> dict[str, list[LineageEvent]]:
    """The unit's lineage grouped by event, in both directions: {"before": events that formed the
    unit and its predecessors, newest first; "after": events it and its successors went into,
    oldest first}. An event is every link into one successor on one date by one plan, so a
    commune that merged with two others shows all three, each with its district at the time."""
    before = [link for link, _d in lineage(unit_id, direction="predecessors")]
    after = [link for link, _d in lineage(unit_id, direction="successors")]
    keys = {(link.successor_id, link.effective_date, link.plan_ref) for link in before + after}
    if not keys:
        return {"before": [], "after": []}
    links = [
        link
        for link in UnitLink.objects.filter(
            successor_id__in={k[0] for k in keys}, effective_date__in={k[1] for k in keys}
        ).order_by("id")
        if (link.successor_id, link.effective_date, link.plan_ref) in keys
    ]
    # Predecessors as they stood the day before the event; successors on the day.
    wanted = {(link.predecessor_id, link.effective_date - dt.timedelta(days=1)) for link in links}
    wanted |= {(link.successor_id, link.effective_date) for link in links}
    versions = versions_at(wanted)
    parents = versions_at(
        {(v.parent_id, day) for (_u, day), v in versions.items() if v.parent_id is not None}
    )
    titles = _plan_titles({k[2] for k in keys if k[2] is not None}) if _plan_titles else {}

    def unit_at(unit: int, day: dt.date, *, part: bool = False) -> EventUnit:
        version = versions.get((unit, day)) or latest_version(unit)
        parent = parents.get((version.parent_id, day)) if version.parent_id else None
        return EventUnit(
            unit_id=unit,
            name=version.name,
            code=version.code,
            kind=version.get_kind_display(),
            parent_name=parent.name if parent else None,
            is_self=unit == unit_id,
            part=part,
        )

    grouped: dict[tuple[int, dt.date, int | None], list[UnitLink]] = {}
    for link in links:
        grouped.setdefault((link.successor_id, link.effective_date, link.plan_ref), []).append(link)
    events: dict[tuple[int, dt.date, int | None], LineageEvent] = {}
    for key, group in grouped.items():
        successor, day, plan_ref = key
        eve = day - dt.timedelta(days=1)
        kinds = [link.event for link in group]
        event = max(set(kinds), key=kinds.count)
        predecessors = sorted(
            (unit_at(link.predecessor_id, eve, part=not link.is_default) for link in group),
            key=lambda u: (not u.is_self, u.name),
        )
        events[key] = LineageEvent(
            day=day,
            plan_ref=plan_ref,
            plan_title=titles.get(plan_ref) if plan_ref is not None else None,
            event=event,
            event_label=str(LinkEvent(event).label) if event in LinkEvent.values else event,
            predecessors=predecessors,
            successor=unit_at(successor, day),
        )
    before_keys = {(link.successor_id, link.effective_date, link.plan_ref) for link in before}
    after_keys = {(link.successor_id, link.effective_date, link.plan_ref) for link in after}
    return {
        "before": sorted(
            (events[k] for k in before_keys), key=lambda e: (e.day, e.successor.name), reverse=True
        ),
        "after": sorted((events[k] for k in after_keys), key=lambda e: (e.day, e.successor.name)),
    }
