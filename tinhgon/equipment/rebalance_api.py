"""Equipment API: rebalancing runs (/api/equipment/rebalance). Thin: the scope is checked by
rebalance.py (a province's readers read its runs, its managers propose and approve), which the
pages and the command line share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tinhgon.core.schemas import BodyId, Day, Id, QueryId
from tinhgon.equipment import rebalance
from tinhgon.equipment.rebalance_models import RebalanceRun

router = Router(tags=["equipment"])
MAX_RUNS = 50


class ProposeIn(Schema):
    province_id: BodyId
    day: Day | None = None
    max_km: int | None = Field(None, ge=1, le=rebalance.MAX_KM_LIMIT)


class ApproveIn(Schema):
    version: int | None = Field(None, ge=0, le=2**31)


@router.get("", summary="The rebalancing runs of a province, the latest first")
def run_list(request: HttpRequest, province_id: QueryId) -> list[dict[str, Any]]:
    province = rebalance.province_version(request.user, province_id)
    runs = RebalanceRun.objects.filter(province_id=province.unit_id).order_by("-pk")[:MAX_RUNS]
    return [
        {
            "run": run.pk,
            "day": run.day.isoformat(),
            "status": run.status,
            "gaps_before": run.gaps_before.get("total", 0),
            "gaps_after": run.gaps_after.get("total", 0),
            "cost": run.cost,
        }
        for run in runs
    ]


@router.post(
    "",
    response={201: dict[str, Any]},
    summary="Propose transfers for a province (a manager of the province)",
)
def run_propose(request: HttpRequest, payload: ProposeIn) -> Status:
    run = rebalance.rebalance_propose(
        actor=request.user, province_id=payload.province_id, day=payload.day, max_km=payload.max_km
    )
    return Status(201, rebalance.run_data(run))


@router.get("/{run_id}", summary="A run: its transfers, gaps before and after, purchases")
def run_read(request: HttpRequest, run_id: Id) -> dict[str, Any]:
    return rebalance.run_data(rebalance.access_run(request.user, run_id))


@router.post("/{run_id}/approve", summary="Approve a run: the inventory moves (once)")
def run_approve(request: HttpRequest, run_id: Id, payload: ApproveIn) -> dict[str, Any]:
    run = rebalance.rebalance_approve(actor=request.user, run_id=run_id, version=payload.version)
    return rebalance.run_data(run)
