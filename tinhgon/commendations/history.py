"""The unit page's section "Commendations (including predecessors)" (units.sections).

The unit page has already checked that the user may open it (`access_any_version`: a ward's
officials open the pages of the communes it was formed from too); the section shows what the
register holds for that unit and every unit its lineage reaches back to.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.template.loader import render_to_string

from tinhgon.commendations import selectors
from tinhgon.units.models import UnitVersion
from tinhgon.units.sections import register_section

SECTION_ROWS = 200


def unit_section(request: HttpRequest, unit: UnitVersion, day: dt.date) -> str | None:
    found = selectors.unit_history(unit.unit_id, with_predecessors=True)
    if not found:
        return None
    return render_to_string(
        "commendations/_unit_section.html",
        {"rows": found[:SECTION_ROWS], "more": max(0, len(found) - SECTION_ROWS), "unit": unit},
        request=request,
    )


def register_all() -> None:
    register_section(unit_section, name="commendations")
