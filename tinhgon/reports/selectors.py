"""Apparatus figures as of a date, and their change between two dates.

Definitions (kept here, in one place):
- administrative units are counted by level; a district-level unit without any commune-level
  unit under it (the island districts) also counts at commune level, where it does the work;
- levels: the number of administrative levels that have at least one open unit;
- focal points: units that report directly to a province's party committee, people's council or
  people's committee (departments, agencies, public service units), internal divisions excluded;
- departments: provincial departments; offices: commune offices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.units import selectors
from tinhgon.units.kinds import (
    ADMINISTRATIVE_KINDS,
    GOVERNING_KINDS,
    KIND_INFO,
    KINDS_BY_LEVEL,
    Category,
    Kind,
    Level,
)


@dataclass(frozen=True)
class Area:
    """What the figures cover: the whole registry, a province, or a unit's subtree."""

    province_id: int | None = None
    root_unit_id: int | None = None
    label: str = "national"

    def filter(self, day: dt.date) -> Q:
        if self.root_unit_id is not None:
            return Q(unit_id__in=list(selectors.subtree_depths([self.root_unit_id], day)))
        if self.province_id is not None:
            return Q(province_id=self.province_id)
        return Q()


def apparatus_figures(
    day: dt.date, *, area: Area | None = None, scope: Q | None = None
) -> dict[str, Any]:
    area = area or Area()
    versions = selectors.versions_on(day).filter(area.filter(day))
    if scope is not None:
        versions = versions.filter(scope)
    by_kind = dict(
        versions.values_list("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
        .values_list("kind", "n")
    )
    districts_without_communes = (
        versions.filter(kind__in=KINDS_BY_LEVEL[Level.DISTRICT])
        .exclude(
            unit_id__in=selectors.versions_on(day)
            .filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE], parent_id__isnull=False)
            .values("parent_id")
        )
        .count()
    )
    governing_of_provinces = selectors.versions_on(day).filter(
        kind__in=GOVERNING_KINDS, level=Level.PROVINCE
    )
    focal_points = (
        versions.filter(parent_id__in=governing_of_provinces.values("unit_id"))
        .exclude(kind=Kind.DIVISION)
        .count()
    )
    return _assemble(day, area.label, by_kind, districts_without_communes, focal_points)


def _assemble(
    day: dt.date,
    label: str,
    by_kind: dict[str, int],
    districts_without_communes: int,
    focal_points: int,
) -> dict[str, Any]:
    per_level = {
        level: sum(by_kind.get(kind, 0) for kind in KINDS_BY_LEVEL[level]) for level in Level
    }
    by_category: dict[str, int] = {}
    for kind, n in by_kind.items():
        category = KIND_INFO[kind].category
        by_category[category] = by_category.get(category, 0) + n
    return {
        "as_of": day.isoformat(),
        "area": label,
        "total_units": sum(by_kind.values()),
        "administrative_units": {
            "province_level": per_level[Level.PROVINCE],
            "district_level": per_level[Level.DISTRICT],
            "commune_level": per_level[Level.COMMUNE] + districts_without_communes,
            "districts_without_communes": districts_without_communes,
        },
        "levels": sum(1 for n in per_level.values() if n),
        "focal_points_under_province": focal_points,
        "departments": by_kind.get(Kind.DEPARTMENT, 0),
        "offices": by_kind.get(Kind.OFFICE, 0),
        "agencies": sum(n for kind, n in by_kind.items() if kind not in ADMINISTRATIVE_KINDS),
        "by_category": dict(sorted(by_category.items())),
        "by_kind": by_kind,
    }


@dataclass(frozen=True)
class UnitRow:
    """What the figures need of one open unit."""

    unit: object  # an id, or any key that `parent` values refer to
    kind: str
    level: int
    parent: object | None


def figures_of(day: dt.date, rows: list[UnitRow], *, label: str = "national") -> dict[str, Any]:
    """The same figures as `apparatus_figures`, from units held in memory (a plan's preview
    computes the registry after the plan without writing it). Rows are the units of the area; a
    test holds both functions to the same numbers."""
    by_kind: dict[str, int] = {}
    for row in rows:
        by_kind[row.kind] = by_kind.get(row.kind, 0) + 1
    by_kind = dict(sorted(by_kind.items()))
    with_communes = {
        row.parent for row in rows if row.kind in KINDS_BY_LEVEL[Level.COMMUNE] and row.parent
    }
    districts_without_communes = sum(
        1
        for row in rows
        if row.kind in KINDS_BY_LEVEL[Level.DISTRICT] and row.unit not in with_communes
    )
    governing = {
        row.unit for row in rows if row.kind in GOVERNING_KINDS and row.level == Level.PROVINCE
    }
    focal_points = sum(1 for row in rows if row.parent in governing and row.kind != Kind.DIVISION)
    return _assemble(day, label, by_kind, districts_without_communes, focal_points)


def _flatten(figures: dict[str, Any], prefix: str = "") -> dict[str, int]:
    flat: dict[str, int] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, int):
            flat[f"{prefix}{key}"] = value
    return flat


