"""Pages of integrity: cases."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.integrity import cases_views

urlpatterns: list[URLPattern] = [
    path("", cases_views.inbox, name="cases"),
    path("cases/new/", cases_views.case_new, name="case_new"),
    path("cases/<id:case_id>/", cases_views.case_detail, name="case"),
    path("cases/<id:case_id>/<slug:document>.pdf", cases_views.case_pdf, name="case_pdf"),
    path(
        "cases/<id:case_id>/<slug:move>/",
        cases_views.case_move,
        name="case_move",
    ),
]
