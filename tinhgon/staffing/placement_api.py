"""Staffing API: placement (under /api/staff/placement). The same services as the pages and
`tinhgon staff place`; every run is read and written only by those who write in all its units."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tinhgon.accounts.access import scopes_cached
from tinhgon.core.errors import DomainError
from tinhgon.core.schemas import PRINTABLE_REGEX, BodyId, Day
from tinhgon.staffing import placement
from tinhgon.staffing.cli_placement import summary
from tinhgon.staffing.placement_views import load_run, units_for_writing

router = Router(tags=["staff"])


class StartIn(Schema):
    plan: BodyId | None = Field(None, description="an applied plan: every unit it formed")
    unit_ids: list[BodyId] = Field(default_factory=list, max_length=5000)
    effective: Day | None = Field(None, description="with unit_ids (default: today)")


class PlacementOut(Schema):
    run: int
    state: str
    plan: int | None
    units: list[int]
    effective: str
    placed: int
    unplaced: int
    cost: int | None
    greedy_cost: int | None
    greedy_placed: int | None
    solve_s: float
    placements: list[dict[str, Any]]
    unplaced_officials: list[dict[str, Any]]


class OverrideIn(Schema):
    official_id: BodyId
    position_id: BodyId | None = Field(None, description="null: leave the official unplaced")
    reason: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=300)] = ""


class ApprovedOut(PlacementOut):
    assignments_written: int


@router.post(
    "",
    response={201: PlacementOut},
    summary="Place the officials arriving at units (or at every unit of an applied plan): a draft",
)
def placement_start(request: HttpRequest, payload: StartIn) -> Status:
    if bool(payload.plan) == bool(payload.unit_ids):
        raise DomainError(_("Give either plan or unit_ids."), code="invalid")
    with scopes_cached():
        if payload.plan:
            units, effective = placement.plan_units(payload.plan)
        else:
            units, effective = payload.unit_ids, payload.effective or timezone.localdate()
        units_for_writing(request.user, units, effective)
        run = placement.placement_start(
            actor=request.user, unit_ids=units, effective=effective, plan_ref=payload.plan
        )
    return Status(201, summary(run))


@router.get("/{run_id}", response=PlacementOut, summary="One placement: placed and unplaced")
def placement_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    with scopes_cached():
        return summary(load_run(request.user, run_id))


@router.post(
    "/{run_id}/override",
    response=PlacementOut,
    summary="Move one official to another seat, or leave them unplaced (hard constraints kept)",
)
def placement_override(request: HttpRequest, run_id: int, payload: OverrideIn) -> dict[str, Any]:
    with scopes_cached():
        run = load_run(request.user, run_id)
        placement.placement_override(
            actor=request.user,
            run_id=run.pk,
            official_id=payload.official_id,
            position_id=payload.position_id,
            reason=payload.reason,
        )
    run.refresh_from_db()
    return summary(run)


@router.post(
    "/{run_id}/approve",
    response=ApprovedOut,
    summary="Write the placement's assignments (once: a second approval is refused, 409)",
)
def placement_approve(request: HttpRequest, run_id: int) -> dict[str, Any]:
    with scopes_cached():
        run = load_run(request.user, run_id)
        written = placement.placement_approve(actor=request.user, run_id=run.pk)
    run.refresh_from_db()
    return summary(run) | {"assignments_written": written}
