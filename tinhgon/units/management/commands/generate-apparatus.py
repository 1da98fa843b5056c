from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tinhgon.core.commands import (
    TranslatedCommand,
    day_text,
    domain_errors_as_command_errors,
    number_text,
    parse_day,
)
from tinhgon.units import selectors
from tinhgon.units.national import REFORM_DAY
from tinhgon.units.template import OPTIONAL_DEPARTMENTS, apparatus_generate


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Create the standard post-2025 apparatus of a province and its communes (party committee, "
        "people's council and committee, departments, commune offices), marked as generated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help=_("Province name or code."))
        parser.add_argument(
            "--as-of",
            help=_("Date the units open (default %(day)s).") % {"day": day_text(REFORM_DAY)},
        )
        parser.add_argument(
            "--extra",
            action="append",
            choices=sorted(OPTIONAL_DEPARTMENTS),
            default=[],
            help=_("An optional department the province has (repeatable)."),
        )

    @domain_errors_as_command_errors
    def handle(self, *args, province, as_of, extra, **options):
        day = parse_day(as_of) or REFORM_DAY
        version = selectors.resolve_province(province, day=day)
        created = apparatus_generate(actor=None, province_id=version.unit_id, day=day, extras=extra)
        self.stdout.write(
            ngettext(
                "%(province)s: %(count)s unit generated from the template.",
                "%(province)s: %(count)s units generated from the template.",
                created,
            )
            % {"province": version.name, "count": number_text(created)}
        )
