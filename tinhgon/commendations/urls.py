"""The commendations pages, under /commendations/."""

from django.urls import URLPattern, path

from tinhgon.commendations import catalogue_views, views, workflow_views
from tinhgon.core import converters  # noqa: F401  (registers <id:...>)

app_name = "commendations"

urlpatterns: list[URLPattern] = [
    path("", views.register, name="register"),
    path("figures/", views.figures_page, name="figures"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("read-out/", views.read_out, name="read_out"),
    path("read-out.pdf", views.read_out_pdf, name="read_out_pdf"),
    path("decisions/<id:decision_id>/", views.decision, name="decision"),
    path("decisions/<id:decision_id>/pdf", views.decision_pdf, name="decision_pdf"),
    path("forms/", catalogue_views.forms_page, name="forms"),
    path("forms/<slug:code>/edit/", catalogue_views.form_edit, name="form_edit"),
    path("rules/", catalogue_views.rules, name="rules"),
    path("rules/<id:rule_id>/remove/", catalogue_views.rule_remove, name="rule_remove"),
    path("campaigns/", workflow_views.campaigns, name="campaigns"),
    path("campaigns/new/", workflow_views.campaign_new, name="campaign_new"),
    path("campaigns/<id:campaign_id>/", workflow_views.campaign, name="campaign"),
    path(
        "campaigns/<id:campaign_id>/quotas/",
        catalogue_views.campaign_quotas,
        name="campaign_quotas",
    ),
    path("campaigns/<id:campaign_id>/propose/", workflow_views.proposal_new, name="proposal_new"),
    path("campaigns/<id:campaign_id>/decide/", workflow_views.decision_new, name="decision_new"),
    path("proposals/<id:proposal_id>/", workflow_views.proposal, name="proposal"),
    path(
        "proposals/<id:proposal_id>/submit/",
        workflow_views.proposal_submit,
        name="proposal_submit",
    ),
    path(
        "proposals/<id:proposal_id>/review/",
        workflow_views.proposal_review,
        name="proposal_review",
    ),
]
