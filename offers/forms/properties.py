"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class AppPropertiesForm(PageForm):
    pass


class ConsultingPropertiesForm(PageForm):
    pass
