"""Printable documents of a dossier (PDF)."""

from django.urls import URLPattern, URLResolver

app_name = "service_pdf"
urlpatterns: list[URLPattern | URLResolver] = []
