"""App configuration for certification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        # The modules that own a wait register how a step enters it; the engine looks them up by step kind.
        from certification import reviews, services  # noqa: F401
