"""PLACEHOLDER: being written."""

from offers.forms.base import PageForm



class SaasTestDriveForm(PageForm):
    pass


class ArmTestDriveForm(PageForm):
    pass
