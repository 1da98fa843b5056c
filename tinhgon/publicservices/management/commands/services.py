"""`tinhgon services`: the dossiers of a unit, tracking a dossier, the procedure catalogue.

Scripts depend on (issue 8, Interfaces):
- `tinhgon services dossiers --unit CODE [--open] --format json`: a list of objects with at least
  `code`, `status` (the national status code 1-10), `unit` (the competent unit's code), `due`;
- `tinhgon services track CODE --format json`: `code`, `status`, `unit`, `due` of a dossier, by
  the code it was given (codes survive reorganizations);
- `tinhgon services demo --province NAME --dossiers N [--seed S]`: N synthetic dossiers over the
  province's communes (publicservices/demo.py), and a short summary.
- `tinhgon services print CODE KIND --output FILE.pdf`: one printable document of a dossier
  (receipt, supplement, refusal, apology, stop, control; docs/printable-documents.md).
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
    MAX_SEED,
    TranslatedCommand,
    bounded_int,
    day_text,
    moment_text,
    number_text,
    parse_day,
    table,
    to_json,
    write_output,
)
from tinhgon.publicservices import catalogue, demo, figures, printing, selectors
from tinhgon.units.selectors import resolve_any_time, resolve_province

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
            help=_(
                "Import a procedure catalogue (JSON, or .xlsx: sheets procedures, fees, "
                "documents); without a file, the starter catalogue."
            ),
        )
        load.add_argument("file", nargs="?")
        load.add_argument(
            "--valid-from", help=_("The day the rules apply from (YYYY-MM-DD; default today).")
        )
        dump = sub.add_parser(
            "catalogue-export",
            help=_("The catalogue in force, as JSON (or a spreadsheet: --output FILE.xlsx)."),
        )
        dump.add_argument("--as-of", help=_("The day (YYYY-MM-DD; default today)."))
        dump.add_argument("--output", help=_("A file to write (default: standard output)."))
        figures_parser = sub.add_parser(
            "figures",
            help=_(
                "The Decision 766 figures of a unit or a province over a period; --rebuild: "
                "recompute the tallies from the dossiers."
            ),
        )
        figures_parser.add_argument("--unit", help=_("The unit's code or name."))
        figures_parser.add_argument("--province", help=_("Province name or code."))
        figures_parser.add_argument(
            "--from", dest="date_from", help=_("First day (YYYY-MM-DD; default: a year back).")
        )
        figures_parser.add_argument(
            "--to", dest="date_to", help=_("Last day (YYYY-MM-DD; default today).")
        )
        figures_parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        figures_parser.add_argument("--output", help=_("A file to write (xlsx: required)."))
        figures_parser.add_argument(
            "--rebuild",
            action="store_true",
            help=_("Recompute every tally from the dossiers (after a bulk load)."),
        )
        sample = sub.add_parser(
            "demo",
            help=_(
                "Fill the communes of a province with synthetic dossiers in every status "
                "(demo data, clearly marked)."
            ),
        )
        sample.add_argument("--province", required=True, help=_("Province name or code."))
        sample.add_argument(
            "--dossiers",
            required=True,
            type=bounded_int(1, demo.MAX_DOSSIERS),
            help=_("How many dossiers."),
        )
        sample.add_argument(
            "--seed",
            type=bounded_int(0, MAX_SEED),
            default=1,
            help=_("The same seed on the same day gives the same dossiers (default 1)."),
        )

        printed = sub.add_parser(
            "print", help=_("One printable document of a dossier, as PDF, in Vietnamese.")
        )
        printed.add_argument("code")
        printed.add_argument("kind", choices=list(printing.KINDS))
        printed.add_argument("--output", required=True, help=_("The PDF file to write."))

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

    def _print(self, *, code, kind, output, **_o):
        dossier = selectors.dossier_by_code(code)
        write_output(output, printing.render(dossier, kind))
        self.stdout.write(
            _("%(file)s: %(title)s of dossier %(code)s.")
            % {"file": output, "title": printing.KINDS[kind].title.capitalize(), "code": code}
        )

    def _catalogue_import(self, *, file, valid_from, **_o):
        day = parse_day(valid_from, name="--valid-from") or timezone.localdate()
        if file is not None and file.lower().endswith(".xlsx"):
            path = Path(file)
            if not path.is_file() or path.stat().st_size > MAX_FILE:
                raise CommandError(_("%(file)s: no such file, or too big.") % {"file": file[:200]})
            counts = catalogue.catalogue_import_workbook(
                actor=None, content=path.read_bytes(), filename=path.name, valid_from=day
            )
            self.stdout.write(
                _("Procedures: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % counts
            )
            return
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
        if output and output.lower().endswith(".xlsx"):
            write_output(output, catalogue.catalogue_workbook(day=day))
            return
        text = to_json(catalogue.catalogue_export(day=day))
        if output:
            write_output(output, text + "\n")
            return
        self.stdout.write(text)

    def _figures(self, *, unit, province, date_from, date_to, format, output, rebuild, **_o):
        if rebuild:
            rows = figures.rebuild()
            self.stdout.write(_("Tallies recomputed: %(rows)s rows.") % {"rows": number_text(rows)})
            if not unit and not province:
                return
        if bool(unit) == bool(province):
            raise CommandError(_("Give --unit or --province (one of them)."))
        if format == "xlsx" and not output:
            raise CommandError(_("A spreadsheet needs --output FILE.xlsx."))
        first, last = figures.period(
            parse_day(date_from, name="--from"), parse_day(date_to, name="--to")
        )
        unit_id = resolve_any_time(unit[:200]).unit_id if unit else None
        area = figures.area_for(None, date_to=last, unit_id=unit_id, province=province)
        data = figures.dashboard(area, first, last)
        if format == "json":
            text = to_json(data)
            if output:
                write_output(output, text + "\n")
            else:
                self.stdout.write(text)
            return
        if format == "xlsx":
            write_output(output, figures.workbook(data))
            return
        self.stdout.write(f"{data['area']}: {day_text(first)} – {day_text(last)}")
        self.stdout.write(
            table(
                [
                    (
                        label,
                        figures.percent(value) if key in figures.SHARES else number_text(value),
                    )
                    for key, label, value in figures.indicator_rows(data)
                ],
                [_("Indicator"), _("Value")],
            )
        )

    def _demo(self, *, province, dossiers, seed, **_o):
        found = resolve_province(province[:200], day=timezone.localdate())
        summary = demo.dossiers_demo(
            actor=None, province_id=found.unit_id, count=dossiers, seed=seed
        )
        figures = {
            key: number_text(summary[key]) for key in ("count", "communes", "open", "overdue")
        }
        self.stdout.write(
            _(
                "%(province)s: %(count)s demo dossiers over %(communes)s communes (seed %(seed)s): "
                "%(open)s open, %(overdue)s of them overdue."
            )
            % {**figures, "province": summary["province"], "seed": seed}
        )
        self.stdout.write(
            _("By status: %(statuses)s.")
            % {
                "statuses": ", ".join(
                    f"{code}: {number_text(n)}" for code, n in summary["by_status"].items()
                )
            }
        )
        if summary["catalogue_imported"]:
            self.stdout.write(_("The catalogue was empty: the starter catalogue was imported."))
