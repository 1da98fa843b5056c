"""How report duties and obstacles follow their unit through a reorganization (declared on the
carrier contract's base; registered from CoordinationConfig.ready() through `register_all`).

- Report duties not yet accepted (waiting, submitted, returned) move in place to the unit's
  successor with their submissions. Two duties of one round that land in one unit are one duty:
  one stays (a submitted one before a waiting one, else the older), the others become "merged"
  into it (`merged_into`), keeping their submissions as history. Accepted duties stay with the
  unit that submitted them: they are its record.
- Obstacles not closed yet (open, escalated, answered) follow the unit that raised them, with
  their deadline and responsible body; closed ones stay.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When

from tinhgon.carriers.contract import Batch, Context, UnitRowsCarrier, register
from tinhgon.carriers.models import Route
from tinhgon.coordination.models import DutyStatus, Obstacle, ReportDuty
from tinhgon.coordination.obstacles import LIVE as LIVE_OBSTACLE

# Duties that follow their unit (constants in SQL: the bases bind their own parameters).
FOLLOWING = (DutyStatus.PENDING, DutyStatus.SUBMITTED, DutyStatus.RETURNED)


def _in(alias: str, column: str, values: tuple[str, ...]) -> str:
    return f" AND {alias}.{column} IN ({', '.join(repr(str(v)) for v in values)})"


class ReportDutiesCarrier(UnitRowsCarrier):
    name = "report_duties"
    model = ReportDuty
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        return _in(alias, "status", FOLLOWING)

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        moved = super().move(ctx, batch)
        if moved:
            merge_duplicates(plan_id=ctx.plan_id)
        return moved

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        found = ReportDuty.objects.filter(pk__in=record_ids).select_related("round__template")
        labels = {d.pk: f"{d.round.template.name} {d.round.label}" for d in found}
        return {record: labels.get(record, f"#{record}") for record in record_ids}


def merge_duplicates(*, plan_id: int) -> int:
    """In the units the plan moved duties to, keep one following duty per round: the others are
    merged into it (one UPDATE; idempotent)."""
    targets = Route.objects.filter(plan_ref=plan_id).values("to_unit_id")
    following = ReportDuty.objects.filter(status__in=FOLLOWING)
    keeper = (
        following.filter(round_id=OuterRef("round_id"), unit_id=OuterRef("unit_id"))
        .annotate(
            rank=Case(
                When(status=DutyStatus.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "pk")
        .values("pk")[:1]
    )
    duplicates = (
        following.filter(unit_id__in=targets)
        .annotate(keeper=Subquery(keeper))
        .exclude(pk=F("keeper"))
        .values_list("pk", flat=True)
    )
    # One statement: a keeper is never a duplicate, so it stays "following" while the others
    # are updated and each duplicate's subquery still finds it.
    return ReportDuty.objects.filter(pk__in=list(duplicates)).update(
        status=DutyStatus.MERGED, merged_into_id=Subquery(keeper)
    )


class ObstaclesCarrier(UnitRowsCarrier):
    name = "obstacles"
    model = Obstacle
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        return _in(alias, "status", LIVE_OBSTACLE)

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        subjects = dict(Obstacle.objects.filter(pk__in=record_ids).values_list("pk", "subject"))
        return {record: subjects.get(record, f"#{record}") for record in record_ids}


def register_all() -> None:
    """The carriers and the scheduled job's parts of reports and obstacles (from ready())."""
    from tinhgon.coordination.obstacles import obstacles_remind_and_escalate
    from tinhgon.core.jobs import register_part

    register(ReportDutiesCarrier())
    register(ObstaclesCarrier())
    register_part("coordination_obstacles", obstacles_remind_and_escalate)
    from tinhgon.coordination import reports_jobs

    register_part("coordination_reports", reports_jobs.run)
