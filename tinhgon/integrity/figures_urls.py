"""Pages of the integrity figures (under /integrity/figures/)."""

from django.urls import URLPattern, path

from tinhgon.integrity import figures_views

urlpatterns: list[URLPattern] = [
    path("", figures_views.index, name="figures"),
]
