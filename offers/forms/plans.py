"""PLACEHOLDER"""

from offers.forms.base import PlanForm


class SaasPlanForm(PlanForm):
    pass


class AzureAppPlanForm(PlanForm):
    pass


class VmPlanForm(PlanForm):
    pass
