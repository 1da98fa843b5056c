"""Pages of the figures of dossiers (Decision 766)."""

from django.urls import URLPattern, URLResolver, path

from tinhgon.publicservices import figures_views

app_name = "service_figures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", figures_views.index, name="index"),
]
