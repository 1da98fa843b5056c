"""Pages of integrity: the red flags of a unit, and a flag's dismissal."""

from django.urls import URLPattern, path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.integrity import flags_views

urlpatterns: list[URLPattern] = [
    path("units/<id:unit_id>/", flags_views.unit_flags, name="flags"),
    path("<id:flag_id>/dismiss/", flags_views.flag_dismiss, name="flag-dismiss"),
]
