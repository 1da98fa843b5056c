from django.urls import path

from tinhgon.units import views

app_name = "units"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("units/<int:unit_id>/", views.detail, name="detail"),
]
