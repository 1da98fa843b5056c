"""Printable documents of a dossier (PDF)."""

from django.urls import URLPattern, URLResolver, path, re_path

from tinhgon.core import converters  # noqa: F401  (registers <code:...> and <id:...>)
from tinhgon.publicservices import pdf_views
from tinhgon.publicservices.printing import KIND_PATTERN

app_name = "service_pdf"
urlpatterns: list[URLPattern | URLResolver] = [
    # /services/pdf/03667-20260302-000001/receipt.pdf
    path("<code:code>/<slug:kind>.pdf", pdf_views.document, name="document"),
    # The applicant's link from the portal: a signed code ("CODE:stamp:signature").
    re_path(
        rf"^cong-dan/(?P<token>[0-9A-Za-z._:-]{{1,200}})/(?P<kind>{KIND_PATTERN})\.pdf$",
        pdf_views.portal_document,
        name="portal",
    ),
]
