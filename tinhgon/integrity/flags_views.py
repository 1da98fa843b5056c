"""Pages of the red flags (under /integrity/flags/): a unit's flags, each with its explanation,
the dossiers behind it (links to those the reader may open), the peers' figures and, for those
who may write at the unit, a dismissal with a reason (then a confirmation). They name officials:
only readers with a scope on the unit see them (integrity/flags.py, `flags_of_unit`)."""

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

from tinhgon.accounts.access import access_unit, scopes_cached
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.integrity import cases, flags
from tinhgon.integrity.models import FlagKind, RedFlag
from tinhgon.publicservices.models import Dossier
from tinhgon.publicservices.services import dossier_scope_filter

PAGE_SIZE = 200


def _percent(value: Any) -> str:
    return "" if value is None else f"{round(100 * float(value))}%"


def _peers(flag: RedFlag) -> list[tuple[str, str]]:
    """The comparison, as the page shows it."""
    peers = flag.peers or {}
    if flag.kind == FlagKind.COMPLAINTS:
        return [
            (_("Complaints"), str(peers.get("complaints", 0))),
            (_("Denunciations"), str(peers.get("denunciations", 0))),
            (_("Flag raised from"), str(peers.get("threshold", ""))),
        ]
    if "median" not in peers:
        return []
    return [
        (_("This official"), _percent(peers.get("rate"))),
        (
            _("Median of %(n)s peers on the procedure") % {"n": peers.get("peers")},
            _percent(peers.get("median")),
        ),
        (
            _("Quartiles of everyone counted"),
            " / ".join(_percent(q) for q in peers.get("quartiles", [])),
        ),
    ]


@login_required
def unit_flags(request: HttpRequest, unit_id: int) -> HttpResponse:
    show_dismissed = request.GET.get("dismissed") == "1"
    try:
        with scopes_cached():
            version = access_unit(request.user, unit_id)
            found = list(
                flags.flags_of_unit(request.user, unit_id=unit_id, dismissed=show_dismissed)[
                    :PAGE_SIZE
                ]
            )
            may_dismiss = True
            try:
                access_unit(request.user, unit_id, write=True)
            except Forbidden:
                may_dismiss = False
            codes = {code for f in found for code in f.dossiers}
            readable = set(
                Dossier.objects.filter(code__in=codes)
                .filter(dossier_scope_filter(request.user, timezone.localdate(), write=False))
                .values_list("code", flat=True)
            )
            case_ids = {c for f in found for c in (f.peers or {}).get("cases", [])}
            visible = set(
                cases.visible_cases(request.user)
                .filter(pk__in=case_ids)
                .values_list("pk", flat=True)
            )
    except DomainError as error:
        return render_refusal(request, error)
    rows = [
        {
            "flag": f,
            "official": flags.official_key(f),
            "name": flags.official_name(f),
            "dossiers": [
                (
                    code,
                    reverse("services:detail", kwargs={"code": code}) if code in readable else "",
                )
                for code in f.dossiers
            ],
            "cases": [
                (c, reverse("integrity:case", kwargs={"case_id": c}) if c in visible else "")
                for c in (f.peers or {}).get("cases", [])
            ],
            "peers": _peers(f),
        }
        for f in found
    ]
    return render(
        request,
        "integrity/flags/unit.html",
        {
            "unit": version,
            "rows": rows,
            "may_dismiss": may_dismiss,
            "show_dismissed": show_dismissed,
        },
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for dismissal"),
        max_length=flags.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What the inspector verified: the dismissal and its reason are kept with the flag."
        ),
    )


@login_required
def flag_dismiss(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The reason, then a confirmation, then the flag dismissed (flags.flag_dismiss)."""
    try:
        flag = flags.access_flag(request.user, flag_id, write=True)
    except DomainError as error:
        return render_refusal(request, error)
    back = reverse("integrity:flags", kwargs={"unit_id": flag.unit_id})
    context = {"flag": flag, "official": flags.official_name(flag), "back": back}
    form = DismissForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "integrity/flags/dismiss.html", {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, "integrity/flags/dismiss.html", form, context)
    reason = form.cleaned_data["reason"]
    if request.POST.get("confirmed") != "1":
        return render(
            request,
            "confirm.html",
            {
                "title": _("Dismiss this red flag"),
                "lead": _("The flag leaves the list; its figures and your reason are kept."),
                "rows": [
                    (_("Official"), context["official"]),
                    (_("Kind"), FlagKind(flag.kind).label),
                    (_("Explanation"), flag.explanation),
                    (_("Reason for dismissal"), reason),
                ],
                "action": reverse("integrity:flag-dismiss", kwargs={"flag_id": flag.pk}),
                "fields": {"reason": reason, "confirmed": "1"},
                "button": _("Dismiss the flag"),
                "cancel_url": back,
            },
        )
    try:
        flags.flag_dismiss(actor=request.user, flag_id=flag.pk, reason=reason)
    except DomainError as error:
        return render_refusal(
            request, error, template="integrity/flags/dismiss.html", context=context, form=form
        )
    messages.success(request, _("The red flag is dismissed."))
    return redirect(back)
