from django.urls import path

from tinhgon.reorg import views

app_name = "reorg"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("template.xlsx", views.plan_template, name="template"),
    path("new/", views.plan_new, name="new"),
    path("<int:plan_id>/steps/new/", views.plan_step_new, name="step_new"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/approve/", views.plan_transition, {"action": "approve"}, name="approve"),
    path("<int:plan_id>/apply/", views.plan_apply_confirm, name="apply"),
    path("<int:plan_id>/decide/", views.plan_decide, name="decide"),
    path("<int:plan_id>/preview/", views.plan_preview_refresh, name="preview"),
    path("<int:plan_id>/rehearse/", views.plan_rehearse, name="rehearse"),
]
