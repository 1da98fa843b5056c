"""Pages of the workflow (under /commendations/campaigns/): campaigns and their quotas, a unit's
proposal form, a proposal with its submission (after a confirmation) and the council's review,
the decision form (after a confirmation). Each calls the one service the API calls too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import memberships_in_force, scope_for
from tinhgon.accounts.models import Role
from tinhgon.commendations import decisions, roles, selectors, services
from tinhgon.commendations.models import (
    Authority,
    Campaign,
    Form,
    ItemVerdict,
    Proposal,
    ProposalStatus,
    RecipientKind,
)
from tinhgon.commendations.views import refusals_as_pages
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.forms import DayField
from tinhgon.core.views import render_refusal
from tinhgon.units import selectors as units

ITEM_ROWS = 5


def campaign_in_scope(request: HttpRequest, campaign_id: int) -> Campaign:
    found = selectors.visible_campaigns(request.user).filter(pk=campaign_id).first()
    if found is None:
        raise NotFound(
            _("Campaign %(id)s does not exist or is not in your scope.") % {"id": campaign_id}
        )
    return found


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    found = (
        selectors.visible_proposals(request.user)
        .select_related("campaign")
        .filter(pk=proposal_id)
        .first()
    )
    if found is None:
        raise NotFound(
            _("Proposal %(id)s does not exist or is not in your scope.") % {"id": proposal_id}
        )
    return found


@login_required
@refusals_as_pages
def campaigns(request: HttpRequest) -> HttpResponse:
    found = list(selectors.visible_campaigns(request.user).order_by("-opens", "id")[:200])
    return render(
        request,
        "commendations/campaigns.html",
        {
            "campaigns": found,
            "today": timezone.localdate(),
            "may_open": bool(_council_provinces(request)),
        },
    )


@login_required
@refusals_as_pages
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    found = campaign_in_scope(request, campaign_id)
    used = services.quota_use(found.pk)
    quotas = [
        {"form": q.form, "quota": q.quota, "used": used.get(q.form_id, 0)}
        for q in found.quotas.select_related("form").order_by("form__rank")
    ]
    proposals = list(
        selectors.visible_proposals(request.user)
        .filter(campaign=found)
        .order_by("status", "-created_at")[:300]
    )
    names = {
        v.unit_id: v.name
        for v in units.versions_on(timezone.localdate()).filter(
            unit_id__in={p.unit_id for p in proposals}
        )
    }
    return render(
        request,
        "commendations/campaign.html",
        {
            "campaign": found,
            "quotas": quotas,
            "proposals": [(p, names.get(p.unit_id, "")) for p in proposals],
            "may_decide": roles.may_decide(request.user, found.province_id),
            "may_set_quotas": found.closes >= timezone.localdate()
            and roles.is_council_member(request.user, found.province_id),
            "may_propose": bool(_proposing_units(request)),
        },
    )


class CampaignForm(forms.Form):
    province = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Province"))
    code = forms.SlugField(max_length=40, label=gettext_lazy("Code"))
    theme = forms.CharField(max_length=300, label=gettext_lazy("Theme"))
    opens = DayField(label=gettext_lazy("Takes proposals from"))
    closes = DayField(label=gettext_lazy("until"))

    def __init__(self, *args: Any, provinces: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces  # type: ignore[attr-defined]
        for form in Form.objects.filter(active=True).exclude(authority=Authority.COMMUNE):
            self.fields[f"quota_{form.code}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=100000,
                label=_("Quota: %(form)s") % {"form": form.name},
            )

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("quota_")]

    def quotas(self) -> dict[str, int]:
        return quotas_of(self.cleaned_data)


def quotas_of(cleaned: dict[str, Any]) -> dict[str, int]:
    """{form code: quota} from a form's quota_<code> fields (empty: no quota)."""
    return {
        name.removeprefix("quota_"): value
        for name, value in cleaned.items()
        if name.startswith("quota_") and value is not None
    }


def _council_provinces(request: HttpRequest) -> list[tuple[int, str]]:
    """The provinces whose council the user sits on (a superuser: every province)."""
    from tinhgon.units.kinds import Level

    today = timezone.localdate()
    provinces = selectors.provinces_for(request.user)
    found = units.versions_on(today).filter(level=Level.PROVINCE, parent__isnull=True)
    if provinces is not None:
        found = found.filter(unit_id__in=provinces)
    return [
        (v.unit_id, v.name)
        for v in found.order_by("name")
        if roles.is_council_member(request.user, v.unit_id)
    ]


@login_required
@refusals_as_pages
def campaign_new(request: HttpRequest) -> HttpResponse:
    """The council opens a campaign of its province with its quotas."""
    provinces = _council_provinces(request)
    if not provinces:
        raise Forbidden(
            _("Only the emulation council (Sở Nội vụ of the province) opens campaigns.")
        )
    form = CampaignForm(request.POST or None, provinces=provinces)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "commendations/campaign_new.html", context)
    if not form.is_valid():
        from tinhgon.core.views import render_invalid_form

        return render_invalid_form(request, "commendations/campaign_new.html", form, context)
    data = form.cleaned_data
    try:
        made = services.campaign_create(
            actor=request.user,
            province_id=data["province"],
            code=data["code"],
            theme=data["theme"],
            opens=data["opens"],
            closes=data["closes"],
            quotas=form.quotas(),
        )
    except DomainError as error:
        return render_refusal(
            request, error, template="commendations/campaign_new.html", context=context, form=form
        )
    messages.success(request, _("Campaign opened."))
    return redirect("commendations:campaign", made.pk)


