"""`tinhgon coord` subcommands: obstacles (see management/commands/coord.py).

- `tinhgon coord obstacles --province NAME [--open] [--format json]`;
- `tinhgon coord obstacle-routes --province NAME [--seed-defaults]`: the routes by category
  (with --seed-defaults, the default routes to the standard bodies first);
- `tinhgon coord obstacles-escalate`: the scheduled job's part, run once now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.coordination import figures, obstacles
from tinhgon.coordination.models import Obstacle, ObstacleCategory, ObstacleRoute
from tinhgon.coordination.reports import unit_names
from tinhgon.core.commands import table, to_json

MAX_LIST = 10_000


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listing = sub.add_parser("obstacles", help=_("The obstacles raised in a province."))
    listing.add_argument("--province", required=True, help=_("Name or code"))
    listing.add_argument("--open", action="store_true", help=_("Only those not answered yet"))
    listing.add_argument("--format", choices=["table", "json"], default="table")
    routes = sub.add_parser("obstacle-routes", help=_("Which body answers each category."))
    routes.add_argument("--province", required=True, help=_("Name or code"))
    routes.add_argument(
        "--seed-defaults", action="store_true", help=_("Route to the standard bodies first")
    )
    routes.add_argument("--format", choices=["table", "json"], default="table")
    sub.add_parser("obstacles-escalate", help=_("Remind and escalate late obstacles now."))
    return {
        "obstacles": list_command,
        "obstacle-routes": routes_command,
        "obstacles-escalate": escalate_command,
    }


def list_command(command: Any, *, province: str, open: bool, format: str, **_options: Any) -> None:
    version = figures.province_for(None, province)
    found = Obstacle.objects.filter(province_id=version.unit_id)
    if open:
        found = found.filter(status__in=obstacles.OPEN)
    rows = list(found.order_by("due", "pk")[:MAX_LIST])
    names = unit_names(
        {o.unit_id for o in rows} | {o.responsible_id for o in rows}, timezone.localdate()
    )
    data = [
        {
            "id": o.pk,
            "unit": names[o.unit_id][0],
            "category": o.category,
            "subject": o.subject,
            "responsible": names[o.responsible_id][0],
            "due": o.due.isoformat(),
            "status": o.status,
            "published": o.published,
        }
        for o in rows
    ]
    if format == "json":
        command.stdout.write(to_json(data))
        return
    keys = ["id", "unit", "category", "responsible", "due", "status", "subject"]
    command.stdout.write(table([[row[k] for k in keys] for row in data], keys))


def routes_command(
    command: Any, *, province: str, seed_defaults: bool, format: str, **_options: Any
) -> None:
    version = figures.province_for(None, province)
    if seed_defaults:
        obstacles.routes_seed_defaults(actor=None, province_id=version.unit_id)
    today = timezone.localdate()
    data = []
    for category in ObstacleCategory.values:
        body, days = obstacles.route_for(version.unit_id, category, today)
        code, name = unit_names([body], today)[body]
        stored = ObstacleRoute.objects.filter(
            province_id=version.unit_id, category=category
        ).exists()
        data.append(
            {
                "category": category,
                "body": code,
                "body_name": name,
                "answer_days": days,
                "fallback": not stored,
            }
        )
    if format == "json":
        command.stdout.write(to_json(data))
        return
    keys = ["category", "body", "body_name", "answer_days", "fallback"]
    command.stdout.write(table([[row[k] for k in keys] for row in data], keys))


def escalate_command(command: Any, **_options: Any) -> None:
    command.stdout.write(to_json(obstacles.obstacles_remind_and_escalate()))
