"""Writes of commendations: campaigns, proposals and their moves, decisions (one function per
transition; who may do what: roles.py).

A proposal goes draft → submitted → reviewed → decided, or → rejected when the council rejects
every item. `proposal_submit` checks the rules (`ProposalRule`: the proposing unit's kind may
propose the form) and the campaign's quotas, naming the form and the figures when it refuses;
`proposal_review` records the council's verdict and note on every item; `decision_make` gives a
decision number and date to the accepted items of a campaign decided by one authority and writes
their register rows in one INSERT. `decision_record` enters a decision taken outside the workflow
(before the register existed, or by the State President) with its list.

Every move is a conditional UPDATE on status and version (a concurrent change is retried, an
illegal move refused with 409, the same move again returns the proposal unchanged), writes a
ProposalEvent with its actor and an audit row, in one transaction. Quota checks of a campaign
are serialized by a conditional UPDATE of the campaign's version: two units submitting at once
cannot both take the last place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit
from tinhgon.commendations import roles
from tinhgon.commendations.models import (
    Campaign,
    CampaignQuota,
    Form,
    ItemVerdict,
    Proposal,
    ProposalEvent,
    ProposalItem,
    ProposalRule,
    ProposalStatus,
    RecipientKind,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.staffing.models import Official, Status
from tinhgon.units import selectors

MAX_ITEMS = 300
MAX_QUOTAS = 50


def acting_user(actor):  # type: ignore[no-untyped-def]
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_line(value: str | None, limit: int, field: str, *, required: bool = True) -> str:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise invalid(_("This field is required."), field=field)
    if len(cleaned) > limit:
        raise invalid(
            _("At most %(n)s characters (%(got)s given).") % {"n": limit, "got": len(cleaned)},
            field=field,
        )
    return cleaned


def _province_of(unit_id: int, day: dt.date) -> int:
    version = selectors.version_on(unit_id, day)
    return version.province_id or version.unit_id


# -- campaigns ----------------------------------------------------------------------------------


def form_by_code(code: str, *, field: str = "form") -> Form:
    form = Form.objects.filter(code=code).first()
    if form is None:
        raise invalid(_("Unknown form of commendation: %(code)s.") % {"code": code}, field=field)
    return form


def quota_forms(quotas: dict[str, int]) -> dict[str, Form]:
    """The forms of `quotas` ({form code: quota}), each quota checked (0 to 100.000)."""
    if len(quotas) > MAX_QUOTAS:
        raise invalid(_("At most %(n)s quotas.") % {"n": MAX_QUOTAS}, field="quotas")
    forms = {c: form_by_code(c, field="quotas") for c in quotas}
    for form_code, quota in quotas.items():
        if not 0 <= quota <= 100000:
            raise invalid(
                _("The quota of %(form)s must be between 0 and 100.000.")
                % {"form": forms[form_code].name},
                field="quotas",
            )
    return forms


@transaction.atomic
def campaign_create(  # type: ignore[no-untyped-def]
    *,
    actor,
    province_id: int,
    code: str,
    theme: str,
    opens: dt.date,
    closes: dt.date,
    quotas: dict[str, int] | None = None,
    synthetic: bool = False,
) -> Campaign:
    """Open a campaign with its quotas (the council's). The same code again with the same
    content returns the campaign; with another content it is refused."""
    roles.check_council(actor, province_id)
    code = clean_line(code, 40, "code").lower()
    theme = clean_line(theme, 300, "theme")
    if closes < opens:
        raise invalid(_("A campaign closes on or after it opens."), field="closes")
    quotas = quotas or {}
    forms = quota_forms(quotas)
    found = Campaign.objects.filter(province_id=province_id, code=code).first()
    if found is not None:
        same = (
            found.theme == theme
            and (found.opens, found.closes) == (opens, closes)
            and {q.form.code: q.quota for q in found.quotas.select_related("form")} == quotas
        )
        if same:
            return found
        raise DomainError(
            _("Campaign %(code)s already exists in this province with another content.")
            % {"code": code},
            code="conflict",
            status=409,
        )
    campaign = Campaign.objects.create(
        province_id=province_id,
        code=code,
        theme=theme,
        opens=opens,
        closes=closes,
        synthetic=synthetic,
    )
    CampaignQuota.objects.bulk_create(
        CampaignQuota(campaign=campaign, form=forms[c], quota=q) for c, q in quotas.items()
    )
    audit(actor=actor, action="campaign_create", unit=province_id, campaign=campaign.pk, code=code)
    return campaign


# -- proposals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    """One recipient to propose: `unit_id` for a collective, `official_id` for an individual."""

    form: str
    reason: str
    unit_id: int | None = None
    official_id: int | None = None
    achievements: str = ""


def _recipient(
    item: ItemIn, *, row: int, proposer: int, day: dt.date
) -> tuple[str, int, Official | None]:
    if (item.unit_id is None) == (item.official_id is None):
        raise invalid(
            _("Name either a unit (a collective) or an official (an individual)."),
            row=row,
            field="recipient",
        )
    subtree = selectors.subtree_ids([proposer], day)
    if item.official_id is not None:
        official = Official.objects.filter(pk=item.official_id).first()
        if official is None or official.status != Status.ACTIVE:
            raise invalid(
                _("Official %(id)s does not exist or no longer works.") % {"id": item.official_id},
                row=row,
                field="official",
            )
        if (
            not selectors.versions_on(day)
            .filter(unit_id=official.unit_id, unit_id__in=subtree)
            .exists()
        ):
            raise invalid(
                _("%(name)s does not work in the proposing unit or a unit under it.")
                % {"name": official.full_name},
                row=row,
                field="official",
            )
        return RecipientKind.INDIVIDUAL, official.unit_id, official
    assert item.unit_id is not None
    if not selectors.versions_on(day).filter(unit_id=item.unit_id, unit_id__in=subtree).exists():
        raise invalid(
            _("Unit %(id)s is not the proposing unit nor open under it on %(day)s.")
            % {"id": item.unit_id, "day": text.day(day)},
            row=row,
            field="unit",
        )
    return RecipientKind.COLLECTIVE, item.unit_id, None


def _check_rules(unit_kind: str, forms: Iterable[Form]) -> None:
    wanted = {f.pk: f for f in forms}
    allowed = set(
        ProposalRule.objects.filter(unit_kind=unit_kind, form_id__in=wanted).values_list(
            "form_id", flat=True
        )
    )
    refused = [f for pk, f in wanted.items() if pk not in allowed]
    if refused:
        raise DomainError(
            _("A unit of this kind (%(kind)s) may not propose: %(forms)s.")
            % {"kind": unit_kind, "forms": ", ".join(f.name for f in refused)},
            code="rule",
            problems=[
                Problem(
                    message=_("No rule lets a %(kind)s propose %(form)s.")
                    % {"kind": unit_kind, "form": f.name},
                    field="form",
                )
                for f in refused
            ],
        )


@transaction.atomic
def proposal_create(  # type: ignore[no-untyped-def]
    *,
    actor,
    unit_id: int,
    campaign_id: int,
    title: str,
    items: list[ItemIn],
    at: dt.datetime | None = None,
    synthetic: bool = False,
) -> Proposal:
    """A draft proposal of `unit_id` in a campaign of its province: every recipient is the unit
    or a unit or official under it, every form allows that kind of recipient and the rules let
    the unit propose it."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    if actor is not None:
        access_unit(actor, unit_id, day=day, write=True)
    proposer = selectors.version_on(unit_id, day)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise invalid(_("Campaign %(id)s does not exist.") % {"id": campaign_id}, field="campaign")
    province_id = proposer.province_id or proposer.unit_id
    if campaign.province_id != province_id:
        raise invalid(_("The campaign is not of the proposing unit's province."), field="campaign")
    title = clean_line(title, 300, "title")
    if not items:
        raise invalid(_("A proposal names at least one recipient."), field="items")
    if len(items) > MAX_ITEMS:
        raise invalid(
            _("At most %(n)s recipients in one proposal.") % {"n": MAX_ITEMS}, field="items"
        )
    rows = []
    seen: set[tuple[str, str, int]] = set()
    for row, item in enumerate(items, start=1):
        form = form_by_code(item.form)
        if not form.active:
            raise invalid(
                _("%(form)s is no longer in use.") % {"form": form.name}, row=row, field="form"
            )
        kind, recipient_unit, official = _recipient(item, row=row, proposer=unit_id, day=day)
        if not form.allows(kind):
            raise invalid(
                _("%(form)s is not given to %(kind)s.")
                % {"form": form.name, "kind": RecipientKind(kind).label},
                row=row,
                field="form",
            )
        key = (form.code, kind, official.pk if official else recipient_unit)
        if key in seen:
            raise invalid(_("The same recipient and form twice."), row=row, field="recipient")
        seen.add(key)
        rows.append(
            ProposalItem(
                recipient_kind=kind,
                unit_id=recipient_unit,
                official=official,
                form=form,
                reason=clean_line(item.reason, 500, "reason"),
                achievements=(item.achievements or "").strip()[:5000],
            )
        )
    _check_rules(proposer.kind, {r.form for r in rows})
    proposal = Proposal.objects.create(
        unit_id=unit_id,
        province_id=province_id,
        campaign=campaign,
        title=title,
        created_at=at,
        synthetic=synthetic,
    )
    for r in rows:
        r.proposal = proposal
    ProposalItem.objects.bulk_create(rows)
    _record(proposal, actor=actor, move="create", from_status="", at=at, data={"items": len(rows)})
    return proposal


def _record(  # type: ignore[no-untyped-def]
    proposal: Proposal,
    *,
    actor,
    move: str,
    from_status: str,
    at: dt.datetime,
    note: str = "",
    data=None,
) -> None:
    ProposalEvent.objects.create(
        proposal=proposal,
        move=move,
        from_status=from_status,
        to_status=proposal.status,
        actor=acting_user(actor),
        at=at,
        note=note,
        data=data or {},
    )
    audit(
        actor=actor,
        action=f"proposal_{move}",
        unit=proposal.unit_id,
        proposal=proposal.pk,
        campaign=proposal.campaign_id,
    )


MOVES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "submit": ((ProposalStatus.DRAFT,), (ProposalStatus.SUBMITTED,)),
    "review": ((ProposalStatus.SUBMITTED,), (ProposalStatus.REVIEWED, ProposalStatus.REJECTED)),
    "decide": ((ProposalStatus.REVIEWED,), (ProposalStatus.DECIDED,)),
}