def apparatus_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Before/after figures and the difference of every count."""
    flat_before, flat_after = _flatten(before), _flatten(after)
    keys = sorted(flat_before.keys() | flat_after.keys())
    return {
        "from": before["as_of"],
        "to": after["as_of"],
        "before": before,
        "after": after,
        "change": {k: flat_after.get(k, 0) - flat_before.get(k, 0) for k in keys},
    }


def figure_rows(figures: dict[str, Any]) -> list[tuple[str, int]]:
    """Flat (label, value) rows for tables and spreadsheets."""
    return list(_flatten({k: v for k, v in figures.items() if k not in {"as_of", "area"}}).items())


_LABELS = {
    "total_units": gettext_lazy("Units, all kinds"),
    "administrative_units.province_level": gettext_lazy("Administrative units: province level"),
    "administrative_units.district_level": gettext_lazy("Administrative units: district level"),
    "administrative_units.commune_level": gettext_lazy("Administrative units: commune level"),
    "administrative_units.districts_without_communes": gettext_lazy(
        "Districts without communes (also counted at commune level)"
    ),
    "levels": gettext_lazy("Administrative levels"),
    "focal_points_under_province": gettext_lazy("Focal points directly under the province"),
    "departments": gettext_lazy("Provincial departments"),
    "offices": gettext_lazy("Commune offices"),
    "agencies": gettext_lazy("Agencies, all kinds"),
}


def figure_label(key: str) -> str:
    """The reader's name of a figure key ("by_kind.ward" -> "Units: Ward")."""
    if key in _LABELS:
        return str(_LABELS[key])
    group, _sep, name = key.partition(".")
    if group == "by_kind" and name in Kind.values:
        return str(_("Units: %(kind)s") % {"kind": Kind(name).label})
    if group == "by_category" and name in Category.values:
        return str(_("Units by category: %(category)s") % {"category": Category(name).label})
    return key


# Figures as people read them: in this order, each once, with what they can be trusted for. ----

_ORDER = [
    "total_units",
    "administrative_units.province_level",
    "administrative_units.district_level",
    "administrative_units.commune_level",
    "administrative_units.districts_without_communes",
    "levels",
    "agencies",
    "focal_points_under_province",
    "departments",
    "offices",
    *(f"by_category.{c}" for c in Category.values),
    *(f"by_kind.{k}" for k in Kind.values),
]
_RANK = {key: index for index, key in enumerate(_ORDER)}
# Rows that say again what another row says: "Units: Provincial department" is "Provincial
# departments"; the administrative category is the sum of the administrative levels; a category
# of one kind (people's councils) is that kind's row.
_SINGLE_KIND = {
    info.category
    for info in KIND_INFO.values()
    if sum(1 for other in KIND_INFO.values() if other.category == info.category) == 1
}
REPEATS = frozenset(
    {"by_kind.department", "by_kind.office", "by_category.administrative"}
    | {f"by_category.{category}" for category in _SINGLE_KIND}
)


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    values: tuple[int, ...]  # one per date

    @property
    def change(self) -> int:
        return self.values[-1] - self.values[0]


def figure_table(*figures: dict[str, Any]) -> list[FigureRow]:
    """The rows of one or more figures (one column per date): in reading order, without the rows
    that repeat another, without rows that are zero on every date."""
    flats = [dict(figure_rows(f)) for f in figures]
    keys = {k for flat in flats for k in flat} - REPEATS
    rows = []
    for key in sorted(keys, key=lambda k: (_RANK.get(k, len(_RANK)), k)):
        values = tuple(flat.get(key, 0) for flat in flats)
        if any(values):
            rows.append(FigureRow(key, figure_label(key), values))
    return rows


# A category this large on one date and absent on the other was not recorded on that date.
BASELINE_MINIMUM = 5


def baseline_warnings(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Categories of units present in number on one date and absent on the other: the registry
    did not record them then (agencies before 2025 were never loaded), so their change is a gap
    in the data, not a reorganization. Sơn La: 213 units on 30/06/2025, 618 on 01/07/2025."""
    days = {
        side: date_format(dt.date.fromisoformat(figures["as_of"]), "SHORT_DATE_FORMAT")
        for side, figures in (("before", before), ("after", after))
    }
    missing: dict[str, list[str]] = {"before": [], "after": []}
    for category in Category.values:
        if category == Category.ADMINISTRATIVE:
            continue
        then = before["by_category"].get(category, 0)
        now = after["by_category"].get(category, 0)
        if min(then, now) == 0 and max(then, now) >= BASELINE_MINIMUM:
            empty, count = ("before", now) if then == 0 else ("after", then)
            missing[empty].append(f"{Category(category).label} ({number_format(count)})")
    return [
        _(
            "No baseline on %(empty)s: the registry holds none of %(what)s on that date, which "
            "%(full)s has. They were not loaded for it: the difference is missing data, not a "
            "reorganization."
        )
        % {
            "empty": days[side],
            "full": days["after" if side == "before" else "before"],
            "what": ", ".join(names),
        }
        for side, names in missing.items()
        if names
    ]


def agency_coverage_warning(day: dt.date, area: Area, scope: Q | None = None) -> str | None:
    """When the area holds several provinces and only some have their agencies loaded (the
    national figures counted "14 departments" for the whole country: Sơn La's), say whose they
    are."""
    versions = selectors.versions_on(day).filter(area.filter(day))
    if scope is not None:
        versions = versions.filter(scope)
    provinces = set(
        versions.filter(kind__in=KINDS_BY_LEVEL[Level.PROVINCE]).values_list("unit_id", flat=True)
    )
    with_agencies = set(
        versions.exclude(kind__in=ADMINISTRATIVE_KINDS)
        .filter(province_id__in=provinces)
        .values_list("province_id", flat=True)
        .distinct()
    )
    if len(provinces) < 2 or not with_agencies or with_agencies == provinces:
        return None
    names = list(
        selectors.versions_on(day)
        .filter(unit_id__in=with_agencies)
        .vietnamese_order()
        .values_list("name", flat=True)[:5]
    )
    return _(
        "Agencies are recorded for %(count)s of %(total)s provinces (%(names)s): the figures of "
        "agencies, departments, offices and focal points are theirs alone, not the whole area's."
    ) % {"count": len(with_agencies), "total": len(provinces), "names": ", ".join(names)}
