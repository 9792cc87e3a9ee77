"""The marketplace's real limits and closed vocabularies for offer pages, listings and plans."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import constants as account_constants

# -- Identity of an offer and its plans -------------------------------------------------------------------

OFFER_ID_PATTERN = r"^[a-z0-9_-]{1,50}$"
PLAN_ID_PATTERN = r"^[a-z0-9_-]{1,50}$"
IDENTIFIER_MAX_LENGTH = 50
ALIAS_MAX_LENGTH = 50

# -- Offer listing: SaaS, Azure Application, Azure virtual machine ------------------------------------------

LISTING_NAME_MAX_LENGTH = 200
LISTING_NAME_ALLOWED_SYMBOLS = frozenset("™©®")
LISTING_SUMMARY_MAX_LENGTH = 100
LISTING_SHORT_DESCRIPTION_MAX_LENGTH = 256
LISTING_DESCRIPTION_MAX_LENGTH = 5000
LISTING_GETTING_STARTED_MAX_LENGTH = 3000
LISTING_KEYWORDS_MAX = 3
LISTING_KEYWORD_MAX_LENGTH = 50
USEFUL_LINK_TITLE_MAX_LENGTH = 255
SUPPORTING_DOCUMENTS_MIN = 0
SUPPORTING_DOCUMENTS_MAX = 3
SCREENSHOTS_MIN = 0
SAAS_SCREENSHOTS_MIN = 1
SCREENSHOTS_MAX = 5
VIDEOS_MAX = 4

# -- Offer listing: consulting service ----------------------------------------------------------------------

CONSULTING_NAME_MAX_LENGTH = 50
CONSULTING_SUMMARY_MAX_LENGTH = 200
CONSULTING_DESCRIPTION_MAX_LENGTH = 2000
CONSULTING_KEYWORDS_MAX = 3
CONSULTING_SUPPORTING_DOCUMENTS_MIN = 1
CONSULTING_SUPPORTING_DOCUMENTS_MAX = 3
CONSULTING_SCREENSHOTS_MIN = 1
CONSULTING_SCREENSHOTS_MAX = 5
CONSULTING_VIDEOS_MAX = 4
CONSULTING_SUPPORT_CONTACTS = 2
CONSULTING_COMPETENCIES_MAX = 3

# -- Media ----------------------------------------------------------------------------------------------------

LOGO_MIN_PX = 216
LOGO_MAX_PX = 350
LOGO_SIZE_RANGE = (LOGO_MIN_PX, LOGO_MAX_PX)
SCREENSHOT_SIZE = (1280, 720)
VIDEO_THUMBNAIL_SIZE = (1280, 720)
VIDEO_PROVIDERS = ("youtube", "vimeo")

# -- Preview audience -----------------------------------------------------------------------------------------

PREVIEW_AUDIENCE_MIN = 1
PREVIEW_AUDIENCE_MAX = 10
HIDE_KEY_PATTERN = r"^[A-Za-z0-9]+$"

# -- Properties -----------------------------------------------------------------------------------------------

CATEGORIES_MIN = 1
CATEGORIES_MAX = 2
SUBCATEGORIES_MAX = 2
INDUSTRIES_MAX = 2
SUB_INDUSTRIES_MIN = 1
SUB_INDUSTRIES_MAX = 2
LEGAL_TERMS_MAX_LENGTH = 10_000

# -- Plans and technical configuration ------------------------------------------------------------------------

PLAN_NAME_MAX_LENGTH = 200
AZURE_APP_PLAN_NAME_MAX_LENGTH = 50
PLAN_DESCRIPTION_MAX_LENGTH = 3000
METERED_DIMENSIONS_MAX = 30
MANAGED_APP_METERS_MAX = 18
SAAS_FREE_TRIAL_MONTHS = 1
VM_PLANS_MAX = 100
VM_RECOMMENDED_SIZES_MAX = 6
VERSION_PATTERN = r"^[0-9]+\.[0-9]+\.[0-9]+$"


class Storefront(models.TextChoices):
    AZURE_MARKETPLACE = "azure_marketplace", _("Azure Marketplace")
    APPSOURCE = "appsource", _("AppSource")


class ListingOption(models.TextChoices):
    GET_IT_NOW = "get_it_now", _("Get it now")
    FREE_TRIAL = "free_trial", _("Free trial")
    CONTACT_ME = "contact_me", _("Contact me")


class LegalTerms(models.TextChoices):
    STANDARD_CONTRACT = "standard_contract", _("Standard Contract")
    OWN_TERMS = "own_terms", _("Your own terms")


class BillingTerm(models.TextChoices):
    ONE_MONTH = "P1M", _("1 month")
    ONE_YEAR = "P1Y", _("1 year")
    TWO_YEARS = "P2Y", _("2 years")
    THREE_YEARS = "P3Y", _("3 years")


class PricingModel(models.TextChoices):
    FLAT_RATE = "flat_rate", _("Flat rate")
    PER_USER = "per_user", _("Per user")


class PlanVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class AzureAppPlanType(models.TextChoices):
    SOLUTION_TEMPLATE = "solution_template", _("Solution template")
    MANAGED_APPLICATION = "managed_application", _("Managed application")


class VmPricing(models.TextChoices):
    FREE = "free", _("Free")
    FLAT_RATE = "flat_rate", _("Flat rate")
    PER_CORE = "per_core", _("Per core")
    BYOL = "byol", _("Bring your own license (BYOL)")


class VmFreeTrial(models.IntegerChoices):
    ONE_MONTH = 1, _("1 month")
    THREE_MONTHS = 3, _("3 months")
    SIX_MONTHS = 6, _("6 months")


class OsFamily(models.TextChoices):
    WINDOWS = "windows", _("Windows")
    LINUX = "linux", _("Linux")


class TestDriveType(models.TextChoices):
    __test__ = False  # not a pytest test class despite the name

    AZURE_RESOURCE_MANAGER = "azure_resource_manager", _("Azure Resource Manager (ARM template)")
    LOGIC_APP = "logic_app", _("Logic app")
    POWER_BI = "power_bi", _("Power BI")
    DYNAMICS_365 = "dynamics_365", _("Dynamics 365")


SAAS_TEST_DRIVE_TYPES = tuple(TestDriveType)
AZURE_TEST_DRIVE_TYPES = (TestDriveType.AZURE_RESOURCE_MANAGER,)


class ConsultingServiceType(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    BRIEFING = "briefing", _("Briefing")
    IMPLEMENTATION = "implementation", _("Implementation")
    PROOF_OF_CONCEPT = "proof_of_concept", _("Proof of concept")
    WORKSHOP = "workshop", _("Workshop")


# The words a consulting offer's name ends with (`Name: Duration Type`), as published, never translated.
CONSULTING_NAME_TYPES = ("Assessment", "Briefing", "Implementation", "Proof of Concept", "Workshop")
CONSULTING_NAME_DURATION_UNITS = ("Hr", "Hrs", "Hour", "Hours", "Day", "Days", "Wk", "Wks", "Week", "Weeks")


class ConsultingPrice(models.TextChoices):
    FREE = "free", _("Free")
    FIXED = "fixed", _("Fixed")
    ESTIMATED = "estimated", _("Estimated")


class ConsultingDurationUnit(models.TextChoices):
    HOURS = "hours", _("Hours")
    DAYS = "days", _("Days")
    WEEKS = "weeks", _("Weeks")


class ConsultingProduct(models.TextChoices):
    AZURE = "azure", _("Azure")
    DYNAMICS_365 = "dynamics_365", _("Dynamics 365")
    POWER_PLATFORM = "power_platform", _("Power Platform")
    MICROSOFT_365 = "microsoft_365", _("Microsoft 365")


PRIMARY_PRODUCTS = ConsultingProduct.choices
PRODUCT_STOREFRONTS = {
    ConsultingProduct.AZURE: Storefront.AZURE_MARKETPLACE,
    ConsultingProduct.DYNAMICS_365: Storefront.APPSOURCE,
    ConsultingProduct.POWER_PLATFORM: Storefront.APPSOURCE,
    ConsultingProduct.MICROSOFT_365: Storefront.APPSOURCE,
}

# The competencies an account holds are the accounts' vocabulary; a consulting service claims some of them.
COMPETENCIES = account_constants.COMPETENCIES

CATEGORIES = {
    "AI + Machine Learning": ["Bot Services", "Cognitive Services", "Data Labeling", "ML Operations", "Vision"],
    "Analytics": ["Big Data", "Business Intelligence", "Data Governance", "Data Visualization"],
    "Compute": ["Application Infrastructure", "Operating Systems", "Remote Desktop", "Virtual Machine Images"],
    "Databases": ["Caching", "NoSQL", "Relational", "Time Series"],
    "Developer Tools": ["API Management", "DevOps", "Low Code", "Testing"],
    "IT & Management Tools": ["Backup & Recovery", "Management Solutions", "Monitoring", "Service Management"],
    "Networking": ["Application Delivery", "Firewalls", "Load Balancers", "VPN"],
    "Productivity": ["Content Creators", "Document Management", "Email Management", "Project Management"],
    "Security": ["Identity & Access Management", "Information Protection", "Threat Protection"],
    "Storage": ["Archiving", "Backup", "Data Migration", "File Sharing"],
}

# Where a SaaS offer is listed follows from its categories: some belong to one storefront, some to both.
CATEGORY_STOREFRONTS = {
    "AI + Machine Learning": (Storefront.AZURE_MARKETPLACE, Storefront.APPSOURCE),
    "Analytics": (Storefront.AZURE_MARKETPLACE, Storefront.APPSOURCE),
    "Compute": (Storefront.AZURE_MARKETPLACE,),
    "Databases": (Storefront.AZURE_MARKETPLACE,),
    "Developer Tools": (Storefront.AZURE_MARKETPLACE,),
    "IT & Management Tools": (Storefront.AZURE_MARKETPLACE, Storefront.APPSOURCE),
    "Networking": (Storefront.AZURE_MARKETPLACE,),
    "Productivity": (Storefront.APPSOURCE,),
    "Security": (Storefront.AZURE_MARKETPLACE, Storefront.APPSOURCE),
    "Storage": (Storefront.AZURE_MARKETPLACE,),
}

INDUSTRIES = {
    "Education": ["Higher Education", "Primary & Secondary Education", "Libraries & Museums"],
    "Financial Services": ["Banking & Capital Markets", "Insurance"],
    "Government": ["Civilian Government", "Defense & Intelligence", "Public Safety & Justice"],
    "Healthcare": ["Health Payor", "Health Provider", "Pharmaceuticals"],
    "Manufacturing & Resources": ["Automotive", "Discrete Manufacturing", "Energy", "Process Manufacturing"],
    "Retail & Consumer Goods": ["Consumer Goods", "Retailers"],
    "Media & Communications": ["Media & Entertainment", "Telecommunications"],
}

MARKETS = [
    ("AU", _("Australia")),
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BR", _("Brazil")),
    ("CA", _("Canada")),
    ("DK", _("Denmark")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("IN", _("India")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("JP", _("Japan")),
    ("MX", _("Mexico")),
    ("NL", _("Netherlands")),
    ("NZ", _("New Zealand")),
    ("NO", _("Norway")),
    ("SG", _("Singapore")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
]

REGIONS = [
    ("australiaeast", _("Australia East")),
    ("brazilsouth", _("Brazil South")),
    ("canadacentral", _("Canada Central")),
    ("centralus", _("Central US")),
    ("eastasia", _("East Asia")),
    ("eastus", _("East US")),
    ("eastus2", _("East US 2")),
    ("japaneast", _("Japan East")),
    ("northeurope", _("North Europe")),
    ("uksouth", _("UK South")),
    ("westeurope", _("West Europe")),
    ("westus2", _("West US 2")),
]

VM_SIZES = (
    "Standard_B2s",
    "Standard_B2ms",
    "Standard_D2s_v5",
    "Standard_D4s_v5",
    "Standard_D8s_v5",
    "Standard_D16s_v5",
    "Standard_E2s_v5",
    "Standard_E4s_v5",
    "Standard_E8s_v5",
    "Standard_F2s_v2",
    "Standard_F4s_v2",
    "Standard_F8s_v2",
)

# -- Uploads: read from settings at call time, so deployments and tests can change them ----------------------

_MB = 1024 * 1024


def image_max_bytes() -> int:
    """Return the largest accepted image upload, in bytes."""
    return getattr(settings, "OFFER_IMAGE_MAX_BYTES", 5 * _MB)


def pdf_max_bytes() -> int:
    """Return the largest accepted PDF upload, in bytes."""
    return getattr(settings, "OFFER_PDF_MAX_BYTES", 50 * _MB)


def package_max_bytes() -> int:
    """Return the largest accepted package (.zip) upload, in bytes."""
    return getattr(settings, "OFFER_PACKAGE_MAX_BYTES", 50 * _MB)


def package_max_uncompressed_bytes() -> int:
    """Return the largest total size a package may expand to, in bytes (guards against zip bombs)."""
    return getattr(settings, "OFFER_PACKAGE_MAX_UNCOMPRESSED_BYTES", 500 * _MB)


def audience_csv_max_bytes() -> int:
    """Return the largest accepted preview audience CSV upload, in bytes."""
    return getattr(settings, "OFFER_AUDIENCE_CSV_MAX_BYTES", 64 * 1024)


# -- Storefronts ----------------------------------------------------------------------------------------------


def storefronts_for_categories(categories: Iterable) -> tuple[str, ...]:
    """Return the storefronts an offer in these categories is listed in (Azure Marketplace when unknown).

    Each item is a category name, a ``{"category": name, ...}`` dict or a ``(name, subcategories)`` pair.
    """
    found = set()
    for item in categories:
        name = item.get("category") if isinstance(item, dict) else item[0] if isinstance(item, list | tuple) else item
        found.update(CATEGORY_STOREFRONTS.get(name, ()))
    return tuple(store.value for store in Storefront if store in found) or (Storefront.AZURE_MARKETPLACE.value,)


def storefronts_for_product(product: str) -> tuple[str, ...]:
    """Return the storefront a consulting offer for this primary product is listed in."""
    return (PRODUCT_STOREFRONTS.get(product, Storefront.AZURE_MARKETPLACE).value,)
