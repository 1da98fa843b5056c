"""The tasks' panel of the home page: my units' open tasks, those overdue or due soon, and the
reminders the scheduled job sent about them.

`tinhgon.reports.dashboard` draws the panels registered with its `register_panel`; coordination
sits below reports and may not import it, so `tasks_panel` returns an object of the same shape as
`reports.dashboard.Panel` (title, template, context, warnings, order), and the reports app
registers it from its `ready()`:

    from tinhgon.coordination.dashboard import tasks_panel
    register_panel(tasks_panel)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tinhgon.accounts.access import memberships_in_force
from tinhgon.coordination import jobs, selectors
from tinhgon.coordination.models import OPEN_TASK

SHOWN = 8


@dataclass
class TasksPanel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    order: int = 30


def tasks_panel(user: Any, scope: Any, today: dt.date) -> TasksPanel | None:
    """None for a reader whose units lead no open task."""
    unit_ids = list(memberships_in_force(user, today).values_list("unit_id", flat=True))
    if not unit_ids:
        return None
    tasks = selectors.visible_tasks(user, day=today).filter(
        unit_id__in=unit_ids, status__in=OPEN_TASK
    )
    total = tasks.count()
    if not total:
        return None
    overdue = selectors.overdue(tasks, today=today).count()
    warnings = []
    if overdue:
        warnings.append(
            _("%(count)s tasks of your unit are overdue without a report.") % {"count": overdue}
        )
    return TasksPanel(
        title=_("Tasks of my unit"),
        template="coordination/tasks/_panel.html",
        context={
            "open": total,
            "overdue": overdue,
            "tasks": list(selectors.annotated(tasks, today=today)[:SHOWN]),
            "reminders": jobs.recent(unit_ids, today=today),
        },
        warnings=warnings,
    )
