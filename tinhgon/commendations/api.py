"""The commendations API, under /api/commendations.

Thin: authenticate (the project's API auth), read through the scope (`selectors.visible_*`,
`accounts.access`), call one service, answer. Outside the scope: 404; a move the user may not
make: 403; an illegal move: 409; the rules' and quotas' refusals: 400 naming the form and the
figures. Who may do what: roles.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from tinhgon.accounts.access import access_any_version, access_unit, scopes_cached
from tinhgon.commendations import catalogue, decisions, selectors, services
from tinhgon.commendations.models import Campaign, Form, Proposal, ProposalRule
from tinhgon.core.errors import NotFound
from tinhgon.core.schemas import (
    PRINTABLE_REGEX,
    BodyId,
    Day,
    Id,
    QueryId,
    StrictBool,
    StrictInt,
)
from tinhgon.staffing.access import access_official

router = Router(tags=["commendations"])

Line = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=500)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]
PAGE_LIMIT = 500


class CommendationOut(Schema):
    id: int
    decision: str
    decision_id: int
    authority: str
    date: dt.date
    form: str
    form_code: str
    recipient: str
    recipient_kind: str
    unit: str = Field(description="the unit's code on the decision's date")
    unit_id: int
    unit_name: str
    official_id: int | None
    reason: str
    campaign: str | None
    campaign_code: str | None
    via: str | None = Field(description="the predecessor's code, for an inherited row")
    synthetic: bool


class RegisterFilter(Schema):
    unit_id: QueryId | None = None
    form: Slug | None = None
    campaign_id: QueryId | None = None
    year: int | None = Field(None, ge=1945, le=2100)
    limit: int = Field(100, ge=1, le=PAGE_LIMIT)
    offset: int = Field(0, ge=0, le=10**7)


@router.get("", response=list[CommendationOut], summary="The register in your scope, newest first")
def register(request: HttpRequest, filters: Query[RegisterFilter]):
    with scopes_cached():
        found = selectors.visible_commendations(request.user)
        if filters.unit_id is not None:
            found = found.filter(unit_id=filters.unit_id)
        if filters.form:
            found = found.filter(form__code=filters.form)
        if filters.campaign_id is not None:
            found = found.filter(campaign_id=filters.campaign_id)
        if filters.year is not None:
            found = found.filter(date__year=filters.year)
        return selectors.rows(found, offset=filters.offset, limit=filters.limit)


@router.get(
    "/units/{unit_id}",
    response=list[CommendationOut],
    summary="A unit's commendations, with its predecessors' through the lineage",
)
def unit_history(request: HttpRequest, unit_id: Id, with_predecessors: bool = True):
    with scopes_cached():
        access_any_version(request.user, unit_id)
        return selectors.unit_history(unit_id, with_predecessors=with_predecessors)


@router.get(
    "/officials/{official_id}",
    response=list[CommendationOut],
    summary="An official's commendations, whichever unit they served in",
)
def official_history(request: HttpRequest, official_id: Id):
    with scopes_cached():
        access_official(request.user, official_id)
        return selectors.official_history(official_id)


class FormOut(Schema):
    code: str
    name: str
    kind: str
    recipients: str
    authority: str
    rank: int
    legal_basis: str
    to_confirm: bool
    version: int


@router.get("/forms", response=list[FormOut], summary="The forms of commendation and their sources")
def form_list(request: HttpRequest):
    return list(Form.objects.filter(active=True).order_by("rank", "code"))


class FormUpdateIn(Schema):
    name: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=200)]
    legal_basis: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=300)]
    to_confirm: StrictBool
    active: StrictBool
    # The form's version as read (GET /forms, or the answer of the last PUT): an edit made on a
    # form someone changed since is refused (409, stale). Left out: no check.
    version: Annotated[StrictInt, Field(ge=1, le=2**31)] | None = None


class FormFullOut(FormOut):
    active: bool


@router.put(
    "/forms/{code}",
    response=FormFullOut,
    summary="Change a form's name, legal basis, to-confirm mark and use (the council)",
)
def form_update(
    request: HttpRequest,
    code: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}$")],
    payload: FormUpdateIn,
):
    with scopes_cached():
        return catalogue.form_update(actor=request.user, code=code, **payload.dict())


class RuleOut(Schema):
    id: int
    unit_kind: str
    form: str = Field(alias="form.code")
    source: str


class RuleIn(Schema):
    unit_kind: Annotated[str, Field(pattern=r"^[a-z_]{1,24}$")]
    form: Slug
    source: Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=300)] = ""


@router.get("/rules", response=list[RuleOut], summary="Which unit kind may propose which form")
def rule_list(request: HttpRequest):
    return list(ProposalRule.objects.select_related("form").order_by("unit_kind", "form__rank"))


@router.post("/rules", response=RuleOut, summary="Let a unit kind propose a form (the council)")
def rule_add(request: HttpRequest, payload: RuleIn):
    with scopes_cached():
        return catalogue.rule_add(
            actor=request.user,
            unit_kind=payload.unit_kind,
            form_code=payload.form,
            source=payload.source,
        )


@router.delete(
    "/rules/{rule_id}",
    response={204: None},
    summary="Remove a rule (the council); again, or an unknown rule: 204, nothing changes",
)
def rule_remove(request: HttpRequest, rule_id: Id):
    with scopes_cached():
        catalogue.rule_remove(actor=request.user, rule_id=rule_id)
        return Status(204, None)


class QuotaOut(Schema):
    form: str
    quota: int
    used: int


class CampaignOut(Schema):
    id: int
    code: str
    theme: str
    province_id: int
    opens: dt.date
    closes: dt.date
    quotas: list[QuotaOut]
    synthetic: bool


def _campaign_out(campaign: Campaign) -> dict:
    used = services.quota_use(campaign.pk)
    return {
        "id": campaign.pk,
        "code": campaign.code,
        "theme": campaign.theme,
        "province_id": campaign.province_id,
        "opens": campaign.opens,
        "closes": campaign.closes,
        "quotas": [
            {"form": q.form.code, "quota": q.quota, "used": used.get(q.form_id, 0)}
            for q in campaign.quotas.select_related("form").order_by("form__rank")
        ],
        "synthetic": campaign.synthetic,
    }


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns of your provinces")
def campaign_list(request: HttpRequest):
    with scopes_cached():
        found = selectors.visible_campaigns(request.user).order_by("-opens", "id")[:PAGE_LIMIT]
        return [_campaign_out(c) for c in found]


class CampaignIn(Schema):
    province_id: BodyId
    code: Slug
    theme: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=300)]
    opens: Day
    closes: Day
    # Strict: `true` or "5" is not a quota (the range is checked by the service, naming the form).
    quotas: dict[Slug, StrictInt] = Field(default_factory=dict, max_length=50)


@router.post("/campaigns", response=CampaignOut, summary="Open a campaign (the council)")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    with scopes_cached():
        access_unit(request.user, payload.province_id)
        campaign = services.campaign_create(actor=request.user, **payload.dict())
        return _campaign_out(campaign)


class QuotasIn(Schema):
    quotas: dict[Slug, StrictInt] = Field(default_factory=dict, max_length=50)


@router.put(
    "/campaigns/{campaign_id}/quotas",
    response=CampaignOut,
    summary="Replace a campaign's quotas while it is open (the council; none below the use)",
)
def campaign_quotas_set(request: HttpRequest, campaign_id: Id, payload: QuotasIn):
    with scopes_cached():
        if not selectors.visible_campaigns(request.user).filter(pk=campaign_id).exists():
            raise NotFound(
                _("Campaign %(id)s does not exist or is not in your scope.") % {"id": campaign_id}
            )
        campaign = catalogue.campaign_quotas_set(
            actor=request.user, campaign_id=campaign_id, quotas=payload.quotas
        )
        return _campaign_out(campaign)


class ItemIn(Schema):
    form: Slug
    reason: Line
    unit_id: BodyId | None = None
    official_id: BodyId | None = None
    achievements: Annotated[
        str, Field(max_length=5000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
    ] = ""


class ProposalIn(Schema):
    unit_id: BodyId
    campaign_id: BodyId
    title: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=300)]
    items: list[ItemIn] = Field(max_length=services.MAX_ITEMS)


class ItemOut(Schema):
    id: int
    recipient_kind: str
    unit_id: int
    official_id: int | None
    form: str
    reason: str
    verdict: str
    note: str
    unit_closed_since: dt.date | None = Field(
        None, description="a collective whose unit has closed: the first day it was closed"
    )
    unit_successor_ids: list[int] = Field(
        default_factory=list, description="that unit's successors open today, by the lineage"
    )


class ProposalOut(Schema):
    id: int
    unit_id: int
    campaign_id: int
    title: str
    status: str
    version: int
    items: list[ItemOut]


def _proposal_out(proposal: Proposal) -> dict:
    items = list(proposal.items.select_related("form").order_by("id"))
    closed = selectors.closed_collectives({i.unit_id for i in items if i.official_id is None})
    return {
        "id": proposal.pk,
        "unit_id": proposal.unit_id,
        "campaign_id": proposal.campaign_id,
        "title": proposal.title,
        "status": proposal.status,
        "version": proposal.version,
        "items": [
            {
                "id": i.pk,
                "recipient_kind": i.recipient_kind,
                "unit_id": i.unit_id,
                "official_id": i.official_id,
                "form": i.form.code,
                "reason": i.reason,
                "verdict": i.verdict,
                "note": i.note,
                **(
                    {
                        "unit_closed_since": closed[i.unit_id].since,
                        "unit_successor_ids": [u for u, _n in closed[i.unit_id].successors],
                    }
                    if i.official_id is None and i.unit_id in closed
                    else {}
                ),
            }
            for i in items
        ],
    }


def _readable_proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    found = selectors.visible_proposals(request.user).filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(
            _("Proposal %(id)s does not exist or is not in your scope.") % {"id": proposal_id}
        )
    return found


@router.post("/proposals", response=ProposalOut, summary="A unit's draft proposal")
def proposal_create(request: HttpRequest, payload: ProposalIn):
    with scopes_cached():
        access_unit(request.user, payload.unit_id, write=True)
        made = services.proposal_create(
            actor=request.user,
            unit_id=payload.unit_id,
            campaign_id=payload.campaign_id,
            title=payload.title,
            items=[services.ItemIn(**i.dict()) for i in payload.items],
        )
        return _proposal_out(made)


@router.get("/proposals/{proposal_id}", response=ProposalOut, summary="A proposal and its items")
def proposal_get(request: HttpRequest, proposal_id: Id):
    with scopes_cached():
        return _proposal_out(_readable_proposal(request, proposal_id))


class VerdictIn(Schema):
    item_id: BodyId
    accept: bool
    note: Line = ""


class MoveIn(Schema):
    version: int | None = Field(None, ge=1, le=2**31)
    verdicts: list[VerdictIn] = Field(default_factory=list, max_length=services.MAX_ITEMS)


@router.post(
    "/proposals/{proposal_id}/{move}",
    response=ProposalOut,
    summary="submit (the proposing unit) or review (the council: a verdict per item)",
)
def proposal_move(
    request: HttpRequest,
    proposal_id: Id,
    move: Literal["submit", "review"],
    payload: MoveIn | None = None,
):
    given = payload or MoveIn.model_validate({})
    with scopes_cached():
        _readable_proposal(request, proposal_id)
        if move == "submit":
            moved = services.proposal_submit(
                actor=request.user, proposal_id=proposal_id, version=given.version
            )
        else:
            moved = services.proposal_review(
                actor=request.user,
                proposal_id=proposal_id,
                verdicts=[services.Verdict(**v.dict()) for v in given.verdicts],
                version=given.version,
            )
        return _proposal_out(moved)


class DecisionIn(Schema):
    campaign_id: BodyId
    number: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=60)]
    date: Day
    authority: Literal["state", "government", "province", "commune"]
    signed_by: Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=200)]
    item_ids: list[BodyId] | None = Field(None, max_length=5000)


class DecisionOut(Schema):
    id: int
    number: str
    date: dt.date
    authority: str
    signed_by: str
    campaign_id: int | None
    commendations: list[CommendationOut]


def _decision_out(request: HttpRequest, decision_id: int) -> dict:
    found = selectors.visible_decisions(request.user).filter(pk=decision_id).first()
    if found is None:
        raise NotFound(
            _("Decision %(id)s does not exist or is not in your scope.") % {"id": decision_id}
        )
    return {
        "id": found.pk,
        "number": found.number,
        "date": found.date,
        "authority": found.authority,
        "signed_by": found.signed_by,
        "campaign_id": found.campaign_id,
        "commendations": selectors.rows(
            selectors.visible_commendations(request.user).filter(decision=found)
        ),
    }


@router.post("/decisions", response=DecisionOut, summary="Decide a campaign's accepted items")
def decision_make(request: HttpRequest, payload: DecisionIn):
    with scopes_cached():
        if not selectors.visible_campaigns(request.user).filter(pk=payload.campaign_id).exists():
            raise NotFound(
                _("Campaign %(id)s does not exist or is not in your scope.")
                % {"id": payload.campaign_id}
            )
        made = decisions.decision_make(actor=request.user, **payload.dict())
        return _decision_out(request, made.pk)


@router.get("/decisions/{decision_id}", response=DecisionOut, summary="A decision and its list")
def decision_get(request: HttpRequest, decision_id: Id):
    with scopes_cached():
        return _decision_out(request, decision_id)
