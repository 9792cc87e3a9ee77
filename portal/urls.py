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
    path("offers/", include("offers.urls")),
    path("offers/", include("certification.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
