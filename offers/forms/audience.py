"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class EmailAudienceForm(PageForm):
    pass


class SubscriptionAudienceForm(PageForm):
    pass
