"""Pages of integrity: inspections (under /integrity/inspections/)."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.integrity import inspections_views as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="inspections"),
    path("new/", views.new, name="inspection-new"),
    path("export.xlsx", views.export, name="inspections-xlsx"),
    path("plans/", views.plans, name="inspection-plans"),
    path("plans/<id:plan_id>/approve/", views.plan_approve, name="inspection-plan-approve"),
    path("<id:inspection_id>/", views.inspection, name="inspection"),
    path(
        "recommendations/<id:recommendation_id>/<slug:action>/",
        views.answer,
        name="recommendation-act",
    ),
    path("<id:inspection_id>/<slug:action>/", views.act, name="inspection-act"),
]
