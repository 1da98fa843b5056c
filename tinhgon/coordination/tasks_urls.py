"""Pages of coordination: tasks."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
