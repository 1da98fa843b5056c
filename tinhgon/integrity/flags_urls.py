"""Pages of integrity: flags."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
