"""The tasks' panel of the home page: my units' open tasks, those overdue or due soon, and the
reminders the scheduled job sent about them.

Registered from `CoordinationConfig.ready()` in `core.panels`, which the home page draws.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from tinhgon.accounts.access import memberships_in_force
from tinhgon.coordination import jobs, selectors
from tinhgon.coordination.models import OPEN_TASK
from tinhgon.core.panels import Panel

SHOWN = 8


def tasks_panel(user: Any, scope: Any, today: dt.date) -> Panel | None:
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
    return Panel(
        title=_("Tasks of my unit"),
        template="coordination/tasks/_panel.html",
        context={
            "open": total,
            "overdue": overdue,
            "tasks": list(selectors.annotated(tasks, today=today)[:SHOWN]),
            "reminders": jobs.recent(unit_ids, today=today),
        },
        warnings=warnings,
        order=30,
    )
