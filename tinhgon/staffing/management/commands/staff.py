"""`tinhgon staff`: people of the apparatus. Each part of the capability declares its own
subcommands in a `cli_*.py` module (`add(sub)` adds its parsers and returns {name: handler};
a handler takes the command and the parsed options).

Scripts depend on (issue 9, Interfaces):
- `tinhgon staff demo --province NAME [--seed S]` (cli_people.py);
- `tinhgon staff figures --unit CODE [--as-of DATE] --format json` (cli_figures.py);
- `tinhgon staff place --plan FILE_OR_ID --format json` (cli_placement.py).
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy

from tinhgon.core.commands import TranslatedCommand
from tinhgon.staffing import cli_figures, cli_people, cli_placement, cli_rules

PARTS = (cli_people, cli_rules, cli_figures, cli_placement)


class Command(TranslatedCommand):
    help = gettext_lazy(
        "People: positions, quotas, officials, evaluations, leavers, figures and placement."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        self.handlers: dict[str, Callable[..., None]] = {}
        for part in PARTS:
            self.handlers.update(part.add(sub))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.handlers[action](self, **options)
