"""The engine's panel on the home page: plans waiting (drafts, approved ones with the date they
take effect) and what they wait for, for the administrators who handle them. Registered into
reports.dashboard by ReorgConfig.ready(): reports may not import the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tinhgon.core.panels import Panel
from tinhgon.reorg.access import administered_provinces, visible_plans
from tinhgon.reorg.models import Plan
from tinhgon.units.access import Scope


def plans_panel(user: Any, scope: Scope, today: dt.date) -> Panel | None:
    if administered_provinces(user) == set():
        return None  # only administrators handle plans
    waiting = [
        p
        for p in visible_plans(user)
        if p.status in (Plan.Status.DRAFT, Plan.Status.APPROVED, Plan.Status.APPLYING)
    ]
    warnings = []
    for plan in waiting:
        pending = sum(
            len(ids) for ids in ((plan.preview or {}).get("needs_decision") or {}).values()
        )
        if pending:
            warnings.append(
                _("Plan “%(title)s” waits for %(count)s decisions before it can be applied.")
                % {"title": plan.title, "count": pending}
            )
        if plan.status == Plan.Status.APPROVED and plan.effective_date <= today:
            warnings.append(
                _(
                    "Plan “%(title)s” took effect on %(day)s and is not applied yet: the scheduled job applies it, or apply it from its page."
                )
                % {
                    "title": plan.title,
                    "day": date_format(plan.effective_date, "SHORT_DATE_FORMAT"),
                }
            )
    return Panel(
        title=_("Plans waiting"),
        template="dashboard/plans.html",
        context={
            "drafts": [p for p in waiting if p.status == Plan.Status.DRAFT],
            "approved": [p for p in waiting if p.status != Plan.Status.DRAFT],
        },
        warnings=warnings,
        order=10,
    )


def plan_titles(plan_ids: set[int]) -> dict[int, str]:
    """Titles of plans by id, for the lineage of the unit pages."""
    return dict(Plan.objects.filter(pk__in=plan_ids).values_list("pk", "title"))
