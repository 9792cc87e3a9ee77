"""URLs of the SaaS Fulfillment API v2 and the Metering API under ``/api`` (the client's base URL)."""

from django.urls import path

from saas import api

app_name = "saas"

urlpatterns = [
    path("oauth2/token", api.token, name="token"),
    path("saas/jwks", api.keys, name="jwks"),
    path("saas/ping", api.ping, name="ping"),
    path("saas/subscriptions/resolve", api.resolve, name="resolve"),
    path("saas/subscriptions/", api.subscriptions, name="subscriptions"),
    path("saas/subscriptions", api.subscriptions),
    path("saas/subscriptions/<str:subscription_id>", api.subscription, name="subscription"),
    path("saas/subscriptions/<str:subscription_id>/listAvailablePlans", api.plans, name="plans"),
    path("saas/subscriptions/<str:subscription_id>/activate", api.activate, name="activate"),
    path("saas/subscriptions/<str:subscription_id>/operations", api.operations, name="operations"),
    path("saas/subscriptions/<str:subscription_id>/operations/<str:operation_id>", api.operation, name="operation"),
    path("usageEvent", api.usage_event, name="usage-event"),
    path("batchUsageEvent", api.batch_usage_event, name="batch-usage-event"),
]
