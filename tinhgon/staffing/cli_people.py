"""`tinhgon staff` subcommands: people (see management/commands/staff.py).

- `demo --province NAME [--seed S] [--as-of DATE] [--format json]`: synthetic staff for every
  unit of the province, clearly labelled;
- `officials --unit CODE [--as-of DATE] [--format json]`: the officials of a unit (of a commune:
  those of the agencies serving it too), identity
  numbers masked (a command's output ends up in logs and terminals: nobody needs the whole
  number there);
- `import FILE [--dry-run]`: positions and staff lists from the Excel template
  (docs/staffing-import.md); `import-template --output FILE` writes the template;
- `link-user --official ID --user USERNAME [--unlink]`: link an official to their own account
  (staffing/user_link.py), or undo it (`--unlink`, the user name then checked against the link).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import (
    MAX_SEED,
    bounded_int,
    day_text,
    parse_day,
    table,
    to_json,
    write_output,
)
from tinhgon.core.upload import read_path
from tinhgon.staffing import excel, selectors, synthetic, user_link
from tinhgon.staffing.models import Official
from tinhgon.units import selectors as registry
from tinhgon.units.kinds import is_administrative


def add(sub: Any) -> dict[str, Callable[..., None]]:
    demo = sub.add_parser(
        "demo", help=_("Synthetic positions, quotas and officials for every unit of a province.")
    )
    demo.add_argument("--province", required=True, help=_("Province name or code."))
    demo.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=1, help=_("Random seed."))
    demo.add_argument("--as-of", help=_("Date (dd/mm/yyyy or YYYY-MM-DD); default today."))
    demo.add_argument("--format", choices=["text", "json"], default="text")

    officials = sub.add_parser("officials", help=_("The officials of a unit (numbers masked)."))
    officials.add_argument("--unit", required=True, help=_("Unit code or name."))
    officials.add_argument("--as-of", help=_("Date (dd/mm/yyyy or YYYY-MM-DD); default today."))
    officials.add_argument("--format", choices=["text", "json"], default="text")

    imports = sub.add_parser("import", help=_("Import positions and staff from an Excel file."))
    imports.add_argument("file", help=_("The .xlsx file (template: docs/staffing-import.md)."))
    imports.add_argument(
        "--dry-run", action="store_true", help=_("Check the file and write nothing.")
    )
    template = sub.add_parser("import-template", help=_("Write the Excel template to fill in."))
    template.add_argument("--output", required=True, help=_("The .xlsx file to write."))

    link = sub.add_parser(
        "link-user", help=_("Link an official to their own user account (or undo it).")
    )
    link.add_argument(
        "--official", required=True, type=bounded_int(1, 2**63 - 1), help=_("The official's id.")
    )
    link.add_argument("--user", required=True, help=_("The account's user name."))
    link.add_argument("--unlink", action="store_true", help=_("Undo the link instead."))
    return {
        "demo": _demo,
        "officials": _officials,
        "import": _import,
        "import-template": _template,
        "link-user": _link_user,
    }


def _link_user(command: Any, *, official: int, user: str, unlink: bool, **options: Any) -> None:
    if not unlink:
        linked = user_link.official_link_user(actor=None, official_id=official, username=user)
        command.stdout.write(
            _("%(name)s (#%(id)s) is linked to the account '%(username)s'.")
            % {
                "name": linked.full_name,
                "id": linked.pk,
                "username": user_link.account_name(linked),
            }
        )
        return
    current = Official.objects.filter(pk=official).select_related("user").first()
    if current is not None and current.user is not None and current.user.get_username() != user:
        # Undo only the link the operator names: a typo must not unlink someone else.
        raise CommandError(
            _("Official %(id)s is linked to the account '%(username)s', not '%(given)s'.")
            % {"id": official, "username": current.user.get_username(), "given": user[:150]}
        )
    unlinked = user_link.official_unlink_user(actor=None, official_id=official)
    command.stdout.write(
        _("%(name)s (#%(id)s) is linked to no account.")
        % {"name": unlinked.full_name, "id": official}
    )


def _template(command: Any, *, output: str, **options: Any) -> None:
    write_output(output, excel.write_template())
    command.stdout.write(_("Template written to %(path)s.") % {"path": output})


def _demo(command: Any, *, province: str, seed: int, as_of: str | None, **options: Any) -> None:
    day = parse_day(as_of) or timezone.localdate()
    result = synthetic.demo(province=province, seed=seed, day=day)
    if options.get("format") == "json":
        command.stdout.write(to_json(result.as_dict()))
        return
    command.stdout.write(
        _(
            "SYNTHETIC DATA (not real people): %(officials)s officials, %(positions)s positions "
            "(%(seats)s seats), %(quotas)s quotas, %(assignments)s assignments, %(trainings)s "
            "courses in %(units)s units on %(day)s (seed %(seed)s)."
        )
        % {
            "officials": result.officials,
            "positions": result.positions,
            "seats": result.seats,
            "quotas": result.quotas,
            "assignments": result.assignments,
            "trainings": result.trainings,
            "units": result.units,
            "day": day_text(day),
            "seed": seed,
        }
    )


def _officials(command: Any, *, unit: str, as_of: str | None, **options: Any) -> None:
    day = parse_day(as_of) or timezone.localdate()
    version = registry.resolve(unit, day=day)
    # A commune or ward employs no one itself: its officials work for the agencies serving it
    # (people's committee, party committee, ...), so the commune's code lists theirs too.
    unit_ids = [version.unit_id]
    if is_administrative(version.kind):
        unit_ids += list(
            registry.versions_on(day)
            .filter(admin_unit_id=version.unit_id)
            .exclude(unit_id=version.unit_id)
            .values_list("unit_id", flat=True)
        )
    codes = dict(
        registry.versions_on(day).filter(unit_id__in=unit_ids).values_list("unit_id", "code")
    )
    listed = []
    for unit_id in unit_ids:
        for official in selectors.officials_of_unit(user=None, unit_id=unit_id, day=day):
            row = selectors.official_row(None, official, manages=False)
            listed.append({**row, "unit": codes.get(unit_id, "")})
    if options.get("format") == "json":
        command.stdout.write(to_json({"unit": version.code, "day": day, "officials": listed}))
        return
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    r["full_name"],
                    r["unit"],
                    r["national_id"],
                    r["category_label"],
                    r["rank"],
                )
                for r in listed
            ],
            [_("id"), _("full name"), _("unit"), _("identity number"), _("category"), _("rank")],
        )
    )


def _import(command: Any, *, file: str, dry_run: bool, **options: Any) -> None:
    content, name = read_path(file)
    report = excel.staff_import(actor=None, content=content, filename=name, dry_run=dry_run)
    command.stdout.write(
        (_("Checked, nothing written: %(summary)s") if dry_run else _("Imported: %(summary)s"))
        % {"summary": report.summary()}
    )
