"""`tinhgon benchmark [SUBCOMMAND]`: run one of tinhgon's benchmarks on an empty database.

- `registry` (the default, what `make bench` runs): tinhgon.operations.benchmarks.registry;
- `carriers --rows N [--batch-rows B] [--format json]`: records carried through the national
  pairing plan against hand-written SQL (tinhgon.operations.bench_carriers);
- `continuity --rows N [--clients C]`: the same apply while client processes read and write
  the records being moved: failures and latencies;
- `services --dossiers N [--format json]`: dossiers at national scale: intake through the API,
  the unit dashboard, the 2025 plan carrying the open dossiers against raw SQL
  (tinhgon.operations.bench_services);
- `staff --officials N [--format json]`: the 2025 plan carrying N officials with their
  positions and assignments, against raw SQL (tinhgon.operations.bench_staff).

Every benchmark builds its data from nothing, so that its figures mean the same each run.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from tinhgon.core.commands import OneLineCommand, number_text
from tinhgon.operations import (
    bench_carriers,
    bench_placement,
    bench_services,
    bench_staff,
    benchmarks,
)
from tinhgon.units.models import Unit

DEFAULT = "registry"
SUBCOMMANDS = {
    "registry": benchmarks.registry.__doc__,
    "carriers": "Records carried through the national pairing plan, against raw SQL.",
    "continuity": "Reads and writes of records while the national plan moves them.",
    "services": "Dossiers: intake through the API, the unit dashboard, the 2025 plan vs raw SQL.",
    "placement": bench_placement.__doc__.splitlines()[0].split(": ", 1)[1],
    "staff": "Officials with their positions and assignments: the 2025 plan vs raw SQL.",
}
# A benchmark of the engine is about volume: below this it measures fixed costs.
MAX_ROWS = 50_000_000
MAX_INTAKE = 100_000


def add_options(parser: CommandParser, *, default: Any = False) -> None:
    """Options every subcommand takes, before or after its name."""
    parser.add_argument(
        "--skip-naive", action="store_true", default=default, help="Only the real implementations."
    )


def _number(value: str, low: int, high: int, what: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'%(value)s' is not a number of %(what)s") % {"value": value[:40], "what": what}
        ) from None
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(
            _("between %(low)s and %(high)s %(what)s")
            % {"low": number_text(low), "high": number_text(high), "what": what}
        )
    return number


def _rows(value: str) -> int:
    return _number(value, 1, MAX_ROWS, _("rows"))


def _dossiers(value: str) -> int:
    return _number(value, 1, MAX_ROWS, _("dossiers"))


def _intake(value: str) -> int:
    return _number(value, 0, MAX_INTAKE, _("dossiers"))


class Command(OneLineCommand):
    help = "Time tinhgon's bulk work against naive and hand-written ways (default: registry)."

    def add_arguments(self, parser):
        add_options(parser)
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        for name, text in SUBCOMMANDS.items():
            # SUPPRESS: an option given before the name is not reset by the subcommand's default.
            sub = subcommands.add_parser(name, help=text)
            add_options(sub, default=argparse.SUPPRESS)
            if name in ("carriers", "continuity"):
                sub.add_argument("--rows", type=_rows, default=1_000_000, help="Records to carry.")
                sub.add_argument(
                    "--batch-rows", type=_rows, help="Records per batch (default: the setting)."
                )
                sub.add_argument("--format", choices=["table", "json"], default="table")
            if name == "services":
                sub.add_argument(
                    "--dossiers", type=_dossiers, default=100_000, help="Dossiers to load."
                )
                sub.add_argument(
                    "--intake",
                    type=_intake,
                    default=2000,
                    help="Dossiers filed through the API (0: no intake).",
                )
                sub.add_argument(
                    "--clients", type=int, choices=range(1, 65), default=8, metavar="1-64"
                )
                sub.add_argument(
                    "--servers",
                    type=int,
                    choices=range(1, 9),
                    default=None,
                    metavar="1-8",
                    help="Server worker processes (gunicorn); default: the machine's cores.",
                )
                sub.add_argument(
                    "--batch-rows", type=_rows, help="Records per batch (default: the setting)."
                )
                sub.add_argument("--format", choices=["table", "json"], default="table")
            if name == "placement":
                bench_placement.add_arguments(sub)
            if name == "staff":
                bench_staff.add_arguments(sub)
            if name == "continuity":
                sub.add_argument(
                    "--clients", type=int, choices=range(1, 17), default=2, metavar="1-16"
                )

    def handle(self, *args, subcommand: str | None = None, skip_naive: bool = False, **options):
        # The placement benchmark solves in memory and writes nothing: any database will do.
        if subcommand != "placement" and Unit.objects.exists():
            raise CommandError(
                _(
                    "The benchmark needs an empty registry: run `make bench` or `make "
                    "bench-services`, or point DATABASE_URL at a fresh database."
                )
            )
        subcommand = subcommand or DEFAULT
        runs: dict[str, Callable[[], dict[str, Any]]] = {
            "carriers": lambda: bench_carriers.run(
                rows=options["rows"],
                batch_rows=options["batch_rows"],
                prepare=benchmarks.national_registry,
            ),
            "continuity": lambda: bench_carriers.continuity(
                rows=options["rows"],
                batch_rows=options["batch_rows"],
                clients=options["clients"],
                prepare=benchmarks.national_registry,
            ),
            "services": lambda: bench_services.run(
                dossiers=options["dossiers"],
                intake_count=options["intake"],
                clients=options["clients"],
                servers=options["servers"],
                batch_rows=options["batch_rows"],
                progress=lambda what: self.stderr.write(f"... {what}"),
            ),
            "placement": lambda: bench_placement.run(
                officials=options["officials"], skip_direct=skip_naive
            ),
            "staff": lambda: bench_staff.run_options(
                options, lambda what: self.stderr.write(f"... {what}")
            ),
        }
        if subcommand in runs:
            self._emit(runs[subcommand](), options["format"])
            return
        self.stdout.write(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        self._table(benchmarks.registry(skip_naive=skip_naive))

    def _emit(self, figures: dict[str, Any], format: str) -> None:
        if format == "json":
            self.stdout.write(json.dumps(figures, indent=2))
            return
        self.stdout.write(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        self._table([(key, str(value)) for key, value in figures.items()])

    def _table(self, rows: list[benchmarks.Row]) -> None:
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label.ljust(width)}  {value}")
