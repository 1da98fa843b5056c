"""Pages of integrity: cases."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
