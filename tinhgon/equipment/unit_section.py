"""The equipment section of a unit's page (registered with units.sections from ready()): for a
unit, or for an administrative unit the agencies that serve it, each unit with a standard or an
inventory, how many of its lines fall short and what, linked to its equipment page. Nothing for
a unit the user does not read on that day, or with nothing to show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.http import HttpRequest
from django.template.loader import render_to_string

from tinhgon.core.errors import DomainError
from tinhgon.equipment import selectors, services
from tinhgon.units import selectors as units
from tinhgon.units.models import UnitVersion

MAX_UNITS = 50


def unit_section(request: HttpRequest, unit: UnitVersion, day: dt.date) -> str | None:
    try:
        services.unit_for(request.user, unit.unit_id, write=False, day=day)
    except DomainError:
        return None
    ids = [unit.unit_id]
    if unit.admin_unit_id == unit.unit_id:
        ids += list(
            units.versions_on(day)
            .filter(admin_unit_id=unit.unit_id)
            .values_list("unit_id", flat=True)[:500]
        )
    found = [g for g in selectors.gaps(day=day, unit_ids=ids) if g.required or g.available]
    if not found:
        return None
    by_unit: dict[int, list[selectors.Gap]] = defaultdict(list)
    for gap in found:
        by_unit[gap.unit_id].append(gap)
    rows = [
        {
            "unit_id": unit_id,
            "name": gaps[0].unit_name,
            "lines": len([g for g in gaps if g.required]),
            "short": [g.item_name for g in gaps if g.shortfall],
            "cost": sum(g.cost for g in gaps),
        }
        for unit_id, gaps in sorted(by_unit.items(), key=lambda kv: kv[1][0].unit_code)
    ][:MAX_UNITS]
    return render_to_string("equipment/_unit_section.html", {"rows": rows}, request=request)