# -- a unit's proposal -------------------------------------------------------------------------


def _proposing_units(request: HttpRequest) -> list[tuple[int, str]]:
    """The units the user proposes for: those of their memberships with a write role."""
    if scope_for(request.user).everything:
        return []
    ids = memberships_in_force(request.user).filter(
        role__in=[Role.UNIT_OFFICIAL, Role.PROVINCE_ADMIN]
    )
    versions = units.versions_on(timezone.localdate()).filter(unit_id__in=ids.values("unit_id"))
    return [(v.unit_id, v.name) for v in versions.order_by("name")]


class ProposalForm(forms.Form):
    unit = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Proposing unit"))
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))

    def __init__(self, *args: Any, units_of: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units_of  # type: ignore[attr-defined]
        forms_list = [("", "—")] + [(f.code, f.name) for f in Form.objects.filter(active=True)]
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                choices=[("", "—"), *RecipientKind.choices],
                required=False,
                label=_("Recipient %(n)s") % {"n": n},
            )
            self.fields[f"official_{n}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=2**62,
                label=_("Official's id (an individual)"),
            )
            self.fields[f"form_{n}"] = forms.ChoiceField(
                choices=forms_list, required=False, label=_("Form")
            )
            self.fields[f"reason_{n}"] = forms.CharField(
                max_length=500, required=False, label=_("Reason")
            )

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{n}"] for name in ("kind", "official", "form", "reason")]
            for n in range(1, ITEM_ROWS + 1)
        ]

    def items(self) -> list[services.ItemIn]:
        data, found = self.cleaned_data, []
        for n in range(1, ITEM_ROWS + 1):
            kind = data.get(f"kind_{n}")
            if not kind:
                continue
            individual = kind == RecipientKind.INDIVIDUAL
            found.append(
                services.ItemIn(
                    form=data.get(f"form_{n}") or "",
                    reason=data.get(f"reason_{n}") or "",
                    unit_id=None if individual else data["unit"],
                    official_id=data.get(f"official_{n}") if individual else None,
                )
            )
        return found


@login_required
@refusals_as_pages
def proposal_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    found = campaign_in_scope(request, campaign_id)
    units_of = _proposing_units(request)
    form = ProposalForm(request.POST or None, units_of=units_of)
    context = {"campaign": found, "form": form, "units_of": units_of}
    if request.method == "POST":
        if not form.is_valid():
            from tinhgon.core.views import render_invalid_form

            return render_invalid_form(request, "commendations/proposal_new.html", form, context)
        try:
            made = services.proposal_create(
                actor=request.user,
                unit_id=form.cleaned_data["unit"],
                campaign_id=found.pk,
                title=form.cleaned_data["title"],
                items=form.items(),
            )
        except DomainError as error:
            return render_refusal(
                request,
                error,
                template="commendations/proposal_new.html",
                context=context,
                form=form,
            )
        messages.success(request, _("Proposal saved as a draft. Check it, then submit it."))
        return redirect("commendations:proposal", made.pk)
    return render(request, "commendations/proposal_new.html", context)


@login_required
@refusals_as_pages
def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    return render(request, "commendations/proposal.html", _proposal_context(request, found))


def closed_note(closed: selectors.ClosedCollective) -> str:
    """What the proposal page and the council read about a collective that has closed."""
    values = {
        "unit": closed.name,
        "day": text.day(closed.since) if closed.since else "?",
        "successors": ", ".join(name for _u, name in closed.successors),
    }
    if not closed.successors:
        return (
            _(
                "%(unit)s has closed (since %(day)s), with no successor. A commendation decided "
                "now is given to the collective as it was before it closed."
            )
            % values
        )
    return (
        _(
            "%(unit)s has closed: since %(day)s its successor is %(successors)s. A commendation "
            "decided now is given to the collective as it was before it closed, not to its "
            "successor."
        )
        % values
    )


def _proposal_context(request: HttpRequest, found: Proposal) -> dict[str, Any]:
    items = list(found.items.select_related("form", "official").order_by("id"))
    today = timezone.localdate()
    wanted = {i.unit_id for i in items} | {found.unit_id}
    # A closed unit is named as it last stood.
    names = {key[0]: v.name for key, v in units.versions_at({(u, today) for u in wanted}).items()}
    closed = selectors.closed_collectives(
        {i.unit_id for i in items if i.recipient_kind == RecipientKind.COLLECTIVE}, day=today
    )
    notes = {unit_id: closed_note(c) for unit_id, c in closed.items()}
    return {
        "proposal": found,
        "unit_name": names.get(found.unit_id, ""),
        "items": [
            (i, names.get(i.unit_id, ""), notes.get(i.unit_id, "") if not i.official else "")
            for i in items
        ],
        "closed_notes": list(notes.values()),
        "events": list(found.events.select_related("actor").order_by("id")),
        "may_submit": found.status == ProposalStatus.DRAFT and _writes(request, found.unit_id),
        "may_review": found.status == ProposalStatus.SUBMITTED
        and roles.is_council_member(request.user, found.campaign.province_id),
    }


