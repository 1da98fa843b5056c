"""`tinhgon equipment`: standards, inventories, gaps and premises. Each part declares its own
subcommands in a `cli_*.py` module (`add(sub)` adds its parsers and returns {name: handler}).

Scripts depend on (issue 12, Interfaces):
- `tinhgon equipment demo --province NAME [--seed S]` (cli_gaps.py);
- `tinhgon equipment gaps --province NAME --format json` (cli_gaps.py);
- `tinhgon equipment premises --province NAME --surplus --format json` (cli_inventory.py);
- `tinhgon equipment template --output F`, `tinhgon equipment import FILE` (cli_inventory.py).
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy

from tinhgon.core.commands import TranslatedCommand
from tinhgon.equipment import cli_gaps, cli_inventory, cli_rebalance

PARTS = (cli_gaps, cli_inventory, cli_rebalance)


class Command(TranslatedCommand):
    help = gettext_lazy("Equipment and premises: standards, inventories, gaps, surplus premises.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        self.handlers: dict[str, Callable[..., None]] = {}
        for part in PARTS:
            self.handlers.update(part.add(sub))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.handlers[action](self, **options)
