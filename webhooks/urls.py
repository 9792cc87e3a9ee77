"""URLs of the account's webhooks, under account settings."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("<int:endpoint_pk>/", views.endpoint, name="endpoint"),
    path("<int:endpoint_pk>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
    path("<int:endpoint_pk>/enable/", views.endpoint_enable, name="endpoint-enable"),
    path("<int:endpoint_pk>/delete/", views.endpoint_delete, name="endpoint-delete"),
    path("deliveries/<int:delivery_pk>/redeliver/", views.delivery_redeliver, name="delivery-redeliver"),
]
