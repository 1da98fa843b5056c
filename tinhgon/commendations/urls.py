"""The commendations pages, under /commendations/."""

from django.urls import URLPattern, path

from tinhgon.commendations import views
from tinhgon.core import converters  # noqa: F401  (registers <id:...>)

app_name = "commendations"

urlpatterns: list[URLPattern] = [
    path("", views.register, name="register"),
]
