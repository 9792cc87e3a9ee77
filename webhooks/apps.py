"""App configuration for webhooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # The outbox signs a webhook when it sends it, by the signer named on the row: register ours by name.
        from outbox.signers import signer_register
        from webhooks.signing import SIGNER, webhook_sign

        signer_register(SIGNER, webhook_sign)
