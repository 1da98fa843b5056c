"""The portal's pages (no login): file online, the receipt, track with the second factor,
supplement, rate, download one's documents. Thin: the rules are in
`tinhgon.publicservices.portal`.

Who may see a dossier here: the browser session that filed it (its receipt), or the one that
gave its code and the last four digits of the phone within the last VERIFIED_MINUTES; an
official may download the documents of a dossier in their scope."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.upload import max_upload_bytes
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.publicservices import documents, portal, services
from tinhgon.publicservices.models import Document, Dossier, Rating
from tinhgon.publicservices.portal_forms import FileForm, RateForm, SupplementForm, TrackForm

VERIFIED_MINUTES = 30
VERIFIED_KEY = "portal_verified"
REMEMBERED = 20  # dossiers a session remembers


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


def _remember_verified(request: HttpRequest, code: str) -> None:
    """This browser filed the dossier or gave its second factor: it sees the dossier's pages
    for VERIFIED_MINUTES (a shared computer at a one-stop desk forgets it soon)."""
    verified = dict(request.session.get(VERIFIED_KEY, {}))
    verified.pop(code, None)
    verified[code] = timezone.now().isoformat()
    request.session[VERIFIED_KEY] = dict(list(verified.items())[-REMEMBERED:])


def _verified(request: HttpRequest, code: str) -> bool:
    """Whether this browser filed the dossier or gave its second factor lately."""
    at = request.session.get(VERIFIED_KEY, {}).get(code)
    if not at:
        return False
    return timezone.now() - dt.datetime.fromisoformat(at) < dt.timedelta(minutes=VERIFIED_MINUTES)


def _refused(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    error: DomainError,
    context: dict[str, Any],
) -> HttpResponse:
    """The same page again: a problem about a field of the form is shown at that field."""
    rest = []
    for problem in error.problems:
        if problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            rest.append(problem)
    if error.status == 400 and not rest:
        return render_invalid_form(request, template, form, context)
    error.problems = rest
    return render_refusal(request, error, template=template, context=context, form=form)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _file_form(request: HttpRequest, data: Any = None, files: Any = None) -> FileForm:
    today = timezone.localdate()
    return FileForm(
        data,
        files,
        procedures=portal.online_procedures(today),
        size=documents.megabytes(documents.max_bytes()),
        total=documents.megabytes(max_upload_bytes()),
        count=documents.max_files(),
        initial={"client_ref": secrets.token_hex(16)},
    )


def file(request: HttpRequest) -> HttpResponse:
    """The filing form; one dossier per form (its client_ref: a second click files nothing)."""
    context = {"communes": portal.communes(timezone.localdate())}
    if request.method != "POST":
        return render(request, "portal/file.html", {**context, "form": _file_form(request)})
    form = _file_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return render_invalid_form(request, "portal/file.html", form, context)
    data = form.cleaned_data
    try:
        dossier = portal.portal_file(
            procedure_code=data["procedure"],
            applicant_kind=data["applicant_kind"],
            applicant_name=data["applicant_name"],
            applicant_id=data["applicant_id"],
            applicant_commune=data["applicant_commune"],
            applicant_phone=data["applicant_phone"],
            applicant_email=data["applicant_email"],
            files=data["documents"],
            client_ref=data["client_ref"] or None,
            address=_address(request),
        )
    except DomainError as error:
        return _refused(request, "portal/file.html", form, error, context)
    _remember_verified(request, dossier.code)
    return redirect("portal:receipt", code=dossier.code)


def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt, for the browser that filed the dossier (lately)."""
    found = Dossier.objects.select_related("procedure__procedure").filter(code=code).first()
    if found is None or not _verified(request, code):
        return render_refusal(request, portal.unknown(code))
    return render(request, "portal/receipt.html", {"found": portal.tracking(found)})


def track(request: HttpRequest) -> HttpResponse:
    """The code and the second factor; then the dossier's page (or the rating, `next=rate`)."""
    goal = "rate" if request.GET.get("next") == "rate" else "dossier"
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[: portal.CODE_LIMIT]})
        return render(request, "portal/track.html", {"form": form, "goal": goal})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(request, "portal/track.html", form, {"goal": goal})
    try:
        dossier = portal.dossier_for_applicant(
            code=form.cleaned_data["code"],
            phone_last=form.cleaned_data["phone_last"],
            address=_address(request),
        )
    except DomainError as error:
        return render_refusal(
            request, error, template="portal/track.html", context={"goal": goal}, form=form
        )
    _remember_verified(request, dossier.code)
    if goal == "rate":
        return redirect(reverse("portal:rate") + "?" + urlencode({"code": dossier.code}))
    return redirect("portal:dossier", code=dossier.code)


