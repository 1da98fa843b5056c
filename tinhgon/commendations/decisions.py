"""Decisions of commendation: made from the council's accepted items (`decision_make`) or recorded
from paper (`decision_record`); both write the register rows in one INSERT, and the same number
again returns the decision without writing anything. Who decides: roles.py."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.commendations import roles
from tinhgon.commendations.models import (
    Authority,
    Campaign,
    Commendation,
    Decision,
    ItemVerdict,
    ProposalItem,
    ProposalStatus,
    RecipientKind,
)
from tinhgon.commendations.services import (
    ItemIn,
    acting_user,
    clean_line,
    form_by_code,
    lock_campaign,
    transition,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, invalid
from tinhgon.core.models import audit
from tinhgon.staffing.models import Official
from tinhgon.units import selectors


def _names_on(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], str]:
    return {key: version.name for key, version in selectors.versions_at(pairs).items()}


def _decision_head(  # type: ignore[no-untyped-def]
    *,
    actor,
    province_id: int,
    number: str,
    date: dt.date,
    authority: str,
    signed_by: str,
    campaign: Campaign | None,
    synthetic: bool,
) -> tuple[Decision, bool]:
    """The decision, created; or the one already recorded under that number (True: it
    existed). The same number with another date or campaign is refused."""
    number = clean_line(number, 60, "number")
    signed_by = clean_line(signed_by, 200, "signed_by")
    if authority not in Authority.values:
        raise invalid(_("Unknown authority: %(v)s.") % {"v": authority}, field="authority")
    if date > timezone.localdate():
        raise invalid(_("A decision is not dated in the future."), field="date")
    found = Decision.objects.filter(
        province_id=province_id, authority=authority, number=number
    ).first()
    if found is not None:
        if found.date != date or found.campaign_id != (campaign.pk if campaign else None):
            raise DomainError(
                _("Decision %(number)s is already recorded, dated %(day)s.")
                % {"number": number, "day": text.day(found.date)},
                code="conflict",
                status=409,
            )
        return found, True
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                number=number,
                date=date,
                authority=authority,
                signed_by=signed_by,
                province_id=province_id,
                campaign=campaign,
                recorded_by=acting_user(actor),
                synthetic=synthetic,
            )
    except IntegrityError:
        # Recorded by a concurrent request meanwhile: theirs stands.
        found = Decision.objects.get(province_id=province_id, authority=authority, number=number)
        return found, True
    return decision, False


def waiting_items(campaign_id: int, authority: str):  # type: ignore[no-untyped-def]
    """The accepted items of a campaign's reviewed proposals that `authority` decides and no
    decision has commended yet."""
    return ProposalItem.objects.filter(
        proposal__campaign_id=campaign_id,
        proposal__status=ProposalStatus.REVIEWED,
        verdict=ItemVerdict.ACCEPTED,
        commendation__isnull=True,
        form__authority=authority,
    )


@transaction.atomic
def decision_make(  # type: ignore[no-untyped-def]
    *,
    actor,
    campaign_id: int,
    number: str,
    date: dt.date,
    authority: str,
    signed_by: str,
    item_ids: list[int] | None = None,
) -> Decision:
    """Decide the accepted items of a campaign's reviewed proposals whose forms `authority`
    decides (all of them, or those of `item_ids`): the decision, one register row per item in
    one INSERT, and the proposals with nothing left to decide move to decided. The same number
    again returns the decision without writing anything."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Campaign %(id)s does not exist.") % {"id": campaign_id})
    roles.check_decider(actor, campaign.province_id)
    lock_campaign(campaign.pk)
    decision, existed = _decision_head(
        actor=actor,
        province_id=campaign.province_id,
        number=number,
        date=date,
        authority=authority,
        signed_by=signed_by,
        campaign=campaign,
        synthetic=campaign.synthetic,
    )
    if existed:
        return decision
    items = waiting_items(campaign.pk, authority).select_related("official", "proposal")
    if item_ids is not None:
        if len(item_ids) > 5000:
            raise invalid(_("At most 5.000 items in one decision."), field="items")
        items = items.filter(pk__in=item_ids)
    chosen = list(items.order_by("id"))
    if item_ids is not None and len(chosen) != len(set(item_ids)):
        missing = sorted(set(item_ids) - {i.pk for i in chosen})
        raise invalid(
            _(
                "Items %(ids)s are not accepted, undecided items of this campaign decided by this authority."
            )
            % {"ids": ", ".join(map(str, missing[:20]))},
            field="items",
        )
    if not chosen:
        raise invalid(
            _("Nothing to decide: no accepted item waits for this authority."), field="items"
        )
    names = _names_on({(i.unit_id, date) for i in chosen})
    Commendation.objects.bulk_create(
        [
            Commendation(
                recipient_kind=i.recipient_kind,
                unit_id=i.unit_id,
                official=i.official,
                recipient_name=i.official.full_name if i.official else names[(i.unit_id, date)],
                unit_name=names[(i.unit_id, date)],
                province_id=campaign.province_id,
                form_id=i.form_id,
                decision=decision,
                date=date,
                reason=i.reason,
                campaign=campaign,
                item=i,
                synthetic=campaign.synthetic,
            )
            for i in chosen
        ]
    )
    now = timezone.now()
    for proposal_id in sorted({i.proposal_id for i in chosen}):
        waiting = ProposalItem.objects.filter(
            proposal_id=proposal_id, verdict=ItemVerdict.ACCEPTED, commendation__isnull=True
        ).exists()
        if not waiting:
            transition(
                actor=actor,
                proposal_id=proposal_id,
                move="decide",
                check=lambda p: None,
                change=lambda p, at: (ProposalStatus.DECIDED, {"decided_at": at}),
                data={"decision": decision.pk},
            )
    audit(
        actor=actor,
        action="decision_make",
        unit=campaign.province_id,
        decision=decision.pk,
        number=decision.number,
        rows=len(chosen),
        at=now.isoformat(),
    )
    return decision


