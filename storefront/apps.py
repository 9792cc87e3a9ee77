"""App configuration for the storefront."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = _("Storefront")

    def ready(self):
        # Inner import (AppConfig.ready): the receivers import models, which must be loaded first.
        from storefront import receivers  # noqa: F401  (connects the catalogue to listing changes)
