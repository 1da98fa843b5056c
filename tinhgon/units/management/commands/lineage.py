from django.core.management.base import BaseCommand

from tinhgon.core.commands import domain_errors_as_command_errors, parse_day, table, to_json
from tinhgon.units import selectors


class Command(BaseCommand):
    help = (
        "Where a unit came from and what it became. A legacy name or code finds today's units: "
        "`tinhgon lineage 'Xã Chiềng Xôm' --province 'Sơn La'`."
    )

    def add_arguments(self, parser):
        parser.add_argument("name_or_code")
        parser.add_argument("--province", help="Province name or code, to narrow the search.")
        parser.add_argument("--as-of", help="Prefer the unit open on this date (default today).")
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
            f"{unit['name']} ({unit['code']}), {unit['valid_from'] or '…'} – {unit['valid_to'] or ''}"
        )
        for title, key in (("Came from", "predecessors"), ("Became", "successors")):
            rows = [
                (
                    r["distance"],
                    r["code"],
                    r["name"],
                    r["event"],
                    r["effective_date"],
                    "" if r["is_default"] else "part",
                )
                for r in summary[key]
            ]
            self.stdout.write(f"\n{title}:")
            self.stdout.write(
                table(rows, ["hops", "code", "name", "event", "date", ""]) if rows else "  —"
            )
