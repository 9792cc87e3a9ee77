"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class SaasTechnicalForm(PageForm):
    pass


class AzureAppTechnicalForm(PageForm):
    pass
