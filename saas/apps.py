"""App configuration for SaaS subscriptions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SaasConfig(AppConfig):
    name = "saas"
    verbose_name = _("SaaS subscriptions")

    def ready(self):
        # AppConfig.ready: the outbox (below) learns how to sign the connection webhook through its registry.
        from outbox.signers import signer_register
        from saas.webhooks import WEBHOOK_SIGNER, webhook_sign

        signer_register(WEBHOOK_SIGNER, webhook_sign)
