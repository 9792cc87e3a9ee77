"""App configuration for certification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def load_demo_data(self, account):
        """Move the demo offers to every status (runs after the offers app created them)."""
        from django.contrib.auth import get_user_model

        from certification.demo import demo_pipeline_load
        from portal.models import Membership

        owner = Membership.objects.filter(account=account, role=Membership.Role.OWNER).select_related("user").first()
        reviewer = get_user_model().objects.filter(email="reviewer@portal.example").first()
        if owner is not None and reviewer is not None:
            demo_pipeline_load(owner, reviewer)
