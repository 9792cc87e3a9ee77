"""URLs of the REST API, under /api/v1/: the schema and its docs, offers, pages, plans, publishing, submissions."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views

app_name = "api"

OFFER = "offers/<int:offer_pk>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the vendored sidecar files; its start-up script is served by the same view (?script=), never
    # inline, as the portal's CSP requires.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("offers/", views.OfferListView.as_view(), name="offers"),
    path(OFFER, views.OfferDetailView.as_view(), name="offer"),
    path(OFFER + "pages/", views.PageListView.as_view(), name="pages"),
    path(OFFER + "pages/<str:key>/", views.PageView.as_view(), name="page"),
    path(OFFER + "plans/", views.PlanListView.as_view(), name="plans"),
    path(OFFER + "plans/<int:plan_pk>/", views.PlanView.as_view(), name="plan"),
    path(OFFER + "plans/<int:plan_pk>/stop-selling/", views.PlanStopSellingView.as_view(), name="plan-stop-selling"),
    path(OFFER + "plans/<int:plan_pk>/sell-again/", views.PlanSellAgainView.as_view(), name="plan-sell-again"),
    path(OFFER + "review/", views.ReviewView.as_view(), name="review"),
    path(OFFER + "validate/", views.ValidateView.as_view(), name="validate"),
    path(OFFER + "publish/", views.PublishView.as_view(), name="publish"),
    path(OFFER + "republish/", views.RepublishView.as_view(), name="republish"),
    path(OFFER + "go-live/", views.GoLiveView.as_view(), name="go-live"),
    path(OFFER + "cancel/", views.CancelView.as_view(), name="cancel"),
    path(OFFER + "stop-selling/", views.StopSellingView.as_view(), name="stop-selling"),
    path(OFFER + "submissions/", views.SubmissionListView.as_view(), name="submissions"),
    path(OFFER + "submissions/<int:number>/", views.SubmissionView.as_view(), name="submission"),
    path(OFFER + "submissions/<int:number>/report/", views.ReportView.as_view(), name="report"),
    path(OFFER + "history/", views.HistoryView.as_view(), name="history"),
    path(OFFER + "compare/", views.CompareView.as_view(), name="compare"),
    re_path(r"", views.not_found),  # last: any other address under /api/v1/ is a problem-shaped 404
]
