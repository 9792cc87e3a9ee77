"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm


class SaasListingForm(PageForm):
    pass


class AzureAppListingForm(PageForm):
    pass


class VmListingForm(PageForm):
    pass


class ConsultingListingForm(PageForm):
    pass
