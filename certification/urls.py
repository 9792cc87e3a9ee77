"""URLs of the publisher's pipeline pages."""

from django.urls import path

from certification import views

app_name = "certification"

urlpatterns = [
    path("<int:offer_pk>/", views.overview, name="overview"),
    path("<int:offer_pk>/status/", views.overview_status, name="status"),
    path("<int:offer_pk>/review/", views.review_and_publish, name="review"),
    path("<int:offer_pk>/go-live/", views.go_live, name="go-live"),
    path("<int:offer_pk>/cancel/", views.cancel, name="cancel"),
    path("<int:offer_pk>/stop-selling/", views.stop_selling, name="stop-selling"),
    path("<int:offer_pk>/plans/<int:plan_pk>/stop-selling/", views.plan_stop, name="plan-stop-selling"),
    path("<int:offer_pk>/plans/<int:plan_pk>/sell-again/", views.plan_sell, name="plan-sell-again"),
    path("<int:offer_pk>/findings/<int:finding_pk>/messages/", views.finding_message, name="finding-message"),
    path("<int:offer_pk>/history/", views.history, name="history"),
    path("<int:offer_pk>/compare/", views.compare, name="compare"),
]
