"""The home page: the apparatus of the user's scope at a glance, and the panels that capabilities
register (`core.panels`: the engine's plans waiting, coordination's tasks).

Why a registry: the dashboard shows plans, but plans live in `reorg`, a layer above `reports`,
and tasks in coordination, a layer below. Putting the dashboard in `reorg` would make the engine
the owner of every capability's home-page figures. Instead each app registers a panel provider
from its `AppConfig.ready()` in `core.panels` (the lowest layer, so any app may), as carriers
register with the engine, and the dashboard draws whatever is registered, knowing none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tinhgon.accounts import access
from tinhgon.core.charts import BarChart, StackChart, bar_chart, stack_chart
from tinhgon.reports.selectors import (
    Area,
    agency_coverage_warning,
    apparatus_figures,
    baseline_warnings,
)
from tinhgon.units import selectors
from tinhgon.units.access import Scope
from tinhgon.units.kinds import ADMINISTRATIVE_KINDS, Category, Level
from tinhgon.units.models import UnitVersion


def history_filter(scope: Scope, day: dt.date) -> Q:
    """The scope's units on `day`, and the units it came from: a ward created in 2025 looks back
    on the communes it was formed from, a merged province on the provinces it absorbed."""
    condition = access.unit_filter(scope, day)
    if scope.everything:
        return condition
    for root in scope.roots:
        past = {
            link.predecessor_id
            for link, _distance in selectors.lineage(root.admin_unit_id, direction="predecessors")
        }
        if past:
            column = "province_id" if root.level == Level.PROVINCE else "admin_unit_id"
            condition |= Q(**{f"{column}__in": past})
    return condition


def scope_label(scope: Scope, today: dt.date) -> str:
    if scope.everything:
        return _("The whole country")
    names = list(
        selectors.versions_on(today)
        .filter(unit_id__in=[r.admin_unit_id for r in scope.roots])
        .vietnamese_order()
        .values_list("name", flat=True)
    )
    return ", ".join(names) or _("No unit")


@dataclass
class Change:
    """A date on which versions started in the scope: how many, and the first few."""

    day: dt.date
    count: int
    examples: list[UnitVersion]


@dataclass
class Overview:
    label: str
    today: dt.date
    last_change: dt.date | None
    now: dict[str, Any]
    before: dict[str, Any] | None  # the eve of the last change
    cards: list[tuple[str, int, int | None]]  # label, now, change since the eve
    change_chart: BarChart | None
    time_chart: StackChart | None
    recent: list[Change]
    warnings: list[str]


def _figures(day: dt.date, condition: Q) -> dict[str, Any]:
    return apparatus_figures(day, area=Area(), scope=condition)


def overview(user: Any, today: dt.date, *, recent: int = 8, points: int = 4) -> Overview:
    """The apparatus of the user's scope: now, on the eve of its last change (the last date a
    version started in the scope), a few dates of change before, the latest changes."""
    scope = access.scope_for(user)
    in_scope = history_filter(scope, today)
    versions = UnitVersion.objects.filter(in_scope)
    counts = {
        day: n
        for day, n in versions.filter(valid_from__lte=today)
        .values_list("valid_from")
        .annotate(n=Count("id"))
        .order_by("-valid_from")
        .values_list("valid_from", "n")[:points]
        if day is not None
    }
    change_days = sorted(counts, reverse=True)
    last_change = change_days[0] if change_days else None
    now = _figures(today, history_filter(scope, today))
    before = None
    if last_change is not None:
        eve = last_change - dt.timedelta(days=1)
        before = _figures(eve, history_filter(scope, eve))
    warnings = baseline_warnings(before, now) if before else []
    coverage = agency_coverage_warning(today, Area(), access.unit_filter(scope, today))
    if coverage:
        warnings.append(coverage)
    return Overview(
        label=scope_label(scope, today),
        today=today,
        last_change=last_change,
        now=now,
        before=before,
        cards=_cards(now, before),
        change_chart=_change_chart(before, now) if before else None,
        time_chart=_time_chart(scope, sorted(change_days), today),
        recent=[
            Change(
                day=day,
                count=counts[day],
                examples=list(
                    versions.filter(valid_from=day)
                    # Administrative units first: they are what a reorganization changes.
                    .annotate(agency=Case(When(kind__in=ADMINISTRATIVE_KINDS, then=0), default=1))
                    .order_by("agency", "level", "name_sort")[:recent]
                ),
            )
            for day in change_days[:3]
        ],
        warnings=warnings,
    )


def _cards(now: dict[str, Any], before: dict[str, Any] | None) -> list[tuple[str, int, int | None]]:
    def delta(value: int, old: int | None) -> int | None:
        return None if old is None else value - old

    wanted = [
        (_("Commune-level units"), ("administrative_units", "commune_level")),
        (_("District-level units"), ("administrative_units", "district_level")),
        (_("Provinces"), ("administrative_units", "province_level")),
        (_("Agencies and organizations"), ("agencies",)),
        (_("Provincial departments"), ("departments",)),
        (_("Administrative levels"), ("levels",)),
    ]
    cards = []
    for label, path in wanted:
        value: Any = now
        old: Any = before
        for part in path:
            value = value[part]
            old = old[part] if old is not None else None
        if value or old:
            cards.append((label, value, delta(value, old)))
    return cards


def _category_rows(figures: list[dict[str, Any]]) -> list[tuple[str, list[int]]]:
    return [
        (str(Category(c).label), [f["by_category"].get(c, 0) for f in figures])
        for c in Category.values
        if any(f["by_category"].get(c, 0) for f in figures)
    ]


def _day(value: str | dt.date) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(day, "SHORT_DATE_FORMAT")


def category_chart(
    title: str, figures: list[dict[str, Any]], series: list[str] | None = None
) -> BarChart:
    """Bars of the units of every category on each date of `figures`, side by side."""
    labels = series or [_day(f["as_of"]) for f in figures]
    return bar_chart(title, labels, _category_rows(figures))


def _change_chart(before: dict[str, Any], now: dict[str, Any]) -> BarChart:
    return category_chart(
        _("Before and after the last change"),
        [before, now],
        [
            _("%(day)s (before)") % {"day": _day(before["as_of"])},
            _("%(day)s (now)") % {"day": _day(now["as_of"])},
        ],
    )


def _time_chart(scope: Scope, change_days: list[dt.date], today: dt.date) -> StackChart | None:
    """Units by category on the eve of the first change shown, on each change, and today."""
    if not change_days:
        return None
    days = [change_days[0] - dt.timedelta(days=1), *change_days]
    if days[-1] != today:
        days.append(today)
    figures = [_figures(day, history_filter(scope, day)) for day in days]
    categories = [c for c in Category.values if any(f["by_category"].get(c, 0) for f in figures)]
    return stack_chart(
        _("Units over time"),
        [str(Category(c).label) for c in categories],
        [
            (_day(day), [f["by_category"].get(c, 0) for c in categories])
            for day, f in zip(days, figures, strict=True)
        ],
    )
