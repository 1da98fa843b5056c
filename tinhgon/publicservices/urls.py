"""Staff pages of the one-stop workflow: work lists, a dossier, filing at the counter."""

from django.urls import URLPattern, URLResolver, path

from tinhgon.core import converters  # noqa: F401  (registers <code:...> and <id:...>)
from tinhgon.publicservices import views

app_name = "services"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.work_list, name="list"),
    path("new/", views.dossier_file, name="file"),
    path("<code:code>/", views.dossier_detail, name="detail"),
    path("<code:code>/<slug:move>/", views.dossier_move, name="move"),
]
