"""Staff pages of the one-stop workflow: work lists, a dossier, filing at the counter."""

from django.urls import URLPattern, URLResolver

app_name = "services"
urlpatterns: list[URLPattern | URLResolver] = []
