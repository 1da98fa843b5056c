"""The citizens' portal."""

from django.urls import URLPattern, URLResolver

app_name = " file online, track by code, rate:portal"
urlpatterns: list[URLPattern | URLResolver] = []
