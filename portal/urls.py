"""Root URL configuration: each app's URLs under its prefix."""

from django.contrib import admin
from django.urls import include, path

from portal import views

portal_patterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

urlpatterns = [
    path("marketplace/", include("storefront.urls")),
    path("", include((portal_patterns, "portal"))),
    path("", include("accounts.urls")),
    path("auth/", include("allauth.urls")),  # password reset and change, email, MFA, sessions (issue 22)
    path("account/settings/webhooks/", include("webhooks.urls")),
    path("offers/", include("offers.urls")),
    path("offers/", include("certification.urls")),
    path("notifications/", include("certification.notice_urls")),  # the bell (issue 13)
    path("offers/", include("saas.publisher_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", include("api.urls")),
    path("api/", include("saas.urls")),  # the SaaS Fulfillment and Metering APIs, OAuth token, JWKS
    path("admin/", admin.site.urls),
]
