"""Technical configuration pages: how Microsoft reaches a SaaS offer, and the Azure Application's Entra app."""

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from offers.forms.base import PageForm
from offers.validators import validate_guid, validate_https_url

GUID_HELP = _("A GUID such as 00000000-0000-0000-0000-000000000000.")


class GuidField(forms.CharField):
    """A GUID in its 8-4-4-4-12 form, kept in lower case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", GUID_HELP)
        super().__init__(max_length=36, validators=[validate_guid], **kwargs)

    def to_python(self, value):
        return super().to_python(value).lower()


class EntraAppFormMixin(forms.Form):
    """The Microsoft Entra tenant and application that identify the publisher to Microsoft."""

    tenant_id = GuidField(label=_("Microsoft Entra tenant ID"), required=True)
    app_id = GuidField(label=_("Microsoft Entra application ID"), required=True)

    def entra_layout(self, intro):
        return Fieldset(
            _("Microsoft Entra application"),
            HTML('<p class="small text-body-secondary">' + str(intro) + "</p>"),
            "tenant_id",
            "app_id",
        )


class SaasTechnicalForm(EntraAppFormMixin, PageForm):
    """SaaS sold through Microsoft: the landing page, the webhook and the Entra app that calls the SaaS APIs."""

    landing_page_url = forms.URLField(
        label=_("Landing page URL"),
        max_length=2000,
        required=True,
        validators=[validate_https_url],
        assume_scheme="https",
        help_text=_("Where customers land after buying, to activate and configure their subscription (https)."),
    )
    connection_webhook = forms.URLField(
        label=_("Connection webhook"),
        max_length=2000,
        required=True,
        validators=[validate_https_url],
        assume_scheme="https",
        help_text=_("Microsoft notifies this https endpoint of subscription changes (suspend, reinstate, cancel)."),
    )

    field_order = ["landing_page_url", "connection_webhook", "tenant_id", "app_id"]

    def setup(self):
        self.helper.layout = Layout(
            Fieldset(_("Technical configuration"), "landing_page_url", "connection_webhook"),
            self.entra_layout(_("The application you use to call the SaaS fulfillment APIs.")),
        )


class AzureAppTechnicalForm(EntraAppFormMixin, PageForm):
    """Azure Application: the Entra app used to manage the offer's deployments and receive lead notifications."""

    def setup(self):
        self.helper.layout = Layout(
            self.entra_layout(_("Each plan's package, version and type are set on the plan itself."))
        )
