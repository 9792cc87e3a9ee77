"""The built-in offer types of the marketplace and their pages."""

from django.utils.translation import gettext_lazy as _

from offers.constants import storefronts_for_categories, storefronts_for_product
from offers.forms import audience, consulting, listing, plans, properties, resell, setup, technical, test_drive
from offers.types import OfferTypeSpec, PageSpec, PageValues, register


def sells_through_microsoft(values: PageValues) -> bool:
    return values.get("offer_setup", {}).get("sell_through_microsoft") is True


def has_test_drive(values: PageValues) -> bool:
    return bool(values.get("offer_setup", {}).get("test_drive"))


def has_leads(values: PageValues) -> bool:
    return bool(values.get("offer_setup", {}).get("leads_destination"))


def _always_tested(values: PageValues) -> bool:
    return True


def _category_storefronts(values: PageValues) -> tuple[str, ...]:

    return storefronts_for_categories(values.get("properties", {}).get("categories") or [])


def _consulting_storefronts(values: PageValues) -> tuple[str, ...]:

    return storefronts_for_product(values.get("properties", {}).get("primary_product") or "")


OFFER_SETUP = _("Offer setup")
PROPERTIES = _("Properties")
OFFER_LISTING = _("Offer listing")
PREVIEW_AUDIENCE = _("Preview audience")
TECHNICAL_CONFIGURATION = _("Technical configuration")
PLANS = _("Plan overview")
RESELL = _("Resell through CSPs")
TEST_DRIVE = _("Test drive")

SAAS = register(
    OfferTypeSpec(
        key="saas",
        label=_("Software as a Service (SaaS)"),
        description=_("A cloud application that customers subscribe to, billed by you or through Microsoft."),
        pages=(
            PageSpec("offer_setup", OFFER_SETUP, setup.SaasOfferSetupForm),
            PageSpec("properties", PROPERTIES, properties.AppPropertiesForm),
            PageSpec("offer_listing", OFFER_LISTING, listing.SaasListingForm),
            PageSpec("preview_audience", PREVIEW_AUDIENCE, audience.EmailAudienceForm, applies=sells_through_microsoft),
            PageSpec(
                "technical_configuration",
                TECHNICAL_CONFIGURATION,
                technical.SaasTechnicalForm,
                applies=sells_through_microsoft,
            ),
            PageSpec("plans", PLANS, kind="plans", applies=sells_through_microsoft),
            PageSpec("resell", RESELL, resell.ResellForm, applies=sells_through_microsoft),
            PageSpec("test_drive", TEST_DRIVE, test_drive.SaasTestDriveForm, applies=has_test_drive),
        ),
        plan_form=plans.SaasPlanForm,
        requires_testing=sells_through_microsoft,
        storefronts=_category_storefronts,
    )
)

AZURE_APPLICATION = register(
    OfferTypeSpec(
        key="azure_application",
        label=_("Azure Application"),
        description=_("A solution template or managed application deployed into the customer's Azure subscription."),
        pages=(
            PageSpec("offer_setup", OFFER_SETUP, setup.AzureAppOfferSetupForm),
            PageSpec("properties", PROPERTIES, properties.AppPropertiesForm),
            PageSpec("offer_listing", OFFER_LISTING, listing.AzureAppListingForm),
            PageSpec("preview_audience", PREVIEW_AUDIENCE, audience.SubscriptionAudienceForm),
            PageSpec("technical_configuration", TECHNICAL_CONFIGURATION, technical.AzureAppTechnicalForm),
            PageSpec("plans", PLANS, kind="plans"),
            PageSpec("resell", RESELL, resell.ResellForm),
            PageSpec("test_drive", TEST_DRIVE, test_drive.ArmTestDriveForm, applies=has_test_drive),
        ),
        plan_form=plans.AzureAppPlanForm,
        requires_testing=_always_tested,
    )
)

AZURE_VM = register(
    OfferTypeSpec(
        key="azure_vm",
        label=_("Azure virtual machine"),
        description=_("A virtual machine image that customers deploy from the marketplace."),
        pages=(
            PageSpec("offer_setup", OFFER_SETUP, setup.VmOfferSetupForm),
            PageSpec("properties", PROPERTIES, properties.AppPropertiesForm),
            PageSpec("offer_listing", OFFER_LISTING, listing.VmListingForm),
            PageSpec("preview_audience", PREVIEW_AUDIENCE, audience.SubscriptionAudienceForm),
            PageSpec("plans", PLANS, kind="plans", help=_("Each plan holds its own technical configuration.")),
            PageSpec("resell", RESELL, resell.ResellForm),
            PageSpec("test_drive", TEST_DRIVE, test_drive.ArmTestDriveForm, applies=has_test_drive),
        ),
        plan_form=plans.VmPlanForm,
        max_plans=100,
        requires_testing=_always_tested,
    )
)

CONSULTING = register(
    OfferTypeSpec(
        key="consulting",
        label=_("Consulting service"),
        description=_(
            "A fixed-scope professional service: an assessment, briefing, implementation, proof of concept or workshop."
        ),
        pages=(
            PageSpec("offer_setup", OFFER_SETUP, setup.ConsultingOfferSetupForm),
            PageSpec("properties", PROPERTIES, properties.ConsultingPropertiesForm),
            PageSpec("offer_listing", OFFER_LISTING, listing.ConsultingListingForm),
            PageSpec("pricing_availability", _("Pricing and availability"), consulting.ConsultingPricingForm),
        ),
        storefronts=_consulting_storefronts,
    )
)
