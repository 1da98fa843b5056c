from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    day_text,
    domain_errors_as_command_errors,
    parse_day,
    to_json,
)
from tinhgon.units import selectors


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Where a unit came from and what it became. A legacy name or code finds today's units: "
        "`tinhgon lineage 'Xã Chiềng Xôm' --province 'Sơn La'`."
    )

    def add_arguments(self, parser):
        parser.add_argument("name_or_code")
        parser.add_argument("--province", help=_("Province name or code, to narrow the search."))
        parser.add_argument("--as-of", help=_("Prefer the unit open on this date (default today)."))
        parser.add_argument("--format", choices=["table", "json"], default="table")

    @domain_errors_as_command_errors
    def handle(self, *args, name_or_code, province, as_of, format, **options):
        version = selectors.resolve_any_time(name_or_code, day=parse_day(as_of), province=province)
        summary = selectors.lineage_summary(version.unit_id)
        if format == "json":
            self.stdout.write(to_json(summary))
            return
        unit = summary["unit"]
        self.stdout.write(
            f"{unit['name']} ({unit['code']}), "
            f"{day_text(unit['valid_from']) or '…'} – {day_text(unit['valid_to'])}"
        )
        # The same events as the unit's page: every unit of an event, with its parent then.
        events = selectors.lineage_events(version.unit_id)
        for title, key in ((_("Came from"), "before"), (_("Became"), "after")):
            self.stdout.write(f"\n{title}:")
            if not events[key]:
                self.stdout.write("  —")
            for event in events[key]:
                what = " · ".join(filter(None, [event.event_label, event.plan_title]))
                self.stdout.write(f"  {day_text(event.day)}  {what}")
                olds = " + ".join(_unit(u) for u in event.predecessors)
                self.stdout.write(f"    {olds} → {_unit(event.successor)}")


def _unit(unit: selectors.EventUnit) -> str:
    where = ", ".join(filter(None, [unit.code, unit.parent_name]))
    part = f" [{_('part')}]" if unit.part else ""
    return f"{unit.name} ({where}){part}"
