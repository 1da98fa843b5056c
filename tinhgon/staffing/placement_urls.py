"""Pages of staffing: placement (under /staff/placement/, namespace "staffing")."""

from django.urls import URLPattern, path

from tinhgon.staffing import placement_views as views

urlpatterns: list[URLPattern] = [
    path("", views.start, name="placement"),
    path("<int:run_id>/", views.run_detail, name="placement_run"),
    path("<int:run_id>/override/", views.override, name="placement_override"),
    path("<int:run_id>/approve/", views.approve, name="placement_approve"),
]
