"""URLs of the storefront: the catalogue, offer pages, previews, purchases, and leads (the SaaS APIs are the saas app's, under /api)."""

from django.urls import path

from storefront import account_views, views

app_name = "storefront"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("offers/<int:offer_pk>/", views.offer, name="offer"),
    path("offers/<int:offer_pk>/buy/<slug:plan_id>/", views.buy, name="buy"),
    path("offers/<int:offer_pk>/contact/", views.contact, name="contact"),
    path("preview/<slug:storefront>/<str:token>/", views.preview, name="preview"),
    path("preview/<slug:storefront>/<str:token>/buy/<slug:plan_id>/", views.preview_buy, name="preview-buy"),
    path("preview/<slug:storefront>/<str:token>/contact/", views.preview_contact, name="preview-contact"),
    path("files/<int:snapshot_pk>/<int:file_id>/<str:signature>/", views.listing_file, name="file"),
    path("account/", account_views.account, name="account"),
    path("account/sign-up/", account_views.sign_up, name="sign-up"),
    path("purchases/", account_views.purchases, name="purchases"),
    path("purchases/<uuid:subscription_id>/", account_views.purchase, name="purchase"),
    path("purchases/<uuid:subscription_id>/change/", account_views.purchase_change, name="purchase-change"),
    path("purchases/<uuid:subscription_id>/cancel/", account_views.purchase_cancel, name="purchase-cancel"),
    path("sales/", account_views.sales, name="sales"),
]
