"""Pages of integrity: discipline proceedings (/integrity/discipline/)."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.integrity import discipline_views as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="discipline"),
    path("new/", views.proceeding_new, name="discipline_new"),
    path("<id:proceeding_id>/", views.detail, name="proceeding"),
    path("<id:proceeding_id>/<slug:move>/", views.proceeding_move, name="proceeding_move"),
]
