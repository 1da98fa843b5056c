"""Pages of staffing: placement."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
