"""Leaders against the norm: heads and deputies of each unit against the norm of its kind, and
the deputies a reorganization left above it, each with the date by which the unit must be back
at the norm.

The norms are data (`LeaderNorm`, seeded by migration 0002 from Decree 150/2025/NĐ-CP as amended
by Decree 370/2025/NĐ-CP; docs/staffing-rules.md gives the articles). A norm's `kind` is a unit
kind ("department"), or a kind at a level ("peoples_committee:3", the commune's people's
committee), which wins over the bare kind.

Decree 370/2025 lets the number of deputies exceed the norm when the apparatus is rearranged; at
the latest five years after the rearrangement decision takes effect the unit must be at the norm.
`excess_record_after_plan` records each leader above the norm in the units a plan formed, with
that deadline; `excess_refresh` resolves them as units return to the norm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Min
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.staffing.models import Assignment, LeaderExcess, LeaderNorm, LeaderRole, live
from tinhgon.units import selectors
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitLink

EXCESS_YEARS = 5  # Decree 370/2025/NĐ-CP: back at the norm five years after the decision at most
LEADER_ROLES = (LeaderRole.HEAD, LeaderRole.DEPUTY)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def norm_for(kind: str, level: int | None, day: dt.date) -> LeaderNorm | None:
    """The norm in force on `day` for a unit of `kind` at `level` (the kind at its level first)."""
    keys = [f"{kind}:{level}", kind] if level else [kind]
    norms = {
        n.kind: n
        for n in LeaderNorm.objects.filter(kind__in=keys, valid_from__lte=day).order_by(
            "valid_from"
        )
    }  # the latest of each key wins
    for key in keys:
        if key in norms:
            return norms[key]
    return None


def leader_counts(unit_ids: Iterable[int], day: dt.date) -> dict[int, dict[str, int]]:
    """{unit: {"head": n, "deputy": n}}: the open assignments on `day` to leader positions, in one
    grouped query."""
    rows = (
        Assignment.objects.filter(live(day), unit_id__in=list(unit_ids))
        .filter(position__leader_role__in=LEADER_ROLES)
        .values("unit_id", "position__leader_role")
        .annotate(n=Count("id"))
        .values_list("unit_id", "position__leader_role", "n")
    )
    counts: dict[int, dict[str, int]] = {}
    for unit_id, role, n in rows:
        counts.setdefault(unit_id, {LeaderRole.HEAD: 0, LeaderRole.DEPUTY: 0})[role] = n
    return counts


def norm_report(unit_ids: Iterable[int], day: dt.date) -> list[dict[str, Any]]:
    """Each unit that has a norm or leaders: its heads and deputies on `day` against the norm, the
    excess, and the open excess rows with their earliest deadline."""
    ids = list(unit_ids)
    versions = {v.unit_id: v for v in selectors.versions_on(day).filter(unit_id__in=ids)}
    counts = leader_counts(ids, day)
    open_excess: dict[int, tuple[int, dt.date | None]] = {}
    for unit_id, n, first in (
        LeaderExcess.objects.filter(unit_id__in=ids, resolved_on__isnull=True)
        .values("unit_id")
        .annotate(n=Count("id"), first=Min("deadline"))
        .values_list("unit_id", "n", "first")
    ):
        open_excess[unit_id] = (n, first)
    norms: dict[tuple[str, int | None], LeaderNorm | None] = {}
    rows: list[dict[str, Any]] = []
    for unit_id in ids:
        version = versions.get(unit_id)
        if version is None:
            continue
        key = (version.kind, version.level)
        if key not in norms:
            norms[key] = norm_for(version.kind, version.level, day)
        norm = norms[key]
        have = counts.get(unit_id, {LeaderRole.HEAD: 0, LeaderRole.DEPUTY: 0})
        if norm is None and not any(have.values()):
            continue
        excess_n, first_deadline = open_excess.get(unit_id, (0, None))
        rows.append(
            {
                "unit_id": unit_id,
                "code": version.code,
                "name": version.name,
                "kind": version.kind,
                "heads": have[LeaderRole.HEAD],
                "deputies": have[LeaderRole.DEPUTY],
                "norm_heads": norm.heads if norm else None,
                "norm_deputies": norm.deputies if norm else None,
                "norm_source": norm.source if norm else "",
                "above_heads": max(0, have[LeaderRole.HEAD] - norm.heads) if norm else 0,
                "above_deputies": max(0, have[LeaderRole.DEPUTY] - norm.deputies) if norm else 0,
                "excess_open": excess_n,
                "first_deadline": first_deadline,
            }
        )
    rows.sort(key=lambda r: (-(r["above_heads"] + r["above_deputies"]), r["name"]))
    return rows


def _formed_by(plan_ref: int) -> set[int]:
    return set(
        UnitLink.objects.filter(plan_ref=plan_ref).values_list("successor_id", flat=True).distinct()
    )


def _leaders_by_seniority(unit_ids: Iterable[int], day: dt.date) -> dict[int, dict[str, list[int]]]:
    """{unit: {role: officials}}: who holds the head and deputy positions of the units on `day`,
    longest-serving first (assignment start, then id): those beyond the norm are the latest
    arrivals. One query for all the units."""
    result: dict[int, dict[str, list[int]]] = {}
    for unit_id, role, official_id in (
        Assignment.objects.filter(
            live(day), unit_id__in=list(unit_ids), position__leader_role__in=LEADER_ROLES
        )
        .order_by("unit_id", "valid_from", "id")
        .values_list("unit_id", "position__leader_role", "official_id")
    ):
        held = result.setdefault(unit_id, {LeaderRole.HEAD: [], LeaderRole.DEPUTY: []})[role]
        if official_id not in held:
            held.append(official_id)
    return result


def _no_leaders() -> dict[str, list[int]]:
    return {LeaderRole.HEAD: [], LeaderRole.DEPUTY: []}


@transaction.atomic
def excess_record_after_plan(
    *, actor: Any, plan_ref: int, effective: dt.date, units: Iterable[int] | None = None
) -> list[LeaderExcess]:
    """For each unit the plan formed (its lineage links, `UnitLink.plan_ref`; `units` narrows the
    list), record every head and deputy above the norm on `effective` as an excess allowed until
    `effective` + 5 years. Repeating it records nothing twice (an official with an open excess at
    the unit is skipped)."""
    formed = _formed_by(plan_ref)
    if units is not None:
        wanted = set(units)
        stray = sorted(wanted - formed)
        if stray:
            raise DomainError(
                _("Plan %(plan)s formed no unit %(units)s.")
                % {"plan": plan_ref, "units": ", ".join(map(str, stray))},
                problems=[Problem(str(u), field="units") for u in stray],
            )
        formed = wanted
    deadline = years_after(effective, EXCESS_YEARS)
    report = {r["unit_id"]: r for r in norm_report(formed, effective)}
    already = set(
        LeaderExcess.objects.filter(unit_id__in=formed, resolved_on__isnull=True).values_list(
            "unit_id", "official_id"
        )
    )
    created: list[LeaderExcess] = []
    holders = _leaders_by_seniority(report, effective)
    for unit_id, row in sorted(report.items()):
        if row["norm_heads"] is None:
            continue
        leaders = holders.get(unit_id) or _no_leaders()
        for role, allowed in (
            (LeaderRole.HEAD, row["norm_heads"]),
            (LeaderRole.DEPUTY, row["norm_deputies"]),
        ):
            for official_id in leaders[role][allowed:]:
                if (unit_id, official_id) in already:
                    continue
                created.append(
                    LeaderExcess(
                        unit_id=unit_id,
                        official_id=official_id,
                        role=role,
                        plan_ref=plan_ref,
                        since=effective,
                        deadline=deadline,
                    )
                )
    LeaderExcess.objects.bulk_create(created)
    for unit_id in sorted({e.unit_id for e in created}):
        audit(
            actor=actor,
            action="staffing.excess_record",
            unit=unit_id,
            plan_ref=plan_ref,
            deadline=deadline.isoformat(),
            officials=[e.official_id for e in created if e.unit_id == unit_id],
        )
    return created


@transaction.atomic
def excess_refresh(
    *, actor: Any, day: dt.date, units: Iterable[int] | None = None
) -> list[LeaderExcess]:
    """Resolve, on `day`, the open excesses that are no longer above the norm: first those whose
    official no longer holds a leader position of that role at the unit, then (while the unit still
    has more open rows than leaders above the norm) the latest recorded. A unit at the norm has none
    left open. Returns the rows resolved."""
    open_rows = LeaderExcess.objects.filter(resolved_on__isnull=True)
    if units is not None:
        open_rows = open_rows.filter(unit_id__in=list(units))
    by_unit: dict[int, list[LeaderExcess]] = {}
    for row in open_rows.order_by("unit_id", "id"):
        by_unit.setdefault(row.unit_id, []).append(row)
    report = {r["unit_id"]: r for r in norm_report(by_unit, day)}
    resolved: list[LeaderExcess] = []
    holders = _leaders_by_seniority(by_unit, day)
    for unit_id, rows in by_unit.items():
        leaders = holders.get(unit_id) or _no_leaders()
        info = report.get(unit_id)
        for role, above_key in (
            (LeaderRole.HEAD, "above_heads"),
            (LeaderRole.DEPUTY, "above_deputies"),
        ):
            above = info[above_key] if info else 0
            mine = [r for r in rows if r.role == role]
            gone = [r for r in mine if r.official_id not in leaders[role]]
            staying = [r for r in mine if r.official_id in leaders[role]]
            extra = len(staying) - above  # rows more than the leaders above the norm
            resolved.extend(gone + (staying[-extra:] if extra > 0 else []))
    if resolved:
        LeaderExcess.objects.filter(pk__in=[r.pk for r in resolved]).update(resolved_on=day)
        for unit_id in sorted({r.unit_id for r in resolved}):
            audit(
                actor=actor,
                action="staffing.excess_resolve",
                unit=unit_id,
                day=day.isoformat(),
                officials=[r.official_id for r in resolved if r.unit_id == unit_id],
            )
    for row in resolved:
        row.resolved_on = day
    return resolved


def excess_list(
    *, unit_ids: Iterable[int] | None = None, today: dt.date, include_resolved: bool = False
) -> list[dict[str, Any]]:
    """Who must return to the norm by when: the open excesses, the nearest deadline first."""
    rows = LeaderExcess.objects.select_related("official")
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if not include_resolved:
        rows = rows.filter(resolved_on__isnull=True)
    items = list(rows.order_by("deadline", "unit_id", "id"))
    names = {
        v.unit_id: v.name
        for v in selectors.versions_on(today).filter(unit_id__in={r.unit_id for r in items})
    }
    return [
        {
            "id": r.pk,
            "unit_id": r.unit_id,
            "unit": names.get(r.unit_id, str(r.unit_id)),
            "official_id": r.official_id,
            "name": r.official.full_name,
            "role": r.role,
            "plan_ref": r.plan_ref,
            "since": r.since,
            "deadline": r.deadline,
            "days_left": (r.deadline - today).days,
            "overdue": r.resolved_on is None and r.deadline < today,
            "resolved_on": r.resolved_on,
        }
        for r in items
    ]


@transaction.atomic
def norm_set(
    *, actor: Any, kind: str, heads: int, deputies: int, valid_from: dt.date, source: str
) -> LeaderNorm:
    """Set the norm of `kind` (a unit kind, or "kind:level") from `valid_from`: a new row, or the
    row of that kind and day corrected. Earlier rows stay for the dates before."""
    base = kind.split(":", 1)[0]
    if base not in Kind.values:
        raise DomainError(
            _("'%(kind)s' is not a kind of unit.") % {"kind": kind[:40]},
            problems=[Problem(kind[:40], field="kind")],
        )
    if ":" in kind and kind.split(":", 1)[1] not in {str(v) for v in Level.values}:
        raise DomainError(
            _("The level after ':' is 1 (province), 2 (district) or 3 (commune)."),
            problems=[Problem(kind[:40], field="kind")],
        )
    if not source.strip():
        raise DomainError(_("Name the source."), problems=[Problem(_("required"), field="source")])
    if heads < 0 or deputies < 0:
        raise DomainError(_("Counts are not negative."), problems=[Problem("", field="deputies")])
    norm, created = LeaderNorm.objects.update_or_create(
        kind=kind,
        valid_from=valid_from,
        defaults={"heads": heads, "deputies": deputies, "source": source.strip()[:300]},
    )
    audit(
        actor=actor,
        action="staffing.norm_set",
        kind=kind,
        heads=heads,
        deputies=deputies,
        valid_from=valid_from.isoformat(),
        created=created,
    )
    return norm


def norms_in_force(day: dt.date) -> list[LeaderNorm]:
    """The norm of each kind in force on `day`."""
    latest: dict[str, LeaderNorm] = {}
    for norm in LeaderNorm.objects.filter(valid_from__lte=day).order_by("valid_from", "id"):
        latest[norm.kind] = norm
    return sorted(latest.values(), key=lambda n: n.kind)


def units_under(unit_id: int, day: dt.date) -> list[int]:
    """The unit and every unit under it on `day` (a province: its departments, communes and
    their offices), in one recursive query."""
    return list(selectors.subtree_depths([unit_id], day))
