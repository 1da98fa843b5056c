from django.core.management.base import BaseCommand

from tinhgon.core.commands import domain_errors_as_command_errors, parse_day
from tinhgon.units import selectors
from tinhgon.units.national import REFORM_DAY
from tinhgon.units.template import OPTIONAL_DEPARTMENTS, apparatus_generate


class Command(BaseCommand):
    help = (
        "Create the standard post-2025 apparatus of a province and its communes (party committee, "
        "people's council and committee, departments, commune offices), marked as generated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Province name or code.")
        parser.add_argument("--as-of", help=f"Date the units open (default {REFORM_DAY}).")
        parser.add_argument(
            "--extra",
            action="append",
            choices=sorted(OPTIONAL_DEPARTMENTS),
            default=[],
            help="An optional department the province has (repeatable).",
        )

    @domain_errors_as_command_errors
    def handle(self, *args, province, as_of, extra, **options):
        day = parse_day(as_of) or REFORM_DAY
        version = selectors.resolve_province(province, day=day)
        created = apparatus_generate(actor=None, province_id=version.unit_id, day=day, extras=extra)
        self.stdout.write(f"{version.name}: {created} units generated from the template.")
