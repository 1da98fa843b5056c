"""Pages of staffing: rules."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
