"""`tinhgon integrity` subcommands of inspections (see management/commands/integrity.py).

- `tinhgon integrity inspections --unit CODE [--open] [--format table|json]`: the inspections a
  unit conducts or is the subject of, latest decision first; JSON rows carry at least id, kind,
  status, title, inspecting_unit, subject_unit (codes), decided_on, recommendations_open,
  recommendations_overdue.
- `tinhgon integrity recommendations --unit CODE [--open] [--format table|json]`: the
  recommendations a unit must implement, soonest due first.
Operator-level: the command line reads every unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.commands import day_text, table, to_json
from tinhgon.integrity import inspections_selectors as read
from tinhgon.integrity.cli_cases import unit_by_code
from tinhgon.integrity.models import (
    OPEN_INSPECTION,
    OPEN_RECOMMENDATION,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
)


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listed = sub.add_parser(
        "inspections", help=_("The inspections a unit conducts or is the subject of.")
    )
    listed.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    listed.add_argument("--open", action="store_true", help=_("only inspections not concluded"))
    listed.add_argument("--format", choices=["table", "json"], default="table")
    owed = sub.add_parser("recommendations", help=_("The recommendations a unit must implement."))
    owed.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    owed.add_argument("--open", action="store_true", help=_("only open recommendations"))
    owed.add_argument("--format", choices=["table", "json"], default="table")
    return {"inspections": inspections_command, "recommendations": recommendations_command}


def inspection_rows(unit_id: int, *, open_only: bool) -> list[dict[str, Any]]:
    found = Inspection.objects.filter(Q(inspecting_unit_id=unit_id) | Q(subject_unit_id=unit_id))
    if open_only:
        found = found.filter(status__in=OPEN_INSPECTION)
    rows = read.inspection_rows(found, today=timezone.localdate())
    for row in rows:
        for key in ("decided_on", "period_from", "period_to", "concluded_on"):
            row[key] = row[key].isoformat() if row[key] else None
    return rows


def recommendation_rows(unit_id: int, *, open_only: bool) -> list[dict[str, Any]]:
    found = Recommendation.objects.filter(unit_id=unit_id)
    if open_only:
        found = found.filter(status__in=OPEN_RECOMMENDATION)
    rows = read.recommendation_rows(found, today=timezone.localdate())
    for row in rows:
        for key in ("due", "implemented_on"):
            row[key] = row[key].isoformat() if row[key] else None
    return rows


def inspections_command(
    command: Any, *, unit: str, open: bool, format: str, **_options: Any
) -> None:
    rows = inspection_rows(unit_by_code(unit).unit_id, open_only=open)
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    kinds, statuses = dict(InspectionKind.choices), dict(InspectionStatus.choices)
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    kinds.get(r["kind"], r["kind"]),
                    statuses.get(r["status"], r["status"]),
                    r["title"][:60],
                    r["inspecting_unit"],
                    r["subject_unit"],
                    day_text(r["decided_on"]),
                    f"{r['recommendations_open']} ({r['recommendations_overdue']} !)",
                )
                for r in rows
            ],
            [
                _("id"),
                _("kind"),
                _("status"),
                _("title"),
                _("inspecting unit"),
                _("subject unit"),
                _("decided on"),
                _("open recommendations (overdue)"),
            ],
        )
    )


def recommendations_command(
    command: Any, *, unit: str, open: bool, format: str, **_options: Any
) -> None:
    rows = recommendation_rows(unit_by_code(unit).unit_id, open_only=open)
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    statuses = dict(RecommendationStatus.choices)
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    r["inspection_id"],
                    str(statuses.get(r["status"], r["status"])) + (" !" if r["overdue"] else ""),
                    day_text(r["due"]),
                    r["text"][:60],
                )
                for r in rows
            ],
            [_("id"), _("inspection"), _("status"), _("due"), _("recommendation")],
        )
    )
