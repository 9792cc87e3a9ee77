"""Plan forms of the app offer types: SaaS, Azure Application and Azure virtual machine."""

from offers.forms.plans.azure_app import AzureAppPlanForm
from offers.forms.plans.saas import SaasPlanForm, term_price_field
from offers.forms.plans.vm import VmPlanForm

__all__ = ["AzureAppPlanForm", "SaasPlanForm", "VmPlanForm", "term_price_field"]
