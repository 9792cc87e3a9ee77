"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from portal.storefront import account_views, api
from portal.storefront import views as storefront

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
    path("", storefront.catalogue, name="catalogue"),
    path("offers/<int:offer_pk>/", storefront.offer, name="offer"),
    path("offers/<int:offer_pk>/buy/<slug:plan_id>/", storefront.buy, name="buy"),
    path("offers/<int:offer_pk>/contact/", storefront.contact, name="contact"),
    path("preview/<slug:storefront>/<str:token>/", storefront.preview, name="preview"),
    path("preview/<slug:storefront>/<str:token>/buy/<slug:plan_id>/", storefront.preview_buy, name="preview-buy"),
    path("preview/<slug:storefront>/<str:token>/contact/", storefront.preview_contact, name="preview-contact"),
    path("files/<int:snapshot_pk>/<int:file_id>/<str:signature>/", storefront.listing_file, name="file"),
    path("api/resolve", api.resolve, name="resolve"),
    path("account/", account_views.account, name="account"),
    path("account/sign-up/", account_views.sign_up, name="sign-up"),
    path("purchases/", account_views.purchases, name="purchases"),
    path("purchases/<uuid:subscription_id>/", account_views.purchase, name="purchase"),
    path("sales/", account_views.sales, name="sales"),
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
