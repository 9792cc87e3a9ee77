"""URLs of the notification bell."""

from django.urls import path

from certification import notice_views

app_name = "certification-notices"

urlpatterns = [
    path("", notice_views.notice_list, name="list"),
    path("read/", notice_views.notice_read_all, name="read-all"),
    path("<int:notice_pk>/read/", notice_views.notice_read, name="read"),
]
