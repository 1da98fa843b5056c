"""Where units are: the coordinates of the registry's units and the distance between two points.

Coordinates come from the `vietnamadminunits` package's dataset (data/dataset.db), read once:
- `admin_units_legacy` (before 2025): wardLat/wardLon, districtLat/districtLon,
  provinceLat/provinceLon by code. The units imported from it (Source.LEGACY) are located by
  their code.
- `admin_units` (the 3,321 communes and wards of 2025, each with its own centroid):
  `wards_2025()`, for the benchmarks and synthetic instances that need the country's communes
  without a database. The registry's units from 2025 on are NOT located by this table's codes:
  the package numbers some wards differently from the official list our registry follows
  (Phường Chiềng An: 03664 there, 03667 officially), so a unit formed by a reorganization takes
  the mean of its predecessors' coordinates (through the lineage, generation by generation),
  which the legacy codes of our registry match exactly.
- an agency takes those of the administrative unit it serves.

Used by the placement of officials (staffing) and the rebalancing of equipment (equipment): units
is below every capability, so both read it from here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

COORDINATES_SOURCE = (
    "vietnamadminunits 1.0.4, data/dataset.db, table admin_units_legacy (wardLat/wardLon, "
    "districtLat/districtLon, provinceLat/provinceLon by code) for the units imported from it; "
    "a unit formed by a reorganization takes the mean of its predecessors' coordinates; an "
    "agency, those of the administrative unit it serves"
)
EARTH_RADIUS_KM = 6371.0
# Lineage generations followed before giving up (a unit merged eight times over is not real).
MAX_GENERATIONS = 8


def _dataset() -> sqlite3.Connection:
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@lru_cache(maxsize=1)
def legacy_coordinates() -> dict[str, tuple[float, float]]:
    """Legacy code of a province, district or commune → (latitude, longitude), read once."""
    found: dict[str, tuple[float, float]] = {}
    with _dataset() as db:
        for code, lat, lon in db.execute(
            "SELECT provinceCode, provinceLat, provinceLon FROM admin_units_legacy "
            "UNION SELECT districtCode, districtLat, districtLon FROM admin_units_legacy "
            "UNION SELECT wardCode, wardLat, wardLon FROM admin_units_legacy"
        ):
            if code and lat is not None and lon is not None:
                found[code] = (lat, lon)
    return found


@dataclass(frozen=True)
class Ward:
    """A commune or ward of 2025 as the package's `admin_units` table has it."""

    province_code: str
    province: str
    code: str
    name: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def wards_2025() -> tuple[Ward, ...]:
    """The country's communes and wards of 2025 with their centroids, by province then code."""
    with _dataset() as db:
        rows = db.execute(
            "SELECT provinceCode, province, wardCode, ward, wardLat, wardLon FROM admin_units "
            "WHERE wardLat IS NOT NULL AND wardLon IS NOT NULL ORDER BY provinceCode, wardCode"
        ).fetchall()
    return tuple(Ward(*row) for row in rows)


def coordinates(
    unit_ids: Iterable[int], day: dt.date, _depth: int = 0
) -> dict[int, tuple[float, float]]:
    """Latitude and longitude of each unit that has them (COORDINATES_SOURCE): a few queries
    per generation of lineage. A unit without any is absent from the answer."""
    # Imported here so that the pure solvers (equipment.rebalance_solver, the benchmarks) use
    # haversine_km and the tables above without Django's app registry being ready.
    from tinhgon.units.models import Source, UnitLink, UnitVersion

    table = legacy_coordinates()
    wanted = set(unit_ids)
    found: dict[int, tuple[float, float]] = {}
    if not wanted or _depth > MAX_GENERATIONS:
        return found
    versions = list(
        UnitVersion.objects.filter(unit_id__in=wanted)
        .order_by("unit_id", "valid_from")
        .values_list("unit_id", "code", "source", "admin_unit_id", "valid_from", "valid_to")
    )
    admin_of: dict[int, int] = {}
    for unit_id, code, source, admin_unit_id, valid_from, valid_to in versions:
        if admin_unit_id != unit_id:
            on_day = (valid_from is None or valid_from <= day) and (
                valid_to is None or valid_to >= day
            )
            if on_day or unit_id not in admin_of:
                admin_of[unit_id] = admin_unit_id
        elif source == Source.LEGACY and code in table:
            found[unit_id] = table[code]
    admin_of = {u: a for u, a in admin_of.items() if u not in found}
    if admin_of:
        admins = coordinates(set(admin_of.values()), day, _depth + 1)
        for unit_id, admin in admin_of.items():
            if admin in admins:
                found[unit_id] = admins[admin]
    missing = wanted - set(found) - set(admin_of)
    predecessors: dict[int, list[int]] = {}
    for successor, predecessor in UnitLink.objects.filter(successor_id__in=missing).values_list(
        "successor_id", "predecessor_id"
    ):
        predecessors.setdefault(successor, []).append(predecessor)
    if predecessors:
        before = coordinates({p for ps in predecessors.values() for p in ps}, day, _depth + 1)
        for unit_id, ps in predecessors.items():
            points = [before[p] for p in ps if p in before]
            if points:
                found[unit_id] = (
                    sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points),
                )
    return found


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km (numpy arrays or numbers; NaN where a point is missing)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return EARTH_RADIUS_KM * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
