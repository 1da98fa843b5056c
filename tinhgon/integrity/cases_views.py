"""Pages of cases (under /integrity/): the inbox of the cases one may read, soonest due first;
a case's page with the handler's moves (accept, extend with its reason, decide, close: a
confirmation page before the last two); and a desk's form to receive a case. The moves call the
same services as the API (cases.py), so a rule is written once.

The author's name and contact appear on the case page for the handler only (`cases.author_for`):
the desk that typed them in, the administrators and the superusers never read them again.
"""

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

from tinhgon.accounts.access import access_unit, memberships_in_force, scopes_cached
from tinhgon.accounts.models import WRITE_ROLES
from tinhgon.core.errors import DomainError, Forbidden, invalid
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.integrity import cases, cases_pdf
from tinhgon.integrity.models import OPEN_CASE, Case, CaseKind, CaseStatus, Variant
from tinhgon.publicservices.pdf_views import pdf_response
from tinhgon.staffing.access import may_manage, visible_officials
from tinhgon.units import selectors
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import local_time

PAGE_SIZE = 200
MOVES = ("accept", "extend", "decide", "close")
TEXT_LIMIT = 20000


def _names(unit_ids: set[int]) -> dict[int, str]:
    found = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-valid_from")
        .values_list("unit_id", "name")
    )
    names: dict[int, str] = {}
    for unit_id, name in found:
        names.setdefault(unit_id, name)
    return names


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("state", "open") == "open"
    found = cases.visible_cases(request.user)
    if open_only:
        found = found.filter(status__in=OPEN_CASE)
    rows = list(found.order_by("due", "id")[:PAGE_SIZE])
    names = _names({c.unit_id for c in rows} | {c.handler_unit_id for c in rows})
    now = timezone.now()
    return render(
        request,
        "integrity/cases/inbox.html",
        {
            "rows": [
                {
                    "case": c,
                    "unit": names.get(c.unit_id, ""),
                    "handler": names.get(c.handler_unit_id, ""),
                    "overdue": c.status in OPEN_CASE and c.due < now,
                }
                for c in rows
            ],
            "open_only": open_only,
            "may_receive": may_receive(request.user),
        },
    )


