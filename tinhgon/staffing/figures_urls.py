"""Pages of staffing: figures."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
