"""`tinhgon equipment` subcommands: the Excel template and import, premises (see
management/commands/equipment.py).

- `tinhgon equipment template --output F`: the documented workbook;
- `tinhgon equipment import FILE [--unit CODE]`: all rows or none, errors naming row and column;
- `tinhgon equipment premises --province NAME [--surplus] --format json`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import table, to_json, write_output
from tinhgon.core.upload import read_path
from tinhgon.equipment import importer, selectors
from tinhgon.equipment.models import Premises
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    made = sub.add_parser("template", help=_("Write the inventory import workbook."))
    made.add_argument("--output", required=True, help=_("the .xlsx file to write"))
    load = sub.add_parser("import", help=_("Import inventory lines from a workbook."))
    load.add_argument("file", help=_("the .xlsx file"))
    load.add_argument("--unit", help=_("the unit every row belongs to (code or name)"))
    listing = sub.add_parser("premises", help=_("The premises of a province."))
    listing.add_argument("--province", required=True, help=_("the province's name or code"))
    listing.add_argument(
        "--surplus", action="store_true", help=_("only the surplus premises after mergers")
    )
    listing.add_argument("--format", choices=["table", "json"], default="table")
    return {"template": template_command, "import": import_command, "premises": premises_command}


def template_command(command: Any, *, output: str, **_options: Any) -> None:
    write_output(output, importer.template())
    command.stdout.write(_("Template written to %(path)s.") % {"path": output})


def import_command(command: Any, *, file: str, unit: str | None, **_options: Any) -> None:
    content, name = read_path(file)
    unit_id = units.resolve(unit[:100], day=timezone.localdate()).unit_id if unit else None
    done = importer.inventory_import(actor=None, content=content, filename=name, unit_id=unit_id)
    command.stdout.write(_("%(lines)s inventory lines imported for %(units)s units.") % done)


def premises_command(
    command: Any, *, province: str, surplus: bool, format: str, **_options: Any
) -> None:
    day = timezone.localdate()
    version = units.resolve_province(province[:100], day=day)
    if surplus:
        data = [p.as_json() for p in selectors.surplus_premises(None, version.unit_id, day)]
    else:
        found = list(
            Premises.objects.filter(province_id=version.unit_id).order_by("unit_id", "pk")[:5000]
        )
        names = selectors.names_of({p.unit_id for p in found}, day)
        data = [
            selectors.SurplusPremises(
                p, *names.get(p.unit_id, ("", "")), came_from="", candidate=False
            ).as_json()
            for p in found
        ]
    if format == "json":
        command.stdout.write(to_json(data))
        return
    keys = ["id", "unit", "name", "status", "planned_use", "came_from"]
    command.stdout.write(table([[r[k] for k in keys] for r in data], keys))
