"""Pages of the figures of dossiers (Decision 766)."""

from django.urls import URLPattern, URLResolver

app_name = "service_figures"
urlpatterns: list[URLPattern | URLResolver] = []
