"""`tinhgon staff` subcommands of the rules (see management/commands/staff.py and
docs/staffing-rules.md):

- `staff evaluate --unit CODE --year Y [--file ROWS.json|.csv] [--format text|json]`: record the
  evaluations of a unit from a list (one transaction; an error names its row), then print the
  unit's distribution and its 20 % headroom. Without --file: print them only.
- `staff leavers --unit CODE [--format text|json]`: the leavers of a unit (the units under it,
  and the units it was formed from) with their amounts and payment status.
- `staff norms [--unit CODE] [--as-of DATE] [--format text|json]`: the norms in force; with
  --unit, the unit and those under it against their norms, and the excesses with their deadlines.
  `--set KIND --heads N --deputies N --from DATE --source TEXT` changes a norm;
  `--excess-plan PLAN_ID --effective DATE` records the leaders above the norm in the units the
  plan formed (deadline: five years on); `--refresh` resolves those back at the norm.
Commands run as the operator (no user scope); refusals are one line and exit status 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import bounded_int, parse_day, record_id, table, to_json
from tinhgon.core.upload import read_path
from tinhgon.staffing import evaluation, leaders, leavers
from tinhgon.staffing.models import Rating
from tinhgon.units import selectors

FORMATS = ("text", "json")
MAX_ROWS = 20_000


def add(sub: Any) -> dict[str, Callable[..., None]]:
    p = sub.add_parser("evaluate", help=_("Record a unit's evaluations from a list; show them."))
    p.add_argument("--unit", required=True, help=_("Code or name of the unit"))
    p.add_argument(
        "--year", required=True, type=bounded_int(evaluation.MIN_YEAR, evaluation.MAX_YEAR)
    )
    p.add_argument(
        "--file",
        help=_("JSON list or CSV with columns official, general, task (rating before 2026)"),
    )
    p.add_argument("--format", choices=FORMATS, default="text")

    p = sub.add_parser("leavers", help=_("Leavers of a unit with their amounts."))
    p.add_argument("--unit", required=True, help=_("Code or name of the unit"))
    p.add_argument("--format", choices=FORMATS, default="text")

    p = sub.add_parser("norms", help=_("Leaders' norms; a unit against them; change a norm."))
    p.add_argument("--unit", help=_("Code or name of the unit"))
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--set", dest="set_kind", help=_("Kind of unit (or kind:level) to change"))
    p.add_argument("--heads", type=bounded_int(0, 99))
    p.add_argument("--deputies", type=bounded_int(0, 99))
    p.add_argument("--from", dest="valid_from")
    p.add_argument("--source", default="")
    p.add_argument(
        "--excess-plan",
        dest="excess_plan",
        type=record_id,
        help=_("Record the leaders above the norm in the units this plan formed"),
    )
    p.add_argument("--effective", help=_("The plan's effective date (with --excess-plan)"))
    p.add_argument(
        "--refresh",
        action="store_true",
        help=_("Resolve the excesses of units back at the norm (on --as-of)"),
    )
    return {"evaluate": evaluate, "leavers": leavers_list, "norms": norms}


def _unit(code: str, day: dt.date) -> int:
    return selectors.resolve(code, day=day).unit_id


COLUMNS = ("official", "general", "task", "rating")


def read_rows(path: str) -> list[dict[str, Any]]:
    """The rows of a JSON list or a CSV file (header: official, general, task, rating), the two
    formats docs/staffing-rules.md gives; anything else (a spreadsheet, text not in UTF-8, an
    unknown column, no rows) is refused naming the file, never recorded as nothing."""
    file = Path(path)
    name = path[:200]
    if not file.is_file():
        raise CommandError(_("--file: %(path)s is not a file.") % {"path": name})
    suffix = file.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise CommandError(_("--file: %(path)s must be a .csv or .json file.") % {"path": name})
    content, _name = read_path(path)
    try:
        body = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(_("--file: %(path)s is not UTF-8 text.") % {"path": name}) from None
    if suffix == ".json":
        try:
            rows = json.loads(body)
        except json.JSONDecodeError as error:
            raise CommandError(_("--file: not JSON (%(error)s).") % {"error": error}) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise CommandError(_("--file: give a JSON list of objects."))
        for number, row in enumerate(rows, start=1):
            _check_columns(name, list(row), row=number)
    else:
        reader = csv.DictReader(body.splitlines())
        _check_columns(name, list(reader.fieldnames or []), row=None)
        rows = list(reader)
    if not rows:
        raise CommandError(_("--file: %(path)s has no rows.") % {"path": name})
    if len(rows) > MAX_ROWS:
        raise CommandError(_("--file: at most %(n)s rows.") % {"n": MAX_ROWS})
    return rows


def _check_columns(name: str, columns: list[Any], *, row: int | None) -> None:
    unknown = [str(c)[:40] for c in columns if c not in COLUMNS]
    if not unknown and "official" in columns:
        return
    where = name if row is None else _("%(path)s, row %(row)s") % {"path": name, "row": row}
    if unknown:
        raise CommandError(
            _("--file: %(where)s: unknown column '%(column)s' (the columns are %(columns)s).")
            % {"where": where, "column": unknown[0], "columns": ", ".join(COLUMNS)}
        )
    raise CommandError(
        _("--file: %(where)s: no column 'official' (the columns are %(columns)s).")
        % {"where": where, "columns": ", ".join(COLUMNS)}
    )


def evaluate(
    command: Any, *, unit: str, year: int, file: str | None, format: str, **_options: Any
) -> None:
    unit_id = _unit(unit, timezone.localdate())
    if file:
        dist = evaluation.evaluations_record_bulk(
            actor=None, unit_id=unit_id, year=year, rows=read_rows(file)
        )
    else:
        dist = evaluation.distribution(unit_id=unit_id, year=year)
    data = dist.as_dict()
    if format == "json":
        data["evaluations"] = evaluation.evaluations_of(unit_id=unit_id, year=year)
        command.stdout.write(to_json(data))
        return
    rows = [(str(Rating(rating).label), n) for rating, n in data["counts"].items()]
    command.stdout.write(table(rows, [_("Rating"), _("Officials")]))
    command.stdout.write(
        _("Outstanding allowed: %(allowed)s; headroom: %(headroom)s.")
        % {"allowed": data["outstanding_allowed"], "headroom": data["headroom"]}
    )


def leavers_list(command: Any, *, unit: str, format: str, **_options: Any) -> None:
    today = timezone.localdate()
    unit_id = _unit(unit, today)
    rows = leavers.leavers_of(unit_ids=leavers.units_answered_by(unit_id, today))
    if format == "json":
        command.stdout.write(to_json({"unit_id": unit_id, "leavers": rows}))
        return
    command.stdout.write(
        table(
            [
                (r["name"], r["kind"], r["leaves_on"], r["total"], r["payment"], r["paid_on"])
                for r in rows
            ],
            [_("Name"), _("Kind"), _("Leaves on"), _("Total (VND)"), _("Payment"), _("Paid on")],
        )
    )


def norms(
    command: Any,
    *,
    unit: str | None,
    as_of: str | None,
    format: str,
    set_kind: str | None,
    heads: int | None,
    deputies: int | None,
    valid_from: str | None,
    source: str,
    excess_plan: int | None = None,
    effective: str | None = None,
    refresh: bool = False,
    **_options: Any,
) -> None:
    day = parse_day(as_of) or timezone.localdate()
    changes: dict[str, Any] = {}
    if excess_plan is not None:
        start = parse_day(effective, name="--effective")
        if start is None:
            raise CommandError(_("--excess-plan needs --effective."))
        created = leaders.excess_record_after_plan(
            actor=None, plan_ref=excess_plan, effective=start
        )
        changes["excess_recorded"] = len(created)
    if refresh:
        changes["excess_resolved"] = len(leaders.excess_refresh(actor=None, day=day))
    if set_kind:
        start = parse_day(valid_from, name="--from")
        if heads is None or deputies is None or start is None:
            raise CommandError(_("--set needs --heads, --deputies and --from."))
        leaders.norm_set(
            actor=None,
            kind=set_kind,
            heads=heads,
            deputies=deputies,
            valid_from=start,
            source=source,
        )
    data: dict[str, Any] = {
        **changes,
        "as_of": day,
        "norms": [
            {
                "kind": n.kind,
                "heads": n.heads,
                "deputies": n.deputies,
                "valid_from": n.valid_from,
                "source": n.source,
            }
            for n in leaders.norms_in_force(day)
        ],
    }
    if unit:
        unit_id = _unit(unit, day)
        ids = leaders.units_under(unit_id, day)
        data["units"] = leaders.norm_report(ids, day)
        data["excess"] = leaders.excess_list(unit_ids=ids, today=day)
    if format == "json":
        command.stdout.write(to_json(data))
        return
    for key, value in changes.items():
        command.stdout.write(f"{key}: {value}")
    command.stdout.write(
        table(
            [(n["kind"], n["heads"], n["deputies"], n["valid_from"]) for n in data["norms"]],
            [_("Kind"), _("Heads"), _("Deputies"), _("From")],
        )
    )
    if unit:
        command.stdout.write(
            table(
                [
                    (
                        r["name"],
                        f"{r['heads']}/{r['norm_heads']}",
                        f"{r['deputies']}/{r['norm_deputies']}",
                        r["first_deadline"] or "",
                    )
                    for r in data["units"]
                ],
                [_("Unit"), _("Heads/norm"), _("Deputies/norm"), _("Back at the norm by")],
            )
        )
