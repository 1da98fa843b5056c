"""Pages of coordination: obstacles."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
