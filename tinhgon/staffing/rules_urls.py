"""Pages of staffing: rules (evaluations, leaders against the norm, leavers, the leaver formula)."""

from django.urls import URLPattern, path

from tinhgon.staffing import rules_views

urlpatterns: list[URLPattern] = [
    path("evaluations/", rules_views.evaluations, name="rules-evaluations"),
    path("leaders/", rules_views.leaders_page, name="rules-leaders"),
    path("leavers/", rules_views.leavers_page, name="rules-leavers"),
    path("leavers/<int:leaver_id>/pay/", rules_views.leaver_pay, name="rules-leaver-pay"),
    path("formulas/", rules_views.formulas, name="rules-formulas"),
]
