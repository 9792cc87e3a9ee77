"""The portal's admin site: Django's own, with the dashboard on its index (portal.admin_dashboard), its CSV exports,
and the number of open items next to each reviewer queue and the account verification queue."""

import csv

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path

from accounts.models import VerificationRequest
from accounts.verification import verification_open_count
from certification.models import REVIEW_QUEUE_MODELS
from certification.reviews import review_open_counts, review_overdue_counts
from portal.admin_dashboard import TABLE_AUDIENCE, csv_safe, dashboard_panels, dashboard_table, may_see, staff_role
from portal.figures import VERIFICATION

QUEUE_LEVELS = {model: level for level, model in REVIEW_QUEUE_MODELS.items()}


class PortalAdminSite(admin.AdminSite):
    """The default admin site (``admin.site``), installed by ``portal.apps.PortalAdminConfig``."""

    index_template = "admin/dashboard_index.html"

    def login(self, request, extra_context=None):
        """Staff sign in through the portal's sign-in (allauth: password, then their second step), never through
        admin's own form, which would skip multi-factor authentication."""
        return secure_admin_login(super().login)(request, extra_context)

    def index(self, request, extra_context=None):
        """Show the dashboard panels the user may see above Django's list of models."""
        panels = dashboard_panels(request.user)
        for table in (table for panel in panels for table in panel.tables if table.slug == "queues"):
            # The model list shows the same open counts: counted once, by the dashboard's query.
            request.review_open_counts = {level: table.totals.get(level, 0) for level in QUEUE_LEVELS.values()}
            request.review_overdue_counts = {
                level: table.totals.get(f"overdue:{level}", 0) for level in QUEUE_LEVELS.values()
            }
            if VERIFICATION in table.totals:
                request.verification_open_count = table.totals[VERIFICATION]
        extra_context = {**(extra_context or {}), "dashboard_panels": panels}
        return super().index(request, extra_context)

    def get_urls(self):
        return [
            path("dashboard/<slug:slug>.csv", self.admin_view(self.dashboard_csv), name="dashboard_csv"),
            *super().get_urls(),
        ]

    def dashboard_csv(self, request, slug):
        """Download one dashboard table as CSV: 403 for staff who may not see it, 404 for an unknown table."""
        if slug not in TABLE_AUDIENCE:
            raise Http404
        if not may_see(staff_role(request.user), TABLE_AUDIENCE[slug]):
            raise PermissionDenied
        table = dashboard_table(request.user, slug)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="dashboard-{slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(table.columns)
        writer.writerows([csv_safe(cell) for cell in row] for row in table.rows)
        return response

    def get_app_list(self, request, app_label=None):
        """Return Django's app list; each reviewer queue the user may open carries its ``open_count``."""
        app_list = super().get_app_list(request, app_label)
        queues = [model for app in app_list for model in app["models"] if model["model"] in QUEUE_LEVELS]
        if queues:
            counts = self.open_counts(request)
            overdue = self.overdue_counts(request)
            for model in queues:
                model["open_count"] = counts[QUEUE_LEVELS[model["model"]]]
                model["overdue_count"] = overdue[QUEUE_LEVELS[model["model"]]]
        for model in (model for app in app_list for model in app["models"] if model["model"] is VerificationRequest):
            if not hasattr(request, "verification_open_count"):  # index and sidebar share one count per request
                request.verification_open_count = verification_open_count()
            model["open_count"] = request.verification_open_count
        return app_list

    def overdue_counts(self, request) -> dict[str, int]:
        """Return the items past their due date in each queue level, counted once per request (issue 13)."""
        if not hasattr(request, "review_overdue_counts"):
            request.review_overdue_counts = review_overdue_counts()
        return request.review_overdue_counts

    def open_counts(self, request) -> dict[str, int]:
        """Return the open items of each queue level, counted once per request (index and sidebar share it)."""
        if not hasattr(request, "review_open_counts"):
            request.review_open_counts = review_open_counts()
        return request.review_open_counts
