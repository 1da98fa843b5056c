"""Pages of staffing: figures."""

from django.urls import URLPattern, path

from tinhgon.staffing import figures_views

urlpatterns: list[URLPattern] = [
    path("", figures_views.index, name="figures"),
]
