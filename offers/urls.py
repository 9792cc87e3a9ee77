"""URLs of the offer editor."""

from django.urls import path

from offers import views

app_name = "offers"

urlpatterns = [
    path("new/", views.offer_new, name="new"),
    path("<int:offer_pk>/pages/preview_audience/export.csv", views.audience_export, name="audience-export"),
    path("<int:offer_pk>/pages/<slug:key>/", views.page_edit, name="page"),
    path("<int:offer_pk>/files/<int:file_pk>/", views.offer_file, name="file"),
    path("<int:offer_pk>/plans/new/", views.plan_new, name="plan-new"),
    path("<int:offer_pk>/plans/<int:plan_pk>/", views.plan_edit, name="plan"),
    path("<int:offer_pk>/plans/<int:plan_pk>/delete/", views.plan_remove, name="plan-delete"),
]