def _writes(request: HttpRequest, unit_id: int) -> bool:
    from tinhgon.accounts.access import access_unit

    try:
        access_unit(request.user, unit_id, write=True)
    except DomainError:
        return False
    return True


@login_required
@refusals_as_pages
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """GET: the confirmation; POST: submit (the quotas are checked then)."""
    found = _proposal(request, proposal_id)
    url = reverse("commendations:proposal", args=[found.pk])
    if request.method != "POST":
        return render(
            request,
            "confirm.html",
            {
                "title": _("Submit the proposal to the emulation council?"),
                "lead": found.title,
                "rows": [
                    (_("Campaign"), found.campaign.theme),
                    (_("Recipients"), found.items.count()),
                ],
                "warning": _("Once submitted, the proposal can no longer be changed."),
                "action": reverse("commendations:proposal_submit", args=[found.pk]),
                "fields": {"version": found.version},
                "button": _("Submit"),
                "button_class": "btn-primary",
                "cancel_url": url,
            },
        )
    try:
        services.proposal_submit(
            actor=request.user, proposal_id=found.pk, version=_version(request)
        )
    except DomainError as error:
        return render_refusal(
            request,
            error,
            template="commendations/proposal.html",
            context=_proposal_context(request, found),
        )
    messages.success(request, _("Proposal submitted to the emulation council."))
    return redirect(url)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@refusals_as_pages
def proposal_review(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """POST only: one verdict (accept_<item>=1 or a note_<item> with the rejection) per item."""
    found = _proposal(request, proposal_id)
    if request.method != "POST":
        return redirect("commendations:proposal", found.pk)
    verdicts = [
        services.Verdict(
            item_id=item_id,
            accept=request.POST.get(f"verdict_{item_id}") == ItemVerdict.ACCEPTED,
            note=request.POST.get(f"note_{item_id}", "")[:500],
        )
        for item_id in found.items.values_list("id", flat=True)
    ]
    try:
        services.proposal_review(
            actor=request.user, proposal_id=found.pk, verdicts=verdicts, version=_version(request)
        )
    except DomainError as error:
        return render_refusal(
            request,
            error,
            template="commendations/proposal.html",
            context=_proposal_context(request, found),
        )
    messages.success(request, _("The council's review is recorded."))
    return redirect("commendations:proposal", found.pk)


# -- the decision ------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    number = forms.CharField(max_length=60, label=gettext_lazy("Decision number"))
    date = DayField(label=gettext_lazy("Date"))
    authority = forms.ChoiceField(choices=Authority.choices, label=gettext_lazy("Authority"))
    signed_by = forms.CharField(max_length=200, label=gettext_lazy("Signed by"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


@login_required
@refusals_as_pages
def decision_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The form, then a confirmation page listing what the decision will commend, then the
    decision (the register rows written)."""
    found = campaign_in_scope(request, campaign_id)
    roles.check_decider(request.user, found.province_id)
    form = DecisionForm(
        request.POST or None,
        initial={"date": timezone.localdate(), "authority": Authority.PROVINCE},
    )
    context = {"campaign": found, "form": form}
    if request.method != "POST":
        return render(request, "commendations/decision_new.html", context)
    if not form.is_valid():
        from tinhgon.core.views import render_invalid_form

        return render_invalid_form(request, "commendations/decision_new.html", form, context)
    data = form.cleaned_data
    if not data["confirmed"]:
        waiting = decisions.waiting_items(found.pk, data["authority"]).count()
        return render(
            request,
            "confirm.html",
            {
                "title": _("Record this decision?"),
                "lead": found.theme,
                "rows": [
                    (_("Decision number"), data["number"]),
                    (_("Date"), data["date"].strftime("%d/%m/%Y")),
                    (_("Authority"), Authority(data["authority"]).label),
                    (_("Signed by"), data["signed_by"]),
                    (_("Recipients commended"), waiting),
                ],
                "warning": _("The register rows are written at once and are not undone."),
                "action": reverse("commendations:decision_new", args=[found.pk]),
                "fields": {
                    "number": data["number"],
                    "date": data["date"].isoformat(),
                    "authority": data["authority"],
                    "signed_by": data["signed_by"],
                    "confirmed": "True",
                },
                "button": _("Record the decision"),
                "cancel_url": reverse("commendations:campaign", args=[found.pk]),
            },
        )
    try:
        made = decisions.decision_make(
            actor=request.user,
            campaign_id=found.pk,
            number=data["number"],
            date=data["date"],
            authority=data["authority"],
            signed_by=data["signed_by"],
        )
    except DomainError as error:
        return render_refusal(
            request, error, template="commendations/decision_new.html", context=context, form=form
        )
    messages.success(request, _("Decision recorded."))
    return redirect("commendations:decision", made.pk)
