"""App configuration for offers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers")

    def load_demo_data(self, account):
        """Create the demo offers of `make run` for the account's Owner."""
        from offers.demo import demo_offers_load
        from portal.models import Membership

        owner = Membership.objects.filter(account=account, role=Membership.Role.OWNER).first()
        if owner is not None:
            demo_offers_load(owner)
