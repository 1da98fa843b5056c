"""`tinhgon services`: the dossiers of a unit, tracking a dossier, the procedure catalogue.

Scripts depend on (issue 8, Interfaces):
- `tinhgon services dossiers --unit CODE [--open] --format json`: a list of objects with at least
  `code`, `status` (the national status code 1-10), `unit` (the competent unit's code), `due`;
- `tinhgon services track CODE --format json`: `code`, `status`, `unit`, `due` of a dossier, by
  the code it was given (codes survive reorganizations).
Refusals are one line on stderr with exit status 1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    moment_text,
    parse_day,
    table,
    to_json,
)
from tinhgon.publicservices import catalogue, selectors
from tinhgon.units.selectors import resolve_any_time

MAX_FILE = 20 * 1024 * 1024


def _moment(value: str | None) -> str:
    return moment_text(dt.datetime.fromisoformat(value)) if value else ""


class Command(TranslatedCommand):
    help = gettext_lazy("Public services: dossiers of a unit, tracking, the procedure catalogue.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("dossiers", help=_("The dossiers of a competent unit."))
        listing.add_argument("--unit", required=True, help=_("The unit's code or name."))
        listing.add_argument("--open", action="store_true", help=_("Open dossiers only."))
        listing.add_argument("--format", choices=["table", "json"], default="table")
        track = sub.add_parser("track", help=_("Where a dossier is, by its code."))
        track.add_argument("code")
        track.add_argument("--format", choices=["text", "json"], default="text")
        load = sub.add_parser(
            "catalogue-import",
            help=_("Import a procedure catalogue (JSON); without a file, the starter catalogue."),
        )
        load.add_argument("file", nargs="?")
        load.add_argument(
            "--valid-from", help=_("The day the rules apply from (YYYY-MM-DD; default today).")
        )
        dump = sub.add_parser("catalogue-export", help=_("The catalogue in force, as JSON."))
        dump.add_argument("--as-of", help=_("The day (YYYY-MM-DD; default today)."))
        dump.add_argument("--output", help=_("A file to write (default: standard output)."))

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _dossiers(self, *, unit, open, format, **_o):
        found = resolve_any_time(unit[:200])
        dossiers = selectors.unit_dossiers(unit_id=found.unit_id, open_only=open)
        rows = selectors.rows(dossiers)
        if format == "json":
            self.stdout.write(to_json(rows))
            return
        self.stdout.write(
            table(
                [
                    (r["code"], r["status"], r["status_name"], r["procedure"], _moment(r["due"]))
                    for r in rows
                ],
                [_("code"), _("status"), _("status name"), _("procedure"), _("due")],
            )
        )

    def _track(self, *, code, format, **_o):
        row = selectors.rows([selectors.dossier_by_code(code)])[0]
        if format == "json":
            self.stdout.write(to_json(row))
            return
        self.stdout.write(
            _("%(code)s: %(status)s (%(number)s) at %(unit)s, due %(due)s.")
            % {
                "code": row["code"],
                "status": row["status_name"],
                "number": row["status"],
                "unit": row["unit_name"],
                "due": _moment(row["due"]) or "-",
            }
        )

    def _catalogue_import(self, *, file, valid_from, **_o):
        day = parse_day(valid_from, name="--valid-from") or timezone.localdate()
        if file is None:
            data = catalogue.starter()
        else:
            path = Path(file)
            if not path.is_file() or path.stat().st_size > MAX_FILE:
                raise CommandError(_("%(file)s: no such file, or too big.") % {"file": file[:200]})
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise CommandError(_("%(file)s is not JSON.") % {"file": file[:200]}) from None
        counts = catalogue.catalogue_import(actor=None, data=data, valid_from=day)
        self.stdout.write(
            _("Procedures: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % counts
        )

    def _catalogue_export(self, *, as_of, output, **_o):
        day = parse_day(as_of) or timezone.localdate()
        text = to_json(catalogue.catalogue_export(day=day))
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            return
        self.stdout.write(text)
