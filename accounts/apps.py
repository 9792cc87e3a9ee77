"""App configuration for publisher accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Publisher accounts")

    def ready(self):
        # Inner import: the receivers import models, which are ready only now.
        from accounts.receivers import receivers_connect

        receivers_connect()
