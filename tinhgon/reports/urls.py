from django.urls import path

from tinhgon.reports import views

app_name = "reports"
urlpatterns = [
    path("apparatus/", views.apparatus, name="apparatus"),
    path("staff/", views.staff, name="staff"),
]