# -- the case and its moves ----------------------------------------------------------------------


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The count the extension reaches, read with the page: the same form sent twice extends once.
    extensions = forms.IntegerField(min_value=1, max_value=10, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class DecideForm(forms.Form):
    decision = forms.CharField(
        label=gettext_lazy("Decision (conclusion)"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def _context(request: HttpRequest, case: Case, **forms_given: forms.Form) -> dict[str, Any]:
    handler = cases.is_handler(request.user, case)
    limit = cases.time_limit(case.kind, case.variant)
    names = _names({case.unit_id, case.handler_unit_id})
    initial = {"version": case.version}
    return {
        "case": case,
        "unit": names.get(case.unit_id, ""),
        "handler": names.get(case.handler_unit_id, ""),
        "author": cases.author_for(request.user, case),
        "is_handler": handler,
        "limit": limit,
        "may_accept": handler and case.status == CaseStatus.RECEIVED,
        "may_extend": handler and case.status == CaseStatus.ACCEPTED,
        "extensions_left": max(0, limit.max_extensions - case.extensions),
        "may_decide": handler and case.status == CaseStatus.ACCEPTED,
        "may_close": handler and case.status == CaseStatus.DECIDED,
        "documents": _documents(request.user, case),
        "may_discipline": _may_discipline(request.user, case),
        "extend_form": forms_given.get("extend_form")
        or ExtendForm(initial={**initial, "extensions": case.extensions + 1}),
        "decide_form": forms_given.get("decide_form") or DecideForm(initial=initial),
        "events": list(case.events.select_related("actor").order_by("id")),
    }


def _may_discipline(user, case: Case) -> bool:  # type: ignore[no-untyped-def]
    """A decided case about an official: their managers may open a proceeding from it."""
    return (
        case.status in (CaseStatus.DECIDED, CaseStatus.CLOSED)
        and case.official is not None
        and may_manage(user, case.official)
    )


def _documents(user, case: Case) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Which PDFs the reader may download: the decision once decided; the notice to the author
    only for the handler and only when there is an author to notify."""
    decided = case.status in (CaseStatus.DECIDED, CaseStatus.CLOSED)
    return {
        "decision": decided,
        "notice": decided and not case.anonymous and cases.is_handler(user, case),
    }


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = cases.readable_case(request.user, case_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "integrity/cases/case.html", _context(request, case))


def _handled(request: HttpRequest, case_id: int) -> Case:
    """The case, if the reader may read it (else 404) and act on it (else 403)."""
    with scopes_cached():
        cases.readable_case(request.user, case_id)
        return cases.access_case(request.user, case_id)


@login_required
def case_move(request: HttpRequest, case_id: int, move: str) -> HttpResponse:
    """accept, extend: POST applies; decide: POST shows the confirmation, POST with `confirmed`
    applies; close: GET shows the confirmation, POST applies."""
    if move not in MOVES:
        raise Http404
    try:
        case = _handled(request, case_id)
    except DomainError as error:
        return render_refusal(request, error)
    back = reverse("integrity:case", kwargs={"case_id": case.pk})
    if request.method != "POST":
        if move == "close":
            return _confirm_close(request, case)
        return redirect(back)
    page = "integrity/cases/case.html"
    form: forms.Form
    if move == "extend":
        form = ExtendForm(request.POST)
        given = "extend_form"
    elif move == "decide":
        form = DecideForm(request.POST)
        given = "decide_form"
    else:
        form = VersionForm(request.POST)
        given = ""
    if not form.is_valid():
        context = _context(request, case, **({given: form} if given else {}))
        return render_invalid_form(request, page, form, context)
    data = form.cleaned_data
    version = data.get("version")
    try:
        if move == "accept":
            cases.case_accept(actor=request.user, case_id=case.pk, version=version)
            messages.success(request, _("You accepted the case: you are its handler."))
        elif move == "extend":
            cases.case_extend(
                actor=request.user,
                case_id=case.pk,
                reason=data["reason"],
                extensions=data["extensions"],
                version=version,
            )
            messages.success(request, _("The deadline was extended."))
        elif move == "decide":
            if request.POST.get("confirmed") != "1":
                return _confirm_decide(request, case, data["decision"], version)
            cases.case_decide(
                actor=request.user, case_id=case.pk, decision=data["decision"], version=version
            )
            messages.success(request, _("The decision was recorded."))
        else:
            if request.POST.get("confirmed") != "1":
                return _confirm_close(request, case)
            cases.case_close(actor=request.user, case_id=case.pk, version=version)
            messages.success(request, _("The case was closed."))
    except DomainError as error:
        context = _context(request, case, **({given: form} if given else {}))
        return render_refusal(request, error, template=page, context=context, form=form)
    return redirect(back)


def _summary(case: Case) -> list[tuple[str, str]]:
    return [
        (_("Case"), f"#{case.pk} {case.subject}"),
        (_("Kind"), str(case.get_kind_display())),
    ]


def _confirm_decide(
    request: HttpRequest, case: Case, decision: str, version: int | None
) -> HttpResponse:
    return render(
        request,
        "confirm.html",
        {
            "title": _("Record the decision"),
            "lead": _("The decision is final: the case can then only be closed."),
            "rows": [*_summary(case), (_("Decision"), decision)],
            "action": reverse("integrity:case_move", kwargs={"case_id": case.pk, "move": "decide"}),
            "fields": {"decision": decision, "version": version or "", "confirmed": "1"},
            "button": _("Record the decision"),
            "cancel_url": reverse("integrity:case", kwargs={"case_id": case.pk}),
        },
    )


def _confirm_close(request: HttpRequest, case: Case) -> HttpResponse:
    if case.status != CaseStatus.DECIDED:
        return render_refusal(
            request,
            DomainError(
                _("Case %(id)s is %(status)s: it cannot be closed.")
                % {"id": case.pk, "status": case.get_status_display()},
                code="illegal_move",
                status=409,
            ),
        )
    return render(
        request,
        "confirm.html",
        {
            "title": _("Close the case"),
            "lead": _("Close it once the notice of the decision has been sent."),
            "rows": [*_summary(case), (_("Decision"), case.decision)],
            "action": reverse("integrity:case_move", kwargs={"case_id": case.pk, "move": "close"}),
            "fields": {"version": case.version, "confirmed": "1"},
            "button": _("Close the case"),
            "cancel_url": reverse("integrity:case", kwargs={"case_id": case.pk}),
        },
    )


# -- receiving a case at a desk --------------------------------------------------------------------


def may_receive(user) -> bool:  # type: ignore[no-untyped-def]
    return (
        bool(user.is_superuser)
        or memberships_in_force(user).filter(role__in=list(WRITE_ROLES)).exists()
    )


def _home_unit_code(user) -> str:  # type: ignore[no-untyped-def]
    held = memberships_in_force(user).filter(role__in=list(WRITE_ROLES)).order_by("id").first()
    if held is None:
        return ""
    version = selectors.versions_on(timezone.localdate()).filter(unit_id=held.unit_id).first()
    return version.code if version else ""


class ReceiveForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CaseKind.choices)
    variant = forms.ChoiceField(
        label=gettext_lazy("Variant"),
        choices=Variant.choices,
        initial=Variant.NORMAL,
        help_text=gettext_lazy("Complex or in a remote area: the law gives more time."),
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Content"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit concerned"),
        max_length=120,
        help_text=gettext_lazy("Its code or name, for example 03667."),
    )
    official = forms.IntegerField(
        label=gettext_lazy("Official concerned (number in the staff records)"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("If the case is about an official's conduct"),
    )
    dossier_code = forms.CharField(
        label=gettext_lazy("Dossier code"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("If it is about a dossier"),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous (no name given)"),
        required=False,
        help_text=gettext_lazy("A complaint cannot be anonymous."),
    )
    author_name = forms.CharField(
        label=gettext_lazy("Author's name"), required=False, max_length=300
    )
    author_contact = forms.CharField(
        label=gettext_lazy("Author's address or telephone"), required=False, max_length=300
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """A desk officer records a case brought in person: routed at once; the desk does not read
    the author again afterwards (it is not the handler)."""
    page = "integrity/cases/new.html"
    if not may_receive(request.user):
        return render_refusal(request, Forbidden(_("Your role is read-only: it receives no case.")))
    form = ReceiveForm(request.POST or None, initial={"unit": _home_unit_code(request.user)})
    if request.method != "POST":
        return render(request, page, {"form": form})
    if not form.is_valid():
        return render_invalid_form(request, page, form)
    data = form.cleaned_data
    today = timezone.localdate()
    try:
        with scopes_cached():
            unit = selectors.resolve(data["unit"], day=today, field="unit")
            access_unit(request.user, unit.unit_id, write=True)
            official_id = data["official"]
            if (
                official_id is not None
                and not visible_officials(request.user).filter(pk=official_id).exists()
            ):
                raise invalid(
                    _("No official %(id)s in your scope.") % {"id": official_id}, field="official"
                )
            case = cases.case_receive(
                actor=request.user,
                kind=data["kind"],
                variant=data["variant"],
                subject=data["subject"],
                body=data["body"],
                channel="desk",
                unit_id=unit.unit_id,
                official_id=official_id,
                dossier_code=data["dossier_code"],
                anonymous=data["anonymous"],
                author_name=data["author_name"],
                author_contact=data["author_contact"],
            )
            visible = cases.visible_cases(request.user).filter(pk=case.pk).exists()
    except DomainError as error:
        return render_refusal(request, error, template=page, form=form)
    handler = _names({case.handler_unit_id}).get(case.handler_unit_id, "")
    messages.success(
        request,
        _("Case #%(id)s was received and sent to %(handler)s; due %(due)s.")
        % {
            "id": case.pk,
            "handler": handler,
            "due": local_time(case.due).strftime("%d/%m/%Y"),
        },
    )
    if visible:
        return redirect("integrity:case", case_id=case.pk)
    return redirect("integrity:cases")


# -- the decision and the notice as PDF ------------------------------------------------------------


@login_required
def case_pdf(request: HttpRequest, case_id: int, document: str) -> HttpResponse:
    """The decision (any reader of the case) or the notice to the author (the handler only)."""
    try:
        case = cases.readable_case(request.user, case_id)
        pdf = cases_pdf.render(case, document, reader=request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return pdf_response(pdf, cases_pdf.filename(case, document))
