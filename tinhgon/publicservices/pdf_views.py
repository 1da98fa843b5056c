"""The printable documents as pages: for officials, by dossier code within their scope; for
the applicant, through a short-lived signed link that the portal hands out after the second
factor (printing.portal_token).

Both answer application/pdf, shown in the browser (inline) under an ASCII file name, and never
cached: the documents carry personal data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.views import render_refusal
from tinhgon.publicservices import printing, selectors, services
from tinhgon.publicservices.models import Dossier


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def tracking_url(request: HttpRequest, dossier: Dossier) -> str:
    """The portal's address to track the dossier, printed on the receipt. The portal's tracking
    page if it is there (portal:track), else the portal's front page, with the code."""
    try:
        path = reverse("portal:track")
    except NoReverseMatch:
        path = "/dich-vu-cong/"
    return request.build_absolute_uri(f"{path}?code={dossier.code}")


def document_response(request: HttpRequest, dossier: Dossier, kind: str) -> HttpResponse:
    pdf = printing.render(dossier, kind, tracking_url=tracking_url(request, dossier))
    return pdf_response(pdf, printing.filename(dossier, kind))


@login_required
@require_safe
def document(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """One document of a dossier in the official's read scope (outside it: not found)."""
    try:
        dossier = services.access_dossier(request.user, code)
        return document_response(request, dossier, kind)
    except DomainError as error:
        return render_refusal(request, error)


@require_safe
def portal_document(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    """One public document of the dossier a portal token names; the control slip, which names
    the officials, is not among them."""
    try:
        code = printing.code_from_token(token)
        if kind not in printing.PUBLIC_KINDS:
            raise NotFound(_("This document is not printed from the portal."))
        return document_response(request, selectors.dossier_by_code(code), kind)
    except DomainError as error:
        return render_refusal(request, error)


def portal_url(code: str, kind: str) -> str:
    """The address of a public document for the portal's pages: call it only once the applicant
    has given the second factor for `code`; it works for printing.PORTAL_TOKEN_SECONDS."""
    return reverse(
        "service_pdf:portal", kwargs={"token": printing.portal_token(code), "kind": kind}
    )
