"""App configuration for offers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers")

    def ready(self):
        # Importing the module registers the built-in offer types; it imports forms, so not before models load.
        from offers import offer_types  # noqa: F401
