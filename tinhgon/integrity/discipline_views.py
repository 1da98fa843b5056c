"""Pages of discipline proceedings (under /integrity/discipline/): the proceedings of the
officials one manages, opening one (from a decided case or directly), and a proceeding with its
two ends, decide and drop, each through a confirmation page. The same services as the API
(discipline.py); the official concerned never reads a proceeding before it is closed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import scopes_cached
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.integrity import discipline
from tinhgon.integrity.cases_views import may_receive
from tinhgon.integrity.models import Proceeding, ProceedingStatus
from tinhgon.staffing.models import Measure

LIST_LIMIT = 200
MOVES = ("decide", "drop")
ID_MAX = 2**63 - 1


@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = discipline.visible_proceedings(request.user)
    if status in ProceedingStatus.values:
        found = found.filter(status=status)
    rows = list(
        found.select_related("official", "measure").order_by("-opened_at", "-id")[:LIST_LIMIT]
    )
    today = timezone.localdate()
    return render(
        request,
        "integrity/discipline/index.html",
        {
            "rows": [
                {
                    "proceeding": p,
                    "due_on": discipline.due_on(p),
                    "late": p.status == ProceedingStatus.PROPOSED and discipline.due_on(p) < today,
                }
                for p in rows
            ],
            "status": status,
            "statuses": ProceedingStatus.choices,
        },
    )


class OpenForm(forms.Form):
    official = forms.IntegerField(
        label=gettext_lazy("Official (number in the staff records)"),
        min_value=1,
        max_value=ID_MAX,
    )
    measure = forms.ChoiceField(label=gettext_lazy("Proposed measure"), choices=Measure.choices)
    grounds = forms.CharField(
        label=gettext_lazy("Grounds"),
        max_length=discipline.GROUNDS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    violation_on = forms.DateField(
        label=gettext_lazy("Violation committed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The statute of limitations runs from it."),
    )
    case = forms.IntegerField(
        label=gettext_lazy("From case number"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text=gettext_lazy("A decided case about this official"),
    )
    finding = forms.IntegerField(
        label=gettext_lazy("From inspection finding number"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
    )
    concerned_username = forms.CharField(
        label=gettext_lazy("The official's own account (user name)"),
        required=False,
        max_length=150,
        help_text=gettext_lazy(
            "If they have one: it will not read the proceeding before it is closed. Leave it "
            "empty when their staff record is linked to their account: that one is taken."
        ),
    )


@login_required
def proceeding_new(request: HttpRequest) -> HttpResponse:
    page = "integrity/discipline/new.html"
    if not may_receive(request.user):
        return render_refusal(request, Forbidden(_("Your role is read-only: it opens nothing.")))
    initial = {
        key: request.GET[key][:20]
        for key in ("official", "case")
        if request.GET.get(key, "").isdigit()
    }
    form = OpenForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, page, {"form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form)
    data = form.cleaned_data
    try:
        with scopes_cached():
            made = discipline.proceeding_open(
                actor=request.user,
                official_id=data["official"],
                measure=data["measure"],
                grounds=data["grounds"],
                case_id=data["case"],
                finding_id=data["finding"],
                violation_on=data["violation_on"],
                concerned_username=data["concerned_username"],
            )
    except DomainError as error:
        return render_refusal(request, error, template=page, form=form)
    messages.success(request, _("The proceeding was opened."))
    return redirect("integrity:proceeding", proceeding_id=made.pk)


class DecideForm(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Measure decided"), choices=Measure.choices)
    decision = forms.CharField(
        label=gettext_lazy("Decision number"),
        max_length=120,
        help_text=gettext_lazy("For example 15/QĐ-UBND"),
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=300)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class DropForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for dropping it"),
        max_length=discipline.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def _context(request: HttpRequest, proceeding: Proceeding, **given: forms.Form) -> dict[str, Any]:
    acts = proceeding.status == ProceedingStatus.PROPOSED and discipline.may_act(
        request.user, proceeding
    )
    initial = {"version": proceeding.version}
    return {
        "proceeding": proceeding,
        "due_on": discipline.due_on(proceeding),
        "may_act": acts,
        "decide_form": given.get("decide_form")
        or DecideForm(
            initial={
                **initial,
                "measure": proceeding.proposed_measure,
                "decided_on": timezone.localdate(),
                "legal_basis": discipline.LAW_2025,
            }
        ),
        "drop_form": given.get("drop_form") or DropForm(initial=initial),
    }


@login_required
def detail(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    try:
        proceeding = discipline.readable_proceeding(request.user, proceeding_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "integrity/discipline/proceeding.html", _context(request, proceeding))


@login_required
def proceeding_move(request: HttpRequest, proceeding_id: int, move: str) -> HttpResponse:
    """decide, drop: POST shows the confirmation; POST with `confirmed` applies. GET goes back
    to the proceeding (after checking who asks)."""
    if move not in MOVES:
        raise Http404
    try:
        with scopes_cached():
            proceeding = discipline.access_proceeding(request.user, proceeding_id)
    except DomainError as error:
        return render_refusal(request, error)
    back = reverse("integrity:proceeding", kwargs={"proceeding_id": proceeding.pk})
    if request.method != "POST":
        return redirect(back)
    page = "integrity/discipline/proceeding.html"
    form: forms.Form = DecideForm(request.POST) if move == "decide" else DropForm(request.POST)
    given = f"{move}_form"
    if not form.is_valid():
        return render_invalid_form(
            request, page, form, _context(request, proceeding, **{given: form})
        )
    data = form.cleaned_data
    if request.POST.get("confirmed") != "1":
        return _confirm(request, proceeding, move, data)
    try:
        if move == "decide":
            discipline.proceeding_decide(
                actor=request.user,
                proceeding_id=proceeding.pk,
                measure=data["measure"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                legal_basis=data["legal_basis"],
                version=data["version"],
            )
            messages.success(
                request, _("The measure was decided and recorded in the official's file.")
            )
        else:
            discipline.proceeding_drop(
                actor=request.user,
                proceeding_id=proceeding.pk,
                reason=data["reason"],
                version=data["version"],
            )
            messages.success(request, _("The proceeding was dropped."))
    except DomainError as error:
        context = _context(request, proceeding, **{given: form})
        return render_refusal(request, error, template=page, context=context, form=form)
    return redirect(back)


def _confirm(
    request: HttpRequest, proceeding: Proceeding, move: str, data: dict[str, Any]
) -> HttpResponse:
    rows = [(_("Official"), proceeding.official.full_name)]
    if move == "decide":
        title = _("Decide the measure")
        lead = _(
            "Staffing records the measure: that year's evaluation of the official becomes "
            '"did not complete duties". It cannot be undone here.'
        )
        rows += [
            (_("Measure"), str(Measure(data["measure"]).label)),
            (_("Decision number"), data["decision"]),
            (_("Decided on"), text.day(data["decided_on"])),
            (_("Legal basis"), data["legal_basis"]),
        ]
        fields = {
            "measure": data["measure"],
            "decision": data["decision"],
            "decided_on": data["decided_on"].isoformat(),
            "legal_basis": data["legal_basis"],
        }
    else:
        title = _("Drop the proceeding")
        lead = _("No measure is taken; the reason stays with the proceeding.")
        rows.append((_("Reason"), data["reason"]))
        fields = {"reason": data["reason"]}
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "lead": lead,
            "rows": rows,
            "action": request.path,
            "fields": {**fields, "version": data.get("version") or "", "confirmed": "1"},
            "button": title,
            "cancel_url": reverse("integrity:proceeding", kwargs={"proceeding_id": proceeding.pk}),
        },
    )
