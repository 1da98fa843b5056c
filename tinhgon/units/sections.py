"""Sections of a unit's page that capabilities above the registry add (issue 12).

The unit page (`units.views.detail`) lives in a lower layer than the capabilities that have
something to say about a unit (its commendations, its equipment): each registers a function from
its `AppConfig.ready()`, and the page draws what they return, in the order registered. A function
takes the request, the unit's version the page shows and the day the page is about, and returns
the section's HTML (a `<section>` with its own heading) or None when it has nothing to show or
the user may not see it. It must check the user's scope itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from tinhgon.units.models import UnitVersion

Section = Callable[[HttpRequest, UnitVersion, dt.date], str | None]

_sections: dict[str, Section] = {}


def register_section(fn: Section, *, name: str | None = None) -> None:
    """Add a section to every unit page; registering the same name again replaces it (a test
    settings reload calls `ready()` twice)."""
    _sections[name or f"{fn.__module__}.{fn.__qualname__}"] = fn


def render_sections(request: HttpRequest, unit: UnitVersion, day: dt.date) -> list[SafeString]:
    """The registered sections' HTML, in order, leaving out those with nothing to show. The
    functions return HTML they rendered from their own templates (autoescaped)."""
    drawn = []
    for fn in _sections.values():
        html = fn(request, unit, day)
        if html:
            drawn.append(mark_safe(html))  # rendered by a template, escaped there
    return drawn
