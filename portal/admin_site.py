"""The portal's admin site: Django's own, with the number of open items next to each reviewer queue and the
account verification queue."""

from django.contrib import admin

from accounts.models import VerificationRequest
from accounts.verification import verification_open_count
from certification.models import REVIEW_QUEUE_MODELS
from certification.reviews import review_open_counts

QUEUE_LEVELS = {model: level for level, model in REVIEW_QUEUE_MODELS.items()}


class PortalAdminSite(admin.AdminSite):
    """The default admin site (``admin.site``), installed by ``portal.apps.PortalAdminConfig``."""

    def get_app_list(self, request, app_label=None):
        """Return Django's app list; each reviewer queue the user may open carries its ``open_count``."""
        app_list = super().get_app_list(request, app_label)
        queues = [model for app in app_list for model in app["models"] if model["model"] in QUEUE_LEVELS]
        if queues:
            counts = self.open_counts(request)
            for model in queues:
                model["open_count"] = counts[QUEUE_LEVELS[model["model"]]]
        for model in (model for app in app_list for model in app["models"] if model["model"] is VerificationRequest):
            if not hasattr(request, "verification_open_count"):  # index and sidebar share one count per request
                request.verification_open_count = verification_open_count()
            model["open_count"] = request.verification_open_count
        return app_list

    def open_counts(self, request) -> dict[str, int]:
        """Return the open items of each queue level, counted once per request (index and sidebar share it)."""
        if not hasattr(request, "review_open_counts"):
            request.review_open_counts = review_open_counts()
        return request.review_open_counts
