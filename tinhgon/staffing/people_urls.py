"""Pages of staffing: people (under /staff/, namespace "staffing")."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.staffing import views

urlpatterns: list[URLPattern] = [
    path("", views.officials_page, name="people"),
    path("officials/<id:official_id>/", views.official_page, name="official"),
    path("positions/", views.positions_page, name="positions"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
