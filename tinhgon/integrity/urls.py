"""The integrity pages, under /integrity/: each part has its own module."""

from django.urls import include, path

app_name = "integrity"

urlpatterns = [
    path("flags/", include("tinhgon.integrity.flags_urls")),
    path("inspections/", include("tinhgon.integrity.inspections_urls")),
    path("discipline/", include("tinhgon.integrity.discipline_urls")),
    path("exports/", include("tinhgon.integrity.exports_urls")),
    path("figures/", include("tinhgon.integrity.figures_urls")),
    path("", include("tinhgon.integrity.cases_urls")),
]
