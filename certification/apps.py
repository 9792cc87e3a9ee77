"""App configuration for certification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        # The modules that own a wait register how a step enters it; the engine looks them up by step kind.
        from django_fsm.signals import post_transition

        from accounts.signals import account_verification_decided
        from certification import events, reviews, services  # noqa: F401

        # Accounts sits below certification and cannot call it: it signals, and the waiting submissions resume.
        account_verification_decided.connect(
            services.account_verification_decided_receiver, dispatch_uid="certification-verification-resume"
        )
        # Offers and steps change state in many places, always through their state machines: one webhook each.
        post_transition.connect(events.transition_receiver, dispatch_uid="certification-webhook-transitions")