class _Changed(Exception):
    """A proposal changed between its read and its conditional UPDATE."""


Change = Callable[[Proposal, dt.datetime], tuple[str, dict[str, Any]]]


def transition(  # type: ignore[no-untyped-def]
    *,
    actor,
    proposal_id: int,
    move: str,
    check: Callable[[Proposal], None],
    change: Change,
    version: int | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Proposal:
    sources, targets = MOVES[move]
    for _attempt in range(5):
        proposal = Proposal.objects.filter(pk=proposal_id).select_related("campaign").first()
        if proposal is None:
            raise NotFound(_("Proposal %(id)s does not exist.") % {"id": proposal_id})
        check(proposal)
        if proposal.status in targets:
            return proposal  # the same move again: nothing to do
        if version is not None and proposal.version != version:
            raise DomainError(
                _("Proposal %(id)s changed since you read it; reload it.") % {"id": proposal_id},
                code="stale",
                status=409,
            )
        if proposal.status not in sources:
            raise DomainError(
                _("Proposal %(id)s is %(status)s: it cannot be %(move)s.")
                % {
                    "id": proposal_id,
                    "status": proposal.get_status_display(),
                    "move": _(move),
                },
                code="illegal_move",
                status=409,
            )
        now = timezone.now()
        try:
            with transaction.atomic():
                target, changes = change(proposal, now)
                updated = Proposal.objects.filter(
                    pk=proposal.pk, status=proposal.status, version=proposal.version
                ).update(status=target, version=F("version") + 1, **changes)
                if not updated:
                    # Changed by someone else since it was read: undo what `change` wrote
                    # (the items' verdicts) and read it again.
                    raise _Changed
                from_status = proposal.status
                proposal.refresh_from_db()
                _record(
                    proposal,
                    actor=actor,
                    move=move,
                    from_status=from_status,
                    at=now,
                    note=note,
                    data=data,
                )
                return proposal
        except _Changed:
            continue
    raise DomainError(
        _("Proposal %(id)s is changing; try again.") % {"id": proposal_id}, code="busy", status=409
    )


def lock_campaign(campaign_id: int) -> None:
    """Take the campaign's row (PostgreSQL) or the database's write lock (SQLite) until the
    transaction ends: quota checks of one campaign run one at a time."""
    Campaign.objects.filter(pk=campaign_id).update(version=F("version") + 1)


def quota_use(campaign_id: int, *, excluding: int | None = None) -> dict[int, int]:
    """Per form: the recipients proposed in the campaign by proposals submitted and not
    rejected (the rejected items of a reviewed proposal do not count)."""
    counted = ProposalItem.objects.filter(
        proposal__campaign_id=campaign_id,
        proposal__status__in=[
            ProposalStatus.SUBMITTED,
            ProposalStatus.REVIEWED,
            ProposalStatus.DECIDED,
        ],
    ).exclude(verdict=ItemVerdict.REJECTED)
    if excluding is not None:
        counted = counted.exclude(proposal_id=excluding)
    return dict(counted.values_list("form_id").annotate(n=Count("id")).values_list("form_id", "n"))


def proposal_submit(*, actor, proposal_id: int, version: int | None = None) -> Proposal:  # type: ignore[no-untyped-def]
    """Send a draft to the council: the campaign is open today, the rules still allow every
    form, and the campaign's quotas hold with this proposal counted."""

    def check(proposal: Proposal) -> None:
        if actor is not None:
            access_unit(actor, proposal.unit_id, write=True)

    def change(proposal: Proposal, now: dt.datetime) -> tuple[str, dict[str, Any]]:
        campaign = proposal.campaign
        today = timezone.localdate(now)
        if not campaign.opens <= today <= campaign.closes:
            raise invalid(
                _("Campaign %(theme)s takes proposals from %(opens)s to %(closes)s.")
                % {
                    "theme": campaign.theme,
                    "opens": text.day(campaign.opens),
                    "closes": text.day(campaign.closes),
                },
                field="campaign",
            )
        items = list(proposal.items.select_related("form"))
        unit_kind = selectors.version_on(proposal.unit_id, today).kind
        _check_rules(unit_kind, {i.form for i in items})
        lock_campaign(campaign.pk)
        used = quota_use(campaign.pk, excluding=proposal.pk)
        asked: dict[int, int] = {}
        for item in items:
            asked[item.form_id] = asked.get(item.form_id, 0) + 1
        problems = []
        for quota in campaign.quotas.select_related("form").filter(form_id__in=asked):
            taken = used.get(quota.form_id, 0)
            if taken + asked[quota.form_id] > quota.quota:
                problems.append(
                    Problem(
                        message=_(
                            "%(form)s: the campaign's quota is %(quota)s, %(taken)s already "
                            "proposed, this proposal asks %(asked)s."
                        )
                        % {
                            "form": quota.form.name,
                            "quota": quota.quota,
                            "taken": taken,
                            "asked": asked[quota.form_id],
                        },
                        field="items",
                    )
                )
        if problems:
            raise DomainError(
                _("The proposal exceeds the campaign's quotas: %(details)s")
                % {"details": " ".join(p.message for p in problems)},
                code="quota",
                problems=problems,
            )
        return ProposalStatus.SUBMITTED, {"submitted_at": now}

    return transition(
        actor=actor,
        proposal_id=proposal_id,
        move="submit",
        check=check,
        change=change,
        version=version,
    )


@dataclass(frozen=True)
class Verdict:
    item_id: int
    accept: bool
    note: str = ""


def proposal_review(  # type: ignore[no-untyped-def]
    *, actor, proposal_id: int, verdicts: list[Verdict], version: int | None = None
) -> Proposal:
    """The council's review: a verdict on every item (a rejection with its note). Reviewed
    when at least one item is accepted, rejected otherwise."""

    def check(proposal: Proposal) -> None:
        # The council of the campaign's province: a proposal belongs to the campaign it was
        # filed in, wherever a plan has since placed its proposing unit.
        roles.check_council(actor, proposal.campaign.province_id)

    def change(proposal: Proposal, now: dt.datetime) -> tuple[str, dict[str, Any]]:
        ids = set(proposal.items.values_list("id", flat=True))
        given = {v.item_id: v for v in verdicts}
        if len(given) != len(verdicts) or set(given) != ids:
            raise invalid(
                _("Give one verdict for every item of the proposal (%(n)s items).")
                % {"n": len(ids)},
                field="verdicts",
            )
        for verdict in verdicts:
            note = clean_line(verdict.note, 500, "note", required=not verdict.accept)
            ProposalItem.objects.filter(pk=verdict.item_id).update(
                verdict=ItemVerdict.ACCEPTED if verdict.accept else ItemVerdict.REJECTED, note=note
            )
        accepted = any(v.accept for v in verdicts)
        target = ProposalStatus.REVIEWED if accepted else ProposalStatus.REJECTED
        return target, {"reviewed_at": now}

    return transition(
        actor=actor,
        proposal_id=proposal_id,
        move="review",
        check=check,
        change=change,
        version=version,
        data={
            "accepted": sum(1 for v in verdicts if v.accept),
            "rejected": sum(1 for v in verdicts if not v.accept),
        },
    )
