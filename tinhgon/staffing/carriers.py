"""How the records of people follow their unit through a reorganization.

What moves, in place, to the successor of a unit the plan closes (same primary key, a history
row each in `carriers.RecordMove`), on the plan's effective date:

- *positions* still open on that date (or starting later), with their province;
- *assignments* still open on that date (or starting later): the official keeps holding the
  same position, now at the successor; an assignment that ended before is the closed unit's
  history and stays;
- *officials* at work (`Status.ACTIVE`), with their province; the officials of a unit the plan
  *splits* go to the successor their home commune lies in after the plan (`rule_field`), the
  others (no home commune, or one outside every part) to the default successor. Someone who has
  left stays with the unit they left;
- *quotas* of the plan's year and later: the successor's quota for a year and category is the
  sum of its rows (`Quota`), so the predecessors' quotas add up there until a new decision
  replaces them; quotas of earlier years stay with the closed unit, as they were decided;
- *leaders above the norm* whose excess is still open on that date: the deadline to return to
  the norm (Decree 370/2025) goes with them to the successor.

What never moves: evaluations, disciplinary measures and leavers name the unit *at the time*
(the unit that rated, disciplined or let the person go): they are facts of that unit's record,
and rewriting them would rewrite history. Training follows the official, not a unit.

An open assignment follows its position's unit by the same routes as the position (both have no
rule, so a split unit's positions and assignments go to its default successor unless a person
decides otherwise); that an official of a split unit may arrive at another part than their
position is exactly what the placement of the arriving officials resolves (issue 9, point 8).

The preview panel (`arrivals_panel`, registered with `carriers.contract.register_preview`):
for every unit receiving people, the officials arriving against the seats of the positions it
will have, counted from the engine's own routing of the preview.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_noop

from tinhgon.carriers.contract import Flow, Routed, Target, UnitRowsCarrier
from tinhgon.staffing.models import (
    Assignment,
    LeaderExcess,
    Official,
    Position,
    Quota,
    Status,
)


class _Open(UnitRowsCarrier):
    """Rows valid until `valid_to` (NULL: still in force): those in force on the effective date
    or starting later move in place."""

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

    def describe(self, record_ids: Sequence[int]) -> dict[int, str]:
        # The name only: a decision needs to recognize the person, not their identity number.
        names = dict(Official.objects.filter(pk__in=record_ids).values_list("pk", "full_name"))
        return {record: names.get(record, f"#{record}") for record in record_ids}


def _year_of(param: str) -> str:
    """The year of a bound date parameter, as an SQL integer."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM CAST({param} AS date))"
    return f"CAST(substr({param}, 1, 4) AS INTEGER)"  # SQLite binds dates as 'YYYY-MM-DD'


class QuotasCarrier(UnitRowsCarrier):
    name = "quotas"
    model = Quota
    province_field = "province"

    def live(self, alias: str = "t") -> str:
        return f" AND {alias}.year >= {_year_of('%(effective)s')}"


class LeaderExcessCarrier(UnitRowsCarrier):
    name = "leader_excesses"
    model = LeaderExcess

    def live(self, alias: str = "t") -> str:
        return f" AND ({alias}.resolved_on IS NULL OR {alias}.resolved_on >= %(effective)s)"


CARRIERS = [
    PositionsCarrier(),
    AssignmentsCarrier(),
    OfficialsCarrier(),
    QuotasCarrier(),
    LeaderExcessCarrier(),
]


# -- the preview panel ---------------------------------------------------------------------------
ARRIVALS_TITLE = gettext_noop("People arriving and positions available")
ARRIVALS_COLUMNS = [
    gettext_noop("Unit after the plan"),
    gettext_noop("Officials arriving"),
    gettext_noop("Officials already there"),
    gettext_noop("Positions"),
    gettext_noop("Seats"),
    gettext_noop("Seats left (negative: officials without a seat)"),
]
ARRIVALS_NOTE = gettext_noop(
    "Counted from the plan's routing: officials at work and positions open on the effective "
    "date. Placing the officials onto the positions is the placement's work."
)


def _seats_at(day: dt.date, units: Sequence[Any]) -> dict[int, tuple[int, int]]:
    """(positions, seats) open on `day` per unit."""
    rows = (
        Position.objects.filter(open_on(day), unit_id__in=units)
        .values("unit_id")
        .annotate(n=Count("id"), seats=Sum("seats"))
    )
    return {row["unit_id"]: (row["n"], row["seats"] or 0) for row in rows}


def open_on(day: dt.date) -> Q:
    """Positions the carrier moves for a plan effective on `day`: in force then, or later."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=day)


def arrivals_panel(routed: Routed) -> dict[str, Any] | None:
    """For every unit that receives officials or positions through the plan: officials arriving
    (exactly what the officials carrier will move there), those already there, and the positions
    and seats it will have. None when the plan moves no people."""
    officials = routed.moves.get(OfficialsCarrier.name, {})
    positions = routed.moves.get(PositionsCarrier.name, {})
    if not officials and not positions:
        return None
    arriving: dict[Target, int] = defaultdict(int)
    for (_from_unit, target), rows in officials.items():
        arriving[target] += rows
    targets = set(arriving) | {target for (_f, target) in positions}
    # Seats routed as the positions carrier routes its rows: by the closed unit's route, then
    # the decisions about single positions.
    counted = _seats_at(routed.day, routed.closing)
    positions_to: dict[Target, int] = defaultdict(int)
    seats_to: dict[Target, int] = defaultdict(int)
    for from_unit, (n, seats) in counted.items():
        target = routed.destination(PositionsCarrier.name, Flow(from_unit, None, n))
        positions_to[target] += n
        seats_to[target] += seats
    decided = routed.decisions.get(PositionsCarrier.name, {})
    if decided:
        on_day = Position.objects.filter(
            open_on(routed.day),
            pk__in=list(decided),
            unit_id__in=routed.closing,
        ).values_list("pk", "unit_id", "seats")
        for pk, unit_id, seats in on_day:
            group = routed.destination(PositionsCarrier.name, Flow(unit_id, None, 1))
            positions_to[group] -= 1
            seats_to[group] -= seats
            positions_to[decided[pk]] += 1
            seats_to[decided[pk]] += seats
            targets.add(decided[pk])
    # Units that stay and receive people already have some of their own.
    staying = [t for t in targets if isinstance(t, int)]
    here: dict[Target, int] = dict(
        Official.objects.filter(unit_id__in=staying, status=Status.ACTIVE)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for unit_id, (n, seats) in _seats_at(routed.day, staying).items():
        positions_to[unit_id] += n
        seats_to[unit_id] += seats
    table: list[list[Any]] = []
    for target in targets:
        people = arriving.get(target, 0) + here.get(target, 0)
        table.append(
            [
                routed.label(target),
                arriving.get(target, 0),
                here.get(target, 0),
                positions_to.get(target, 0),
                seats_to.get(target, 0),
                seats_to.get(target, 0) - people,
            ]
        )
    # The largest shortage of seats first: where the placement has the most to do.
    table.sort(key=lambda row: (row[5], row[0]))
    return {
        "name": "staffing_arrivals",
        "title": ARRIVALS_TITLE,
        "columns": ARRIVALS_COLUMNS,
        "rows": table,
        "note": ARRIVALS_NOTE,
    }
