"""Pages of commendations (under /commendations/): the register with its filters.

Thin: read through the scope (`selectors.visible_*`), call the services, render. Who may do
what: roles.py.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tinhgon.commendations import selectors
from tinhgon.commendations.models import Campaign, Form, RecipientKind

PAGE_SIZE = 300


class RegisterFilter(forms.Form):
    unit = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    form = forms.ModelChoiceField(
        Form.objects.all(),
        required=False,
        to_field_name="code",
        label=_("Form"),
        empty_label=_("all"),
    )
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(), required=False, label=_("Campaign"), empty_label=_("all")
    )
    kind = forms.ChoiceField(
        choices=[("", _("all")), *RecipientKind.choices], required=False, label=_("Recipient")
    )
    year = forms.IntegerField(required=False, min_value=1945, max_value=2100, label=_("Year"))


def filtered(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The register rows in the user's scope, filtered by the query string (bad filters: none)."""
    found = selectors.visible_commendations(request.user)
    query = RegisterFilter(request.GET or None)
    campaigns = Campaign.objects.filter(pk__in=found.values("campaign_id")).order_by("-opens")
    query.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
    if query.is_bound and query.is_valid():
        data = query.cleaned_data
        if data["unit"]:
            inherited = selectors.predecessors_of(data["unit"])
            found = found.filter(unit_id__in={data["unit"], *inherited})
        if data["form"]:
            found = found.filter(form=data["form"])
        if data["campaign"]:
            found = found.filter(campaign=data["campaign"])
        if data["kind"]:
            found = found.filter(recipient_kind=data["kind"])
        if data["year"]:
            found = found.filter(date__year=data["year"])
    return found, query


@login_required
def register(request: HttpRequest) -> HttpResponse:
    found, query = filtered(request)
    total = found.count()
    return render(
        request,
        "commendations/register.html",
        {
            "rows": selectors.rows(found[:PAGE_SIZE]),
            "total": total,
            "shown": min(total, PAGE_SIZE),
            "query": query,
        },
    )
