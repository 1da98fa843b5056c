"""`tinhgon coord`: province–commune coordination. Each part declares its own subcommands in a
`cli_*.py` module (`add(sub)` adds its parsers and returns {name: handler}; a handler takes the
command and the parsed options).

Scripts depend on (issue 10, Interfaces):
- `tinhgon coord demo --province NAME [--seed S]`;
- `tinhgon coord tasks --unit CODE [--open] --format json` (cli_tasks.py);
- `tinhgon coord figures --province NAME --format json`.
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy

from tinhgon.coordination import cli_obstacles, cli_reports, cli_tasks
from tinhgon.core.commands import TranslatedCommand

PARTS = (cli_tasks, cli_reports, cli_obstacles)


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Coordination: directives and tasks, periodic reports, obstacles, figures, demo data."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        self.handlers: dict[str, Callable[..., None]] = {}
        for part in PARTS:
            self.handlers.update(part.add(sub))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.handlers[action](self, **options)
