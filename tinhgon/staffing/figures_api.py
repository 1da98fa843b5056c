"""Staffing API: figures (quota, filled, vacant, surplus; leaders; evaluations; gaps)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from tinhgon.core.schemas import Day, SearchText
from tinhgon.staffing import figures

router = Router(tags=["staff"])


@router.get("", summary="Staffing figures of a unit and its subtree as of a date")
def figures_read(request: HttpRequest, unit: SearchText, as_of: Day | None = None) -> dict:
    """`unit`: a code or name in the caller's scope. `surplus` is filled - quota (negative: a
    shortage); `vacant` is quota - filled when positive. A province lists its communes, the
    largest shortage first. Gaps name officials, never their identity numbers."""
    day = as_of or timezone.localdate()
    version = figures.resolve_unit(request.user, unit, day)
    return figures.for_reader(request.user, figures.unit_figures(day, version.unit_id))