def _ask_again(code: str, goal: str = "") -> HttpResponse:
    query = {"code": code[: portal.CODE_LIMIT], **({"next": goal} if goal else {})}
    return redirect(reverse("portal:track") + "?" + urlencode(query))


def _verified_dossier(request: HttpRequest, code: str, goal: str = "") -> Dossier | HttpResponse:
    """The dossier if this browser gave its second factor; else the page that asks for it."""
    if not code or not _verified(request, code):
        return _ask_again(code, goal)
    found = Dossier.objects.select_related("procedure__procedure").filter(code=code).first()
    if found is None:
        return render_refusal(request, portal.unknown(code))
    return found


def dossier(request: HttpRequest, code: str) -> HttpResponse:
    found = _verified_dossier(request, code)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "portal/dossier.html", {"found": portal.tracking(found)})


def supplement(request: HttpRequest, code: str) -> HttpResponse:
    found = _verified_dossier(request, code)
    if isinstance(found, HttpResponse):
        return found
    context = {"found": portal.tracking(found)}
    if request.method != "POST":
        return render(request, "portal/supplement.html", {**context, "form": SupplementForm()})
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_invalid_form(request, "portal/supplement.html", form, context)
    try:
        portal.portal_supplement(
            dossier=found, files=form.cleaned_data["documents"], note=form.cleaned_data["note"]
        )
    except DomainError as error:
        return _refused(request, "portal/supplement.html", form, error, context)
    messages.success(request, _("The documents are sent: the dossier is being processed again."))
    return redirect("portal:dossier", code=code)


def rate(request: HttpRequest) -> HttpResponse:
    """The rating of a dossier whose second factor this browser gave: the levels, then a
    confirmation (a rating cannot be changed), then the rating recorded."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()[: portal.CODE_LIMIT]
    found = _verified_dossier(request, code, "rate")
    if isinstance(found, HttpResponse):
        return found
    context = {"found": portal.tracking(found), "code": code}
    form = RateForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "portal/rate.html", {**context, "form": form})
    if not form.is_valid():
        return render_invalid_form(request, "portal/rate.html", form, context)
    rating = form.cleaned_data["rating"]
    if request.POST.get("confirmed") != "1":
        return render(
            request,
            "portal/confirm.html",
            {
                "title": _("Send your rating"),
                "lead": _("A rating cannot be changed once it is sent."),
                "rows": [
                    (_("Dossier"), code),
                    (_("Rating"), Rating(rating).label),
                ],
                "action": reverse("portal:rate"),
                "fields": {"code": code, "rating": rating, "confirmed": "1"},
                "button": _("Send the rating"),
                "button_class": "btn-primary",
                "cancel_url": reverse("portal:dossier", kwargs={"code": code}),
            },
        )
    try:
        portal.portal_rate(dossier=found, rating=rating)
    except DomainError as error:
        return render_refusal(request, error, template="portal/rate.html", context=context)
    messages.success(request, _("Thank you: your rating is recorded."))
    return redirect("portal:dossier", code=code)


def document(request: HttpRequest, document_id: int) -> HttpResponse | FileResponse:
    """One document, as a download: to the browser that gave the dossier's second factor, or
    to an official whose scope holds the dossier; to anyone else it does not exist."""
    found = Document.objects.select_related("dossier").filter(pk=document_id).first()
    allowed = found is not None and _verified(request, found.dossier.code)
    if found is not None and not allowed and request.user.is_authenticated:
        try:
            services.access_dossier(request.user, found.dossier.code)
            allowed = True
        except NotFound:
            allowed = False
    if found is None or not allowed:
        return render_refusal(request, NotFound(_("No such document.")))
    try:
        content = found.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the media folder): say so, not 500.
        return render_refusal(request, NotFound(_("No such document.")))
    response = FileResponse(
        content,
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
