"""Integrity API: the figures of a scope (/api/integrity/figures). Counts only; the reader's
scope is checked by figures.resolve_scope and applied to every count (figures.figures)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tinhgon.core.schemas import Day, SearchText
from tinhgon.integrity import figures

router = Router(tags=["integrity"])


@router.get("", summary="Cases, inspections and recommendations of a unit or a province")
def figures_read(
    request: HttpRequest,
    unit: SearchText | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    as_of: Day | None = None,
) -> dict:
    """`unit`: a code or name in your scope (a province: the whole province); without it, your
    own unit when you have one. Cases received from `date_from` to `date_to` (default: 1 January
    to `as_of`), as of `as_of` (default: today). Shares are fractions from 0 to 1 (null: nothing
    to count). Never an author nor a person's name: counts."""
    period = figures.period(date_from, date_to, as_of)
    scope = figures.resolve_scope(request.user, unit)
    return figures.figures(request.user, scope, period)
