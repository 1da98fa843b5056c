"""The staffing pages, under /staff/: each part of the capability has its own module."""

from django.urls import include, path

app_name = "staffing"

urlpatterns = [
    path("figures/", include("tinhgon.staffing.figures_urls")),
    path("placement/", include("tinhgon.staffing.placement_urls")),
    path("rules/", include("tinhgon.staffing.rules_urls")),
    path("", include("tinhgon.staffing.people_urls")),
]
