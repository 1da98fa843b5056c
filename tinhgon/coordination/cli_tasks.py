"""`tinhgon coord` subcommands of directives and tasks (see management/commands/coord.py).

- `tinhgon coord tasks --unit CODE [--open] [--format json]`: a unit's tasks as lead unit, open
  first (operator-level: the command line reads every unit);
- `tinhgon coord demo --province NAME [--seed S]`: the labelled synthetic set (demo.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.coordination import demo, selectors
from tinhgon.coordination.models import TaskStatus
from tinhgon.core.commands import MAX_SEED, bounded_int, day_text, table, to_json
from tinhgon.core.errors import NotFound
from tinhgon.units import selectors as units


def add(sub: Any) -> dict[str, Callable[..., None]]:
    tasks = sub.add_parser("tasks", help=_("A unit's tasks, open first."))
    tasks.add_argument("--unit", required=True, help=_("the lead unit's code (or name)"))
    tasks.add_argument("--open", action="store_true", help=_("only open tasks"))
    tasks.add_argument("--format", choices=["table", "json"], default="table")
    made = sub.add_parser("demo", help=_("Make a labelled synthetic set of coordination data."))
    made.add_argument("--province", required=True, help=_("the province's name or code"))
    made.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=1)
    made.add_argument("--format", choices=["text", "json"], default="text")
    return {"tasks": tasks_command, "demo": demo_command}


def _unit(code: str):  # type: ignore[no-untyped-def]
    """The unit open today with this code or name; else one that had it (a closed unit keeps
    the tasks it finished)."""
    try:
        return units.resolve(code, day=timezone.localdate(), field="unit")
    except NotFound:
        return units.resolve(code, day=None, field="unit")


def task_rows(unit_id: int, *, open_only: bool) -> list[dict[str, Any]]:
    rows = selectors.unit_tasks(None, unit_id=unit_id, open_only=open_only)
    return [
        {
            "id": task.pk,
            "directive": task.directive.number,
            "directive_id": task.directive_id,
            "title": task.title,
            "due": task.due.isoformat(),
            "status": task.status,
            "overdue": bool(task.is_overdue),  # type: ignore[attr-defined]
            "parent": task.parent_id,
            "synthetic": task.synthetic,
        }
        for task in rows
    ]


def tasks_command(command: Any, *, unit: str, open: bool, format: str, **_options: Any) -> None:
    found = _unit(unit)
    rows = [{**row, "unit": found.code} for row in task_rows(found.unit_id, open_only=open)]
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    labels = dict(TaskStatus.choices)
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    r["directive"],
                    r["title"][:60],
                    day_text(r["due"]),
                    str(labels.get(r["status"], r["status"])) + (" !" if r["overdue"] else ""),
                )
                for r in rows
            ],
            [_("id"), _("directive"), _("task"), _("deadline"), _("status")],
        )
    )


def demo_command(command: Any, *, province: str, seed: int, format: str, **_options: Any) -> None:
    made = demo.demo(province=province, seed=seed)
    if format == "json":
        command.stdout.write(to_json(made))
        return
    command.stdout.write(
        _(
            "Synthetic coordination data made in %(province)s: %(directives)s directives, %(tasks)s tasks."
        )
        % made
    )
