"""Pages of rebalancing (/equipment/rebalance/) and the figures (/equipment/figures/)."""

from django.urls import path

from tinhgon.equipment import figures_views, rebalance_views

urlpatterns = [
    path("rebalance/", rebalance_views.runs_page, name="rebalance"),
    path("rebalance/<int:run_id>/", rebalance_views.run_page, name="rebalance_run"),
    path("rebalance/<int:run_id>/approve/", rebalance_views.run_approve, name="rebalance_approve"),
    path("figures/", figures_views.figures_page, name="figures"),
]
