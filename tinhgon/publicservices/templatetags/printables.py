"""The printable documents of a dossier, for the pages' includes:
`{% load printables %}{% printable_documents dossier as documents %}` (staff: every kind that
applies, at /services/pdf/...), `{% printable_documents dossier public=True as documents %}`
(the portal: the public kinds, at signed links that work for 30 minutes; use it only on a page
shown after the applicant's second factor)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from tinhgon.publicservices import pdf_views, printing
from tinhgon.publicservices.models import Dossier

register = template.Library()


@register.simple_tag
def printable_documents(dossier: Dossier | None, public: bool = False) -> list[dict[str, str]]:
    if dossier is None or not getattr(dossier, "pk", None):
        return []
    found = []
    for kind in printing.kinds_for(dossier, public=public):
        if public:
            url = pdf_views.portal_url(dossier.code, kind)
        else:
            url = reverse("service_pdf:document", kwargs={"code": dossier.code, "kind": kind})
        found.append(
            {
                "kind": kind,
                "title": printing.KINDS[kind].title.capitalize(),
                "form": printing.KINDS[kind].form,
                "url": url,
                "filename": printing.filename(dossier, kind),
            }
        )
    return found
