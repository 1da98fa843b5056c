"""Pages of coordination: obstacles (/coord/obstacles/)."""

from django.urls import path

from tinhgon.coordination import obstacles_views as views

urlpatterns = [
    path("", views.index, name="obstacles"),
    path("new/", views.raise_new, name="obstacle_new"),
    path("guidance/", views.guidance, name="guidance"),
    path("<int:obstacle_id>/", views.detail, name="obstacle"),
    path("<int:obstacle_id>/publish/", views.publish, name="obstacle_publish"),
    path("<int:obstacle_id>/withdraw/", views.withdraw, name="obstacle_withdraw"),
    path("<int:obstacle_id>/close/", views.close, name="obstacle_close"),
]
