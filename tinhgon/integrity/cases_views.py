"""Pages of cases (under /integrity/): the inbox of the cases one may read, soonest due first,
and a case's page. Read-only in this increment (the moves are in the API). The author's name and
contact appear on the case page for the handler only (`cases.author_for`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal
from tinhgon.integrity import cases
from tinhgon.integrity.models import OPEN_CASE
from tinhgon.units.models import UnitVersion

PAGE_SIZE = 200


def _names(unit_ids: set[int]) -> dict[int, str]:
    found = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-valid_from")
        .values_list("unit_id", "name")
    )
    names: dict[int, str] = {}
    for unit_id, name in found:
        names.setdefault(unit_id, name)
    return names


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("state", "open") == "open"
    found = cases.visible_cases(request.user)
    if open_only:
        found = found.filter(status__in=OPEN_CASE)
    rows = list(found.order_by("due", "id")[:PAGE_SIZE])
    names = _names({c.unit_id for c in rows} | {c.handler_unit_id for c in rows})
    now = timezone.now()
    return render(
        request,
        "integrity/cases/inbox.html",
        {
            "rows": [
                {
                    "case": c,
                    "unit": names.get(c.unit_id, ""),
                    "handler": names.get(c.handler_unit_id, ""),
                    "overdue": c.status in OPEN_CASE and c.due < now,
                }
                for c in rows
            ],
            "open_only": open_only,
        },
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = cases.readable_case(request.user, case_id)
    except DomainError as error:
        return render_refusal(request, error)
    names = _names({case.unit_id, case.handler_unit_id})
    return render(
        request,
        "integrity/cases/case.html",
        {
            "case": case,
            "unit": names.get(case.unit_id, ""),
            "handler": names.get(case.handler_unit_id, ""),
            "author": cases.author_for(request.user, case),
            "is_handler": cases.is_handler(request.user, case),
            "events": list(case.events.select_related("actor").order_by("id")),
        },
    )
