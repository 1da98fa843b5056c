"""Pages of coordination: reports."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