# A recipient of a decision recorded from paper: the same shape as a proposed one.
RecordedRow = ItemIn


@transaction.atomic
def decision_record(  # type: ignore[no-untyped-def]
    *,
    actor,
    province_id: int,
    number: str,
    date: dt.date,
    authority: str,
    signed_by: str,
    rows: list[RecordedRow],
    campaign_id: int | None = None,
    synthetic: bool = False,
) -> Decision:
    """Enter a decision taken outside the workflow with its list. A collective is the unit as
    it stood on the decision's date (a unit closed since is fine: it keeps its record); an
    individual is an official, named as the register knows them. Recording the same number again
    returns the decision, unchanged."""
    roles.check_decider(actor, province_id)
    campaign = None
    if campaign_id is not None:
        campaign = Campaign.objects.filter(pk=campaign_id, province_id=province_id).first()
        if campaign is None:
            raise invalid(
                _("Campaign %(id)s is not of this province.") % {"id": campaign_id},
                field="campaign",
            )
    if not rows:
        raise invalid(_("A decision lists at least one recipient."), field="rows")
    if len(rows) > 5000:
        raise invalid(_("At most 5.000 recipients in one decision."), field="rows")
    decision, existed = _decision_head(
        actor=actor,
        province_id=province_id,
        number=number,
        date=date,
        authority=authority,
        signed_by=signed_by,
        campaign=campaign,
        synthetic=synthetic,
    )
    if existed:
        return decision
    officials = Official.objects.in_bulk([r.official_id for r in rows if r.official_id])
    made = []
    for at, row in enumerate(rows, start=1):
        form = form_by_code(row.form)
        if (row.unit_id is None) == (row.official_id is None):
            raise invalid(
                _("Name either a unit (a collective) or an official (an individual)."), row=at
            )
        official = officials.get(row.official_id) if row.official_id else None
        if row.official_id and official is None:
            raise invalid(
                _("Official %(id)s does not exist.") % {"id": row.official_id},
                row=at,
                field="official",
            )
        kind = RecipientKind.INDIVIDUAL if official else RecipientKind.COLLECTIVE
        if not form.allows(kind):
            raise invalid(
                _("%(form)s is not given to %(kind)s.")
                % {"form": form.name, "kind": RecipientKind(kind).label},
                row=at,
                field="form",
            )
        unit_id = official.unit_id if official else row.unit_id
        assert unit_id is not None
        version = selectors.versions_at({(unit_id, date)}).get((unit_id, date))
        if version is None:
            raise invalid(_("Unit %(id)s does not exist.") % {"id": unit_id}, row=at, field="unit")
        open_then = (version.valid_from is None or version.valid_from <= date) and (
            version.valid_to is None or version.valid_to >= date
        )
        if not official and not open_then:
            raise invalid(
                _("Unit %(id)s was not open on %(day)s.") % {"id": unit_id, "day": text.day(date)},
                row=at,
                field="unit",
            )
        if not official and (version.province_id or version.unit_id) != province_id:
            raise invalid(_("The unit is not of this province."), row=at, field="unit")
        made.append(
            Commendation(
                recipient_kind=kind,
                unit_id=unit_id,
                official=official,
                recipient_name=official.full_name if official else version.name,
                unit_name=version.name,
                province_id=province_id,
                form=form,
                decision=decision,
                date=date,
                reason=clean_line(row.reason, 500, "reason"),
                campaign=campaign,
                synthetic=synthetic,
            )
        )
    Commendation.objects.bulk_create(made)
    audit(
        actor=actor,
        action="decision_record",
        unit=province_id,
        decision=decision.pk,
        number=decision.number,
        rows=len(made),
    )
    return decision
