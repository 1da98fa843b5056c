"""`tinhgon integrity`: cases, inspections and red flags. Each part declares its own subcommands
in a `cli_*.py` module (`add(sub)` adds its parsers and returns {name: handler}).

Scripts depend on (issue 11, Interfaces):
- `tinhgon integrity demo --province NAME [--seed S]`;
- `tinhgon integrity flags --unit CODE --format json` (cli_flags.py);
- `tinhgon integrity cases --unit CODE [--open] --format json` (cli_cases.py);
- `tinhgon integrity discipline --unit CODE [--format json]` (cli_discipline.py).
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy

from tinhgon.core.commands import TranslatedCommand
from tinhgon.integrity import (
    cli_cases,
    cli_discipline,
    cli_figures,
    cli_flags,
    cli_inspections,
)

PARTS = (cli_cases, cli_flags, cli_inspections, cli_discipline, cli_figures)


class Command(TranslatedCommand):
    help = gettext_lazy("Integrity: cases, inspections, red flags from the service record.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        self.handlers: dict[str, Callable[..., None]] = {}
        for part in PARTS:
            self.handlers.update(part.add(sub))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.handlers[action](self, **options)
