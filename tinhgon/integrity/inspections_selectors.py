"""Reads of inspections with their rules (the writes are in inspections.py).

Who reads an inspection: those whose scope covers its inspecting unit; and, once it is decided
(the decision is notified to the unit inspected), those whose scope covers its subject unit.
Who reads a recommendation: those who read its inspection, and those whose scope covers the unit
that must implement it (once the inspection is decided).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import records_filter, scope_for
from tinhgon.core.errors import NotFound
from tinhgon.integrity.models import (
    OPEN_INSPECTION,
    OPEN_RECOMMENDATION,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Recommendation,
    SampleVerdict,
    Severity,
)
from tinhgon.units.models import UnitVersion


def visible_inspections(user, *, day: dt.date | None = None) -> QuerySet[Inspection]:  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    scope = scope_for(user)
    if scope.everything:
        return Inspection.objects.all()
    inspecting = records_filter(scope, day, unit_field="inspecting_unit")
    inspected = records_filter(
        scope, day, unit_field="subject_unit", province_field="subject_province"
    ) & ~Q(status=InspectionStatus.PLANNED)
    return Inspection.objects.filter(inspecting | inspected)


def readable_inspection(user, inspection_id: int) -> Inspection:  # type: ignore[no-untyped-def]
    found = visible_inspections(user).filter(pk=inspection_id).first()
    if found is None:
        raise NotFound(
            _("Inspection %(id)s does not exist or is not in your scope.") % {"id": inspection_id}
        )
    return found


def visible_plans(user, *, day: dt.date | None = None) -> QuerySet[InspectionPlan]:  # type: ignore[no-untyped-def]
    """The plans of the provinces the user reads at the provincial level."""
    day = day or timezone.localdate()
    scope = scope_for(user)
    return InspectionPlan.objects.filter(
        records_filter(scope, day, unit_field="province", province_field="province")
    )


def visible_recommendations(user, *, day: dt.date | None = None) -> QuerySet[Recommendation]:  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    scope = scope_for(user)
    if scope.everything:
        return Recommendation.objects.all()
    readable = visible_inspections(user, day=day).values("pk")
    answering = records_filter(scope, day, unit_field="unit", province_field="province") & ~Q(
        inspection__status=InspectionStatus.PLANNED
    )
    return Recommendation.objects.filter(Q(inspection__in=readable) | answering)


def readable_recommendation(user, recommendation_id: int) -> Recommendation:  # type: ignore[no-untyped-def]
    found = visible_recommendations(user).filter(pk=recommendation_id).first()
    if found is None:
        raise NotFound(
            _("Recommendation %(id)s does not exist or is not in your scope.")
            % {"id": recommendation_id}
        )
    return found


def is_overdue(recommendation: Recommendation, today: dt.date) -> bool:
    """Open, not reported implemented, and past its due date."""
    return (
        recommendation.status in OPEN_RECOMMENDATION
        and recommendation.implemented_on is None
        and recommendation.due < today
    )


def with_counts(found: QuerySet[Inspection], today: dt.date) -> QuerySet[Inspection]:
    """Inspections annotated with their open and overdue recommendations (one query)."""
    open_q = Q(recommendations__status__in=OPEN_RECOMMENDATION)
    return found.annotate(
        recommendations_open=Count("recommendations", filter=open_q),
        recommendations_overdue=Count(
            "recommendations",
            filter=open_q
            & Q(recommendations__implemented_on__isnull=True, recommendations__due__lt=today),
        ),
    )


def codes(unit_ids: set[int]) -> dict[int, str]:
    """Each unit's code (its latest version's: a closed unit keeps its last code)."""
    return _latest(unit_ids, "code")


def names(unit_ids: set[int]) -> dict[int, str]:
    return _latest(unit_ids, "name")


def _latest(unit_ids: set[int], field: str) -> dict[int, str]:
    found = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-valid_from")
        .values_list("unit_id", field)
    )
    out: dict[int, str] = {}
    for unit_id, value in found:
        out.setdefault(unit_id, value)
    return out


def inspection_rows(found: QuerySet[Inspection], *, today: dt.date) -> list[dict[str, Any]]:
    """The list's rows (API, command line): codes instead of ids, counts of recommendations."""
    rows = list(with_counts(found, today).order_by("-decided_on", "-id"))
    units = codes({i.inspecting_unit_id for i in rows} | {i.subject_unit_id for i in rows})
    return [
        {
            "id": i.pk,
            "kind": i.kind,
            "status": i.status,
            "title": i.title,
            "inspecting_unit": units.get(i.inspecting_unit_id, str(i.inspecting_unit_id)),
            "inspecting_unit_id": i.inspecting_unit_id,
            "subject_unit_id": i.subject_unit_id,
            "subject_unit": units.get(i.subject_unit_id, str(i.subject_unit_id)),
            "plan_id": i.plan_id,
            "decision_number": i.decision_number,
            "decided_on": i.decided_on,
            "period_from": i.period_from,
            "period_to": i.period_to,
            "concluded_on": i.concluded_on,
            "recommendations_open": i.recommendations_open,  # type: ignore[attr-defined]
            "recommendations_overdue": i.recommendations_overdue,  # type: ignore[attr-defined]
            "synthetic": i.synthetic,
        }
        for i in rows
    ]


def recommendation_rows(found: QuerySet[Recommendation], *, today: dt.date) -> list[dict[str, Any]]:
    rows = list(found.order_by("due", "id"))
    units = codes(
        {r.unit_id for r in rows} | {r.escalated_to_id for r in rows if r.escalated_to_id}
    )
    return [
        {
            "id": r.pk,
            "inspection_id": r.inspection_id,
            "text": r.text,
            "unit": units.get(r.unit_id, str(r.unit_id)),
            "unit_id": r.unit_id,
            "due": r.due,
            "status": r.status,
            "reported": r.implemented_on is not None and r.status in OPEN_RECOMMENDATION,
            "implemented_on": r.implemented_on,
            "evidence": r.evidence,
            "overdue": is_overdue(r, today),
            "escalated_to": units.get(r.escalated_to_id) if r.escalated_to_id else None,
            "version": r.version,
        }
        for r in rows
    ]


def summary(inspection: Inspection) -> dict[str, Any]:
    """Findings by severity, sampled dossiers by verdict (the irregular ones counted), and
    recommendations by status."""
    severities = dict(
        inspection.findings.values("severity").annotate(n=Count("id")).values_list("severity", "n")
    )
    verdicts = dict(
        inspection.samples.values("verdict").annotate(n=Count("id")).values_list("verdict", "n")
    )
    statuses = dict(
        inspection.recommendations.values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "findings": {s: severities.get(s, 0) for s in Severity.values},
        "sampled": sum(verdicts.values()),
        "samples": {v: verdicts.get(v, 0) for v in SampleVerdict.values},
        "irregular": verdicts.get(SampleVerdict.IRREGULAR, 0),
        "recommendations": statuses,
    }


def open_inspections() -> QuerySet[Inspection]:
    return Inspection.objects.filter(status__in=OPEN_INSPECTION)
