"""The coordination pages, under /coord/: each part has its own module."""

from django.urls import include, path

app_name = "coordination"

urlpatterns = [
    path("reports/", include("tinhgon.coordination.reports_urls")),
    path("obstacles/", include("tinhgon.coordination.obstacles_urls")),
    path("", include("tinhgon.coordination.tasks_urls")),
]
