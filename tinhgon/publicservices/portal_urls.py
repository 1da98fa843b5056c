"""The citizens' portal: file online, track by code, rate."""

from django.urls import URLPattern, URLResolver, path

from tinhgon.core import converters  # noqa: F401  (registers <code:...> and <id:...>)
from tinhgon.publicservices import portal_views as views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("nop/", views.file, name="file"),
    path("nop/<code:code>/", views.receipt, name="receipt"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<code:code>/", views.dossier, name="dossier"),
    path("tra-cuu/<code:code>/bo-sung/", views.supplement, name="supplement"),
    path("danh-gia/", views.rate, name="rate"),
    path("tai-lieu/<id:document_id>/", views.document, name="document"),
]
