"""The plan preview's equipment panel (registered with carriers.contract.register_preview from
EquipmentConfig.ready() through setup.register_all): for every unit that receives the inventory
of units the plan closes, the shortfall against the standard before (each predecessor alone,
added up) and after pooling.

Where each closed unit's inventory goes is the inventory carrier's own routing of the preview
(`Routed.destination`, the route of the whole unit: a decision that sends a single line elsewhere
is not followed here). The requirement after pooling is the predecessors' standard applied once
to the pooled unit: a line fixed per unit or per service counter is required once (the largest
of the predecessors' figures), a line per officer for all their officers together (the officers
follow the merger). A receiving unit that already exists counts its own requirement and holding
too. The gaps are read the day before the plan takes effect, when the predecessors are open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_noop

from tinhgon.carriers.contract import Flow, Routed, Target
from tinhgon.equipment import selectors
from tinhgon.equipment.carriers import InventoryCarrier

PANEL = "equipment_pooling"
TITLE = gettext_noop("Equipment against the standard: before and after pooling")
COLUMNS = [
    gettext_noop("Unit after the plan"),
    gettext_noop("Units pooled"),
    gettext_noop("Shortfall before (each alone)"),
    gettext_noop("Shortfall after pooling"),
    gettext_noop("Surplus after pooling"),
    gettext_noop("Estimated cost of the shortfall after (VND)"),
]
NOTE = gettext_noop(
    "Items short of the standard, counted per unit and item type in usable condition, the day "
    "before the plan takes effect. After pooling the standard applies once to the receiving "
    "unit: its fixed lines once, its per-officer lines for all the officers pooled. The surplus "
    "is what rebalancing may offer other units."
)


def pooled(
    members: list[int], rows: list[selectors.Gap], per_officer: set[tuple[int, int]]
) -> tuple[dict[int, int], dict[int, int]]:
    """(required, usable) per item type of the units in `members` pooled into one."""
    required: dict[int, int] = defaultdict(int)
    usable: dict[int, int] = defaultdict(int)
    wanted = set(members)
    for row in rows:
        if row.unit_id not in wanted:
            continue
        usable[row.item_type_id] += row.usable
        if (row.unit_id, row.item_type_id) in per_officer:
            required[row.item_type_id] += row.required
        else:
            required[row.item_type_id] = max(required[row.item_type_id], row.required)
    return dict(required), dict(usable)


def pooling_panel(routed: Routed) -> dict[str, Any] | None:
    """One row per receiving unit; None when the plan moves no inventory (a province that has
    not recorded its inventories yet would see only its standards, nothing pooled)."""
    if not routed.closing or not any(routed.moves.get(InventoryCarrier.name, {}).values()):
        return None
    day = routed.day - dt.timedelta(days=1)
    name = InventoryCarrier.name
    groups: dict[Target, list[int]] = defaultdict(list)
    for unit_id in routed.closing:
        groups[routed.destination(name, Flow(unit_id, None, 0))].append(unit_id)
    staying = [t for t in groups if isinstance(t, int)]
    members = set(routed.closing) | set(staying)
    rows = selectors.gaps(day=day, unit_ids=sorted(members))
    if not rows:
        return None
    per_officer = selectors.per_officer_items(day, members)
    price = {row.item_type_id: row.unit_price for row in rows}
    with_rows = {row.unit_id for row in rows}
    table: list[list[Any]] = []
    for target, closed in groups.items():
        if not with_rows & (set(closed) | ({target} if isinstance(target, int) else set())):
            continue
        before = sum(r.shortfall for r in rows if r.unit_id in closed)
        if isinstance(target, int):
            before += sum(r.shortfall for r in rows if r.unit_id == target)
            closed = [target, *closed]
        required, usable = pooled(closed, rows, per_officer)
        items = set(required) | set(usable)
        short = {i: max(required.get(i, 0) - usable.get(i, 0), 0) for i in items}
        surplus = sum(max(usable.get(i, 0) - required.get(i, 0), 0) for i in items)
        table.append(
            [
                routed.label(target),
                len(closed) - (1 if isinstance(target, int) else 0),
                before,
                sum(short.values()),
                surplus,
                sum(q * price.get(i, 0) for i, q in short.items()),
            ]
        )
    if not table:
        return None
    table.sort(key=lambda row: (-row[3], row[0]))
    return {"name": PANEL, "title": TITLE, "columns": COLUMNS, "rows": table, "note": NOTE}
