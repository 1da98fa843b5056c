"""How open proposals follow their proposing unit, and live campaigns their province, through a
reorganization (declared on the carrier contract's base; registered from
CommendationsConfig.ready()).

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

A proposal belongs to the campaign it was filed in: its `province` is the campaign's (the
council of the campaign's province reviews it, its items count against that campaign's quotas),
even when the plan places its proposing unit in another province. A campaign follows its
province when the province closes (absorbed by another, as in the 2025 reform) while it is still
live: open to proposals on the effective date, or holding a proposal still open (a reviewed
proposal waits for its decision). A campaign closed with every proposal decided or rejected
stays with the closed province, beside its decisions and register rows. A moved campaign whose
code the successor province already uses gets the closed province's code appended.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from tinhgon.carriers.contract import Batch, Context, UnitRowsCarrier
from tinhgon.carriers.models import Priority, RecordMove, Route
from tinhgon.commendations.models import OPEN_PROPOSAL, Campaign, Proposal, ProposalEvent
from tinhgon.units import selectors

OPEN_SQL = ", ".join(f"'{status.value}'" for status in OPEN_PROPOSAL)


class ProposalsCarrier(UnitRowsCarrier):
    name = "commendation_proposals"
    model = Proposal
    unit_field = "unit"
    # No `province_field`: a proposal's province is its campaign's (CampaignsCarrier keeps it).

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


class CampaignsCarrier(UnitRowsCarrier):
    """A live campaign follows its province to the province's successor."""

    name = "commendation_campaigns"
    model = Campaign
    unit_field = "province"

    def live(self, alias: str = "t") -> str:
        proposals = Proposal._meta.db_table
        return (
            f" AND ({alias}.closes >= %(effective)s OR EXISTS (SELECT 1 FROM {proposals} p "
            f"WHERE p.campaign_id = {alias}.id AND p.status IN ({OPEN_SQL})))"
        )

    def move(self, ctx: Context, batch: Batch | None = None) -> int:
        mark = RecordMove.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        rename_clashes(ctx, self._moving(ctx, batch))
        moved = super().move(ctx, batch)
        if moved:
            follow_campaigns(ctx, after_id=mark)
        return moved

    def _moving(self, ctx: Context, batch: Batch | None) -> list[tuple[int, int, str]]:
        """(campaign, province it points at, code) of the live campaigns this plan moves."""
        closed = Route.objects.filter(plan_ref=ctx.plan_id, priority__gt=0).values("from_unit_id")
        found = Campaign.objects.filter(province_id__in=closed).filter(
            Q(closes__gte=ctx.effective) | Q(proposals__status__in=OPEN_PROPOSAL)
        )
        if batch is not None:
            found = found.filter(pk__gt=batch.lo, pk__lte=batch.hi)
        return list(found.distinct().values_list("pk", "province_id", "code"))

    def describe(self, record_ids):  # type: ignore[no-untyped-def]
        themes = dict(Campaign.objects.filter(pk__in=record_ids).values_list("pk", "theme"))
        return {record: f"#{record} {themes.get(record, '?')}" for record in record_ids}


def _target(ctx: Context, campaign: int, province: int) -> int | None:
    """The unit a campaign's route leads to: a decision about it, else the carrier's, else the
    default successor."""
    route = (
        Route.objects.filter(plan_ref=ctx.plan_id, from_unit_id=province, priority__gt=0)
        .filter(Q(carrier="") | Q(carrier=CampaignsCarrier.name))
        .filter(Q(priority=Priority.RECORD, record_id=campaign) | ~Q(priority=Priority.RECORD))
        .order_by("priority")
        .values_list("to_unit_id", flat=True)
        .first()
    )
    return route


def rename_clashes(ctx: Context, moving: list[tuple[int, int, str]]) -> None:
    """A campaign code is unique in its province: a moving campaign whose code the successor
    already holds (or another campaign moving there holds) gets `-<closed province's code>`."""
    taken: dict[int, set[str]] = {}
    for campaign, province, code in sorted(moving):
        target = _target(ctx, campaign, province)
        if target is None:
            continue
        if target not in taken:
            taken[target] = set(
                Campaign.objects.filter(province_id=target).values_list("code", flat=True)
            )
        if code in taken[target]:
            suffix = "-" + selectors.latest_version(province).code.lower()
            code = code[: 40 - len(suffix)] + suffix
            Campaign.objects.filter(pk=campaign).update(code=code)
        taken[target].add(code)


def follow_campaigns(ctx: Context, *, after_id: int) -> int:
    """The proposals of the campaigns this plan moved take the campaign's new province."""
    moved = RecordMove.objects.filter(
        pk__gt=after_id, plan_ref=ctx.plan_id, carrier=CampaignsCarrier.name
    ).values("record_id")
    province = Campaign.objects.filter(pk=OuterRef("campaign_id")).values("province_id")[:1]
    return Proposal.objects.filter(campaign_id__in=moved).update(province_id=Subquery(province))


def register_all() -> None:
    from tinhgon.carriers.contract import register

    register(ProposalsCarrier())
    register(CampaignsCarrier())
