"""URLs of the publisher's API credentials page, under an offer (``/offers/<pk>/api-credentials/``)."""

from django.urls import path

from saas import views

app_name = "saas-publisher"

urlpatterns = [
    path("<int:offer_pk>/api-credentials/", views.credentials, name="credentials"),
    path(
        "<int:offer_pk>/api-credentials/<int:credential_pk>/revoke/",
        views.credential_revoke_view,
        name="credential-revoke",
    ),
]
