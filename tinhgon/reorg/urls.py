from django.urls import path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.reorg import views

app_name = "reorg"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("template.xlsx", views.plan_template, name="template"),
    path("new/", views.plan_new, name="new"),
    path("<id:plan_id>/steps/new/", views.plan_step_new, name="step_new"),
    path("<id:plan_id>/", views.plan_detail, name="detail"),
    path("<id:plan_id>/approve/", views.plan_transition, {"action": "approve"}, name="approve"),
    path("<id:plan_id>/apply/", views.plan_apply_confirm, name="apply"),
    path("<id:plan_id>/decide/", views.plan_decide, name="decide"),
    path("<id:plan_id>/preview/", views.plan_preview_refresh, name="preview"),
    path("<id:plan_id>/rehearse/", views.plan_rehearse, name="rehearse"),
]
