"""Pages of commendations (under /commendations/): the register with its filters, a decision
with its list and PDF, the figures (charts, Excel) and the list a conference reads out.

Thin: read through the scope (`selectors.visible_*`), render. The workflow's pages (campaigns,
proposals, the council's review, the decision form) are in workflow_views.py. Who may do what:
roles.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.commendations import figures, printing, selectors
from tinhgon.commendations.models import Campaign, Commendation, Decision, Form, RecipientKind
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.views import render_refusal

PAGE_SIZE = 300


def refusals_as_pages(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal raised while loading what the page shows (not found, not allowed) becomes the
    error page of its status; refusals of a form are shown on the form by the view itself."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render_refusal(request, error)

    return wrapper


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegisterFilter(forms.Form):
    unit = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    form = forms.ModelChoiceField(
        Form.objects.all(),
        required=False,
        to_field_name="code",
        label=gettext_lazy("Form"),
        empty_label=gettext_lazy("all"),
    )
    campaign = forms.ModelChoiceField(
        Campaign.objects.none(),
        required=False,
        label=gettext_lazy("Campaign"),
        empty_label=gettext_lazy("all"),
    )
    decision = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(
        choices=[("", gettext_lazy("all")), *RecipientKind.choices],
        required=False,
        label=gettext_lazy("Recipient"),
    )
    year = forms.IntegerField(
        required=False, min_value=1945, max_value=2100, label=gettext_lazy("Year")
    )


def filtered(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The register rows in the user's scope, filtered by the query string (a bad filter shows
    its error on the form and filters nothing)."""
    found = selectors.visible_commendations(request.user)
    query = RegisterFilter(request.GET or None)
    campaigns = selectors.visible_campaigns(request.user).order_by("-opens")
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
        if data["decision"]:
            found = found.filter(decision_id=data["decision"])
        if data["kind"]:
            found = found.filter(recipient_kind=data["kind"])
        if data["year"]:
            found = found.filter(date__year=data["year"])
    return found, query


@login_required
@refusals_as_pages
def register(request: HttpRequest) -> HttpResponse:
    found, query = filtered(request)
    total = found.count()
    return render(
        request,
        "commendations/register.html",
        {
            "rows": selectors.rows(found, limit=PAGE_SIZE),
            "total": total,
            "shown": min(total, PAGE_SIZE),
            "query": query,
        },
    )


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    decision = (
        selectors.visible_decisions(request.user)
        .select_related("campaign")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound(
            _("Decision %(id)s does not exist or is not in your scope.") % {"id": decision_id}
        )
    return decision


@login_required
@refusals_as_pages
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = _decision(request, decision_id)
    rows = Commendation.objects.filter(decision=found)
    return render(
        request,
        "commendations/decision.html",
        {"decision": found, "groups": selectors.read_out(rows), "total": rows.count()},
    )


@login_required
@refusals_as_pages
def decision_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = _decision(request, decision_id)
    response = HttpResponse(printing.decision_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quyet-dinh-{found.pk}.pdf"'
    return response


@login_required
@refusals_as_pages
def figures_page(request: HttpRequest) -> HttpResponse:
    found, query = filtered(request)
    data = selectors.figures(found)
    return render(
        request,
        "commendations/figures.html",
        {
            "query": query,
            "data": data,
            "charts": figures.charts(data),
            "total": found.count(),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
@refusals_as_pages
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    found, _query = filtered(request)
    response = HttpResponse(figures.figures_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="khen-thuong.xlsx"'
    return response


@login_required
@refusals_as_pages
def read_out(request: HttpRequest) -> HttpResponse:
    """The list a conference reads out, for the filters given (a campaign, a decision)."""
    found, query = filtered(request)
    return render(
        request,
        "commendations/read_out.html",
        {
            "query": query,
            "groups": selectors.read_out(found[:5000]),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
@refusals_as_pages
def read_out_pdf(request: HttpRequest) -> HttpResponse:
    found, query = filtered(request)
    first = found.values_list("province_id", flat=True).first()
    if first is None:
        raise NotFound(_("No commendation matches these filters."))
    title = "DANH SÁCH KHEN THƯỞNG"
    if query.is_bound and query.is_valid() and query.cleaned_data["campaign"]:
        title += "\n" + query.cleaned_data["campaign"].theme
    pdf = printing.read_out_pdf(title, found.filter(province_id=first)[:5000], first)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="danh-sach-khen-thuong.pdf"'
    return response
