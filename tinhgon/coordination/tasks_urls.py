"""Pages of coordination: directives and tasks (under /coord/)."""

from django.urls import URLPattern, path

from tinhgon.coordination import views
from tinhgon.core import converters  # noqa: F401  (registers <id:...>)

urlpatterns: list[URLPattern] = [
    path("", views.my_tasks, name="tasks"),
    path("directives/", views.directive_list, name="directives"),
    path("directives/new/", views.directive_new, name="directive_new"),
    path("directives/<id:directive_id>/", views.directive_detail, name="directive"),
    path("directives/<id:directive_id>/file/", views.directive_file, name="directive_file"),
    path("tasks/<id:task_id>/", views.task_detail, name="task"),
    path("tasks/<id:task_id>/<slug:move>/", views.task_move, name="task_move"),
    path("extensions/<id:extension_id>/", views.extension_decide, name="extension"),
    path("files/<id:event_id>/", views.event_file, name="event_file"),
]
