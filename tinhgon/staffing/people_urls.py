"""Pages of staffing: people (under /staff/, namespace "staffing")."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.staffing import views

urlpatterns: list[URLPattern] = [
    path("", views.officials_page, name="people"),
    path("officials/new/", views.official_new, name="official_new"),
    path("officials/<id:official_id>/", views.official_page, name="official"),
    path("officials/<id:official_id>/edit/", views.official_edit, name="official_edit"),
    path("officials/<id:official_id>/training/", views.official_training, name="official_training"),
    path("officials/<id:official_id>/user/", views.official_user, name="official_user"),
    path(
        "officials/<id:official_id>/user/unlink/",
        views.official_user_unlink,
        name="official_user_unlink",
    ),
    path("positions/", views.positions_page, name="positions"),
    path("positions/new/", views.position_new, name="position_new"),
    path("positions/<id:position_id>/close/", views.position_close, name="position_close"),
    path("quotas/", views.quotas_page, name="quotas"),
    path("assignments/new/", views.assignment_new, name="assignment_new"),
    path("assignments/<id:assignment_id>/end/", views.assignment_end, name="assignment_end"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
