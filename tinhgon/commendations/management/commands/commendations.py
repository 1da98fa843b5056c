"""`tinhgon commendations`: the register, its history through the lineage, the demo. Each part
declares its own subcommands in a `cli_*.py` module (`add(sub)` adds its parsers and returns
{name: handler}).

Scripts depend on (issue 12, Interfaces):
- `tinhgon commendations list --unit CODE [--with-predecessors] --format json` (cli_register.py);
- `tinhgon commendations demo --province NAME [--seed S]` (cli_demo.py).
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy

from tinhgon.commendations import cli_demo, cli_register
from tinhgon.core.commands import TranslatedCommand

PARTS = (cli_register, cli_demo)


class Command(TranslatedCommand):
    help = gettext_lazy("Commendations: the register, a unit's history, the demo.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        self.handlers: dict[str, Callable[..., None]] = {}
        for part in PARTS:
            self.handlers.update(part.add(sub))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.handlers[action](self, **options)
