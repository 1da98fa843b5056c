"""The registry's own carrier: units hanging under a closed unit follow it to its successor.

It runs before placement is re-derived (the engine does that from the tree it leaves), so it
moves only the parent; administrative unit, province and level follow from the new tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from tinhgon.carriers.contract import ROUTE, DatedUnitRowsCarrier, Flow, id_list, in_ids
from tinhgon.units.kinds import ADMINISTRATIVE_KINDS
from tinhgon.units.models import UnitVersion


class ChildUnitsCarrier(DatedUnitRowsCarrier):
    name = "child_units"
    model = UnitVersion
    unit_field = "parent"
    record_field = "unit"  # the versions of one unit are one record
    registry = True
    overrides = {
        "reason": "'Reorganization plan ' || CAST(%(plan)s AS VARCHAR(20))",
        "recorded_by_id": "%(actor)s",
        "recorded_at": "%(now)s",
    }

    def extra(self, alias: str = "t") -> str:
        # A unit that closes itself does not move; it is not a child to carry.
        return (
            f" AND {alias}.unit_id NOT IN (SELECT from_unit_id FROM {ROUTE} "
            "WHERE plan_ref = %(plan)s AND priority > 0)"
        )

    def flows(self, day: dt.date, units: Sequence[int], keyed: Sequence[int]) -> list[Flow]:
        """Children of closing units that stay open themselves (read-only)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.parent_id, COUNT(DISTINCT t.unit_id) FROM units_unitversion t "
                f"WHERE {in_ids('t.parent_id', 'units')} AND NOT {in_ids('t.unit_id', 'units')}"
                f"{self._live_on()} GROUP BY t.parent_id",
                {"units": id_list(units), "day": day},
            )
            return [Flow(parent, None, n) for parent, n in cursor.fetchall()]

    def undecided(self, day: dt.date, split: Sequence[int]) -> list[int]:
        """Administrative units under a unit that is split: no default can say which of the new
        units each belongs to, so a person decides (for example, each commune of a split
        district)."""
        if not split:
            return []
        kinds = ", ".join(f"'{k}'" for k in sorted(ADMINISTRATIVE_KINDS))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT t.unit_id FROM units_unitversion t "
                f"WHERE {in_ids('t.parent_id', 'split')} AND t.kind IN ({kinds})"
                f"{self._live_on()}",
                {"split": id_list(split), "day": day},
            )
            return sorted(row[0] for row in cursor.fetchall())

    @staticmethod
    def _latest(record_ids: Sequence[int]) -> dict[int, UnitVersion]:
        latest: dict[int, UnitVersion] = {}
        for version in UnitVersion.objects.filter(unit_id__in=list(record_ids)):
            known = latest.get(version.unit_id)
            if known is None or (version.valid_from or dt.date.min) > (
                known.valid_from or dt.date.min
            ):
                latest[version.unit_id] = version
        return latest

    def located(self, record_ids: Sequence[int]) -> dict[int, tuple[int, int | None]]:
        return {
            unit: (version.parent_id, None)
            for unit, version in self._latest(record_ids).items()
            if version.parent_id is not None
        }

    def describe(self, record_ids: Sequence[int]) -> dict[int, str]:
        return {
            unit: f"{version.name} ({version.code})"
            for unit, version in self._latest(record_ids).items()
        }
