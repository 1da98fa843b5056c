"""How the records of people follow their unit through a reorganization.

Positions, open assignments and the officials a unit employs move in place to the unit's
successor on the plan's effective date (same primary key, same history); the officials of a
split commune go where their home commune lies. Positions and assignments that ended before the
effective date are the closed unit's history and stay with it.
"""

from __future__ import annotations

from tinhgon.carriers.contract import UnitRowsCarrier
from tinhgon.staffing.models import Assignment, Official, Position, Status


class _Open(UnitRowsCarrier):
    def live(self, alias: str = "t") -> str:
        return f" AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %(effective)s)"


class PositionsCarrier(_Open):
    name = "positions"
    model = Position
    province_field = "province"


class AssignmentsCarrier(_Open):
    name = "assignments"
    model = Assignment


class OfficialsCarrier(UnitRowsCarrier):
    name = "officials"
    model = Official
    province_field = "province"
    rule_field = "home_commune"

    def extra(self, alias: str = "t") -> str:
        return f" AND {alias}.status = '{Status.ACTIVE.value}'"

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        names = dict(Official.objects.filter(pk__in=record_ids).values_list("pk", "full_name"))
        return {record: names.get(record, f"#{record}") for record in record_ids}


CARRIERS = [PositionsCarrier(), AssignmentsCarrier(), OfficialsCarrier()]
