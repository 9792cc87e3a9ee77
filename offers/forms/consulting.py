"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class ConsultingPricingForm(PageForm):
    pass
