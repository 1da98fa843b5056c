"""Pages of integrity: spreadsheets."""

from django.urls import URLPattern, path

from tinhgon.integrity import exports_views

urlpatterns: list[URLPattern] = [
    path("flags.xlsx", exports_views.flags_xlsx, name="export-flags"),
    path("cases.xlsx", exports_views.cases_xlsx, name="export-cases"),
]
