"""The registry's own carrier: child units follow their closed parent to its successor."""

from __future__ import annotations

from django.db import connection

from tinhgon.carriers.contract import Context, DatedRowsCarrier, _params
from tinhgon.units.kinds import ADMINISTRATIVE_KINDS


class ChildUnitsCarrier(DatedRowsCarrier):
    """Units hanging under a closed unit move under its default successor (a new version).

    Their administrative unit, province and level are set right afterwards by the engine's
    placement pass, which knows the tree.
    """

    name = "child_units"
    table = "units_unitversion"
    column = "parent_id"
    record_column = "unit_id"
    copied = (
        "unit_id",
        "code",
        "name",
        "name_folded",
        "name_sort",
        "kind",
        "level",
        "admin_unit_id",
        "province_id",
        "source",
    )
    overrides = {
        "reason": "'Reorganization plan ' || CAST(%(plan)s AS VARCHAR(20))",
        "recorded_by_id": "%(actor)s",
        "recorded_at": "%(now)s",
    }

    def undecided(self, ctx: Context) -> list[int]:
        """Administrative units under a unit that is split: no default can say which of the new
        units each belongs to, so a person decides (for example, each commune of a split
        district)."""
        kinds = ", ".join(f"'{k}'" for k in ADMINISTRATIVE_KINDS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT r.unit_id FROM units_unitversion r JOIN units_unitlink l "
                "ON l.predecessor_id = r.parent_id AND l.plan_ref = %(plan)s AND l.is_default = %(true)s "
                f"AND l.event = 'split' WHERE r.kind IN ({kinds}) AND {self._open_rows()}"
                + self.extra_where(),
                _params(ctx),
            )
            return sorted(row[0] for row in cursor.fetchall())

    def describe(self, record_ids: list[int]) -> dict[int, str]:
        from tinhgon.units.models import UnitVersion

        names: dict[int, str] = {}
        for version in UnitVersion.objects.filter(unit_id__in=record_ids).order_by("valid_from"):
            names[version.unit_id] = f"{version.name} ({version.code})"
        return names

    def extra_where(self, alias: str = "r") -> str:
        # A unit that closes itself does not move; it is not a child to carry.
        return (
            f" AND {alias}.unit_id NOT IN (SELECT predecessor_id FROM units_unitlink "
            "WHERE plan_ref = %(plan)s AND is_default = %(true)s)"
        )
