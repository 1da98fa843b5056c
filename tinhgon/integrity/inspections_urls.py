"""Pages of integrity: inspections (under /integrity/inspections/)."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.integrity import inspections_views as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="inspections"),
    path("new/", views.new, name="inspection-new"),
    path("<id:inspection_id>/", views.inspection, name="inspection"),
    path(
        "recommendations/<id:recommendation_id>/<slug:action>/",
        views.answer,
        name="recommendation-act",
    ),
    path("<id:inspection_id>/<slug:action>/", views.act, name="inspection-act"),
]
