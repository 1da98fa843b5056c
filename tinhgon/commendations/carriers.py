"""How open proposals follow their proposing unit through a reorganization (declared on the
carrier contract's base; registered from CommendationsConfig.ready()).

A proposal still open (draft, submitted, reviewed: `OPEN_PROPOSAL`) moves in place to its
proposing unit's successor on the plan's effective date: same id, same items and verdicts, same
events, its province refreshed; the successor's officials carry it on (submit it, answer the
council), and the move is written on the proposal's history as a "follow" event beside the
plan's `RecordMove`. Decided and rejected proposals stay with the unit that made them: they are
its record.

What does not move, by design: a collective item (`ProposalItem.unit`) keeps the unit it names,
because a commendation belongs to the identity that earned it; the proposal page and the API say
when that unit has closed (`selectors.closed_collectives`). Register rows (`Commendation`) never
move. Quotas are per campaign and form, not per unit: nothing to pool.
"""

from __future__ import annotations

from django.utils import timezone

from tinhgon.carriers.contract import Batch, Context, UnitRowsCarrier
from tinhgon.carriers.models import RecordMove
from tinhgon.commendations.models import OPEN_PROPOSAL, Proposal, ProposalEvent

OPEN_SQL = ", ".join(f"'{status.value}'" for status in OPEN_PROPOSAL)


class ProposalsCarrier(UnitRowsCarrier):
    name = "commendation_proposals"
    model = Proposal
    unit_field = "unit"
    province_field = "province"

    def extra(self, alias: str = "t") -> str:
        # Constants, not parameters: the bases bind their own.
        return f" AND {alias}.status IN ({OPEN_SQL})"

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        # The history rows written after `mark` are this move's (same transaction): each gets
        # its "follow" event, so a crash and a resume never write one twice.
        mark = RecordMove.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        moved = super().move(ctx, batch)
        if moved:
            follow_events(ctx, after_id=mark)
        return moved

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        titles = dict(Proposal.objects.filter(pk__in=record_ids).values_list("pk", "title"))
        return {record: f"#{record} {titles.get(record, '?')}" for record in record_ids}


def follow_events(ctx: Context, *, after_id: int) -> int:
    """One "follow" event per proposal this plan moved (history rows after `after_id`): from
    which unit to which, by which plan, on which day."""
    moves = list(
        RecordMove.objects.filter(
            pk__gt=after_id, plan_ref=ctx.plan_id, carrier=ProposalsCarrier.name
        ).values_list("record_id", "from_unit_id", "to_unit_id")
    )
    statuses = dict(
        Proposal.objects.filter(pk__in=[m[0] for m in moves]).values_list("pk", "status")
    )
    now = timezone.now()
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal_id=record,
            move="follow",
            from_status=statuses[record],
            to_status=statuses[record],
            actor_id=ctx.actor_id,
            at=now,
            data={
                "plan": ctx.plan_id,
                "effective": ctx.effective.isoformat(),
                "from_unit": from_unit,
                "to_unit": to_unit,
            },
        )
        for record, from_unit, to_unit in moves
        if record in statuses
    )
    return len(moves)


def register_all() -> None:
    from tinhgon.carriers.contract import register

    register(ProposalsCarrier())
