"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class ResellForm(PageForm):
    pass
