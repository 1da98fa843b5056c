"""`tinhgon integrity discipline --unit CODE [--status S] [--format json]`: the discipline
proceedings of the officials a unit employs (itself and every unit serving it), newest first.
Operator-level, as the other integrity commands: the command line reads every unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from tinhgon.core.commands import day_text, table, to_json
from tinhgon.integrity import discipline
from tinhgon.integrity.cli_cases import unit_by_code
from tinhgon.integrity.models import ProceedingStatus
from tinhgon.staffing.models import Measure

ROW_LIMIT = 10000


def add(sub: Any) -> dict[str, Callable[..., None]]:
    listed = sub.add_parser(
        "discipline", help=_("The discipline proceedings of the officials of a unit.")
    )
    listed.add_argument("--unit", required=True, help=_("the unit's code (or name)"))
    listed.add_argument("--status", choices=ProceedingStatus.values, default=None)
    listed.add_argument("--format", choices=["table", "json"], default="table")
    return {"discipline": discipline_command}


def proceeding_rows(unit_id: int, *, status: str | None) -> list[dict[str, Any]]:
    found = discipline.unit_proceedings(unit_id)
    if status:
        found = found.filter(status=status)
    rows = []
    for p in found.order_by("-opened_at", "-id")[:ROW_LIMIT]:
        measure = p.measure
        rows.append(
            {
                "id": p.pk,
                "official_id": p.official_id,
                "official": p.official.full_name,
                "unit_id": p.unit_id,
                "status": p.status,
                "proposed_measure": p.proposed_measure,
                "case_id": p.case_id,
                "finding_id": p.finding_id,
                "opened_at": p.opened_at.isoformat(),
                "due_on": discipline.due_on(p).isoformat(),
                "measure": measure.measure if measure else None,
                "decision": measure.decision if measure else None,
                "decided_on": measure.decided_on.isoformat() if measure else None,
                "legal_basis": measure.legal_basis if measure else None,
                "synthetic": p.synthetic,
            }
        )
    return rows


def discipline_command(
    command: Any, *, unit: str, status: str | None, format: str, **_options: Any
) -> None:
    rows = proceeding_rows(unit_by_code(unit).unit_id, status=status)
    if format == "json":
        command.stdout.write(to_json(rows))
        return
    statuses, measures = dict(ProceedingStatus.choices), dict(Measure.choices)
    command.stdout.write(
        table(
            [
                (
                    r["id"],
                    r["official"],
                    measures.get(r["measure"] or r["proposed_measure"], ""),
                    statuses.get(r["status"], r["status"]),
                    r["decision"] or "",
                    day_text(r["decided_on"] or r["due_on"]),
                )
                for r in rows
            ],
            [_("id"), _("official"), _("measure"), _("status"), _("decision"), _("date")],
        )
    )
