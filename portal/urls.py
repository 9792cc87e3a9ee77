"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import storefront, views

portal_patterns = [
    path("", views.landing, name="landing"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("account/switch/", views.switch_account, name="switch-account"),
    path("account/members/", views.members, name="members"),
    path("account/none/", views.no_account, name="no-account"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

storefront_patterns = [
    path("preview/<slug:storefront>/<str:token>/", storefront.preview, name="preview"),
]

urlpatterns = [
    path("marketplace/", include((storefront_patterns, "storefront"))),
    path("", include((portal_patterns, "portal"))),
    path("offers/", include("offers.urls")),
    path("offers/", include("certification.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
