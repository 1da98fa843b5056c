"""`tinhgon benchmark [SUBCOMMAND]`: run one benchmark of tinhgon.operations.benchmarks.

Each subcommand is one function there returning (label, figure) rows; adding one is that
function and a line in SUBCOMMANDS. Without a subcommand the registry benchmark runs (`make bench`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tinhgon.operations import benchmarks
from tinhgon.units.models import Unit

SUBCOMMANDS: dict[str, Callable[..., list[benchmarks.Row]]] = {
    "registry": benchmarks.registry,
}
DEFAULT = "registry"


def add_options(parser: CommandParser, *, default: Any = False) -> None:
    """Options every subcommand takes, before or after its name."""
    parser.add_argument(
        "--skip-naive", action="store_true", default=default, help="Only the real implementations."
    )


class Command(BaseCommand):
    help = "Time tinhgon's bulk work against naive implementations (default: registry)."

    def add_arguments(self, parser):
        add_options(parser)
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        for name, run in SUBCOMMANDS.items():
            # SUPPRESS: an option given before the name is not reset by the subcommand's default.
            add_options(subcommands.add_parser(name, help=run.__doc__), default=argparse.SUPPRESS)

    def handle(self, *args, subcommand: str | None = None, skip_naive: bool = False, **options):
        # Every benchmark builds its data from nothing, so that its figures mean the same each run.
        if Unit.objects.exists():
            raise CommandError(
                "The benchmark needs an empty registry: run `make bench`, or point DATABASE_URL at a fresh database."
            )
        self.stdout.write(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        rows = SUBCOMMANDS[subcommand or DEFAULT](skip_naive=skip_naive)
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label.ljust(width)}  {value}")
