"""The home page's panels: what a capability adds to the home page (`reports.dashboard` draws
them, knowing none of the capabilities).

The registry lives in core so that every app, whatever its layer, registers its panel from its own
`AppConfig.ready()`: the engine's plans waiting (reorg), the tasks of coordination, later the
dossiers or cases overdue. A provider is called with the user, their scope (`units.access.Scope`)
and today's date, and returns a Panel or None to show nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    """A box on the home page: a title, a template drawn with `context`, and warnings that go
    to the warnings list at the top."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    order: int = 50


PanelProvider = Callable[[Any, Any, dt.date], "Panel | None"]
_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> None:
    """Add a panel to the home page; `provider(user, scope, today)` returns None to show nothing
    (the plans panel, to someone who administers no province). Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def panels(user: Any, scope: Any, today: dt.date) -> list[Panel]:
    found = [panel for provider in _providers if (panel := provider(user, scope, today))]
    return sorted(found, key=lambda p: p.order)
