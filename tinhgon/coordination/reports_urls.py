"""Pages of coordination: reports (/coord/reports/) and the figures (/coord/reports/figures/)."""

from django.urls import path

from tinhgon.coordination import reports_views as views

urlpatterns = [
    path("", views.index, name="reports"),
    path("templates/new/", views.template_new, name="report_template_new"),
    path("rounds/new/", views.round_new, name="report_round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="report_round"),
    path("duties/<int:duty_id>/", views.duty_submit, name="report_submit"),
    path("duties/<int:duty_id>/decide/", views.duty_decide, name="report_decide"),
    path("figures/", views.figures_page, name="figures"),
]
