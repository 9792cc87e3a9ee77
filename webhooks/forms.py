"""The form of a webhook endpoint: an https URL the private-address policy admits, and the events it receives."""

from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from outbox.outbound import OutboundRefused, OutboundUnresolved, outbound_check_url
from webhooks.models import WebhookEventType


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Each event is POSTed here as JSON, signed per the Standard Webhooks specification."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if urlsplit(url).scheme.lower() != "https":
            raise forms.ValidationError(_("Enter an address that starts with https://."), code="https")
        URLValidator(schemes=["https"], message=_("Enter a valid https address with a host name."))(url)
        try:
            outbound_check_url(url)
        except OutboundUnresolved:
            pass  # a name that does not resolve yet: each delivery checks its addresses again when it is sent
        except OutboundRefused as refused:
            raise forms.ValidationError(
                _("This address cannot receive webhooks: %(reason)s") % {"reason": refused}, code="private"
            ) from refused
        return url
