from django.urls import path

from tinhgon.core import converters  # noqa: F401  (registers <id:...>)
from tinhgon.units import views

app_name = "units"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("units/<id:unit_id>/", views.detail, name="detail"),
]
