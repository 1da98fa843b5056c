"""Report inputs shared by the API, the pages and the commands: the area and the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinhgon.accounts import access
from tinhgon.reports.selectors import Area, apparatus_figures
from tinhgon.units import selectors


def resolve_area(
    user, *, day: dt.date, province: str | None = None, unit_id: int | None = None
) -> Area:  # type: ignore[no-untyped-def]
    """The area named by a province name/code or a unit id, checked against the user's scope.

    `user=None` means an operator at the command line, who sees everything.
    """
    if unit_id is not None:
        version = (
            access.access_unit(user, unit_id, day=day)
            if user is not None
            else selectors.version_on(unit_id, day)
        )
        return Area(root_unit_id=version.unit_id, label=version.name)
    if province:
        version = selectors.resolve_province(province, day=day)
        if user is not None:
            access.access_unit(user, version.unit_id, day=day)
        return Area(province_id=version.unit_id, label=version.name)
    return Area()


def scoped_figures(user, day: dt.date, area: Area) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    scope = None if user is None else access.unit_filter(access.scope_for(user), day)
    return apparatus_figures(day, area=area, scope=scope)
