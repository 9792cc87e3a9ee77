"""Sample values for the offer setup, properties, preview audience and consulting pricing pages."""

LEADS_URL = "https://leads.contoso.example/api/leads"

PREVIEW_EMAILS = ["avery.howard@contoso.example", "jordan.mills@contoso.example", "preview@fabrikam.example"]
PREVIEW_SUBSCRIPTIONS = ["4c9a1f2e-7b3d-4e8a-9f61-2d5c8b7a0e13", "a07d3c58-91be-4f26-8c4d-6e2b1f9a7d30"]

HIDE_KEY = "ContosoPreview2024"


def _leads() -> dict:
    return {"leads_destination": "https", "leads_https_url": LEADS_URL, "leads_email": ""}


def saas_setup_data(sell_through_microsoft: bool = True, test_drive: bool = True) -> dict:
    """Return a complete SaaS offer setup; not sold through Microsoft, it lists a free trial."""
    data = {"sell_through_microsoft": str(sell_through_microsoft), **_leads()}
    if not sell_through_microsoft:
        data.update(listing_option="free_trial", listing_url="https://contoso.example/expense-insights/trial")
    if test_drive:
        data["test_drive"] = "on"
    return data


def _setup(offer_type: str) -> dict:
    if offer_type == "saas":
        return saas_setup_data(sell_through_microsoft=True, test_drive=True)
    if offer_type in ("azure_application", "azure_vm"):
        return _leads()
    if offer_type == "consulting":
        return _leads()
    raise KeyError(offer_type)


def _properties(offer_type: str) -> dict:
    industries = {
        "industry_1": "Financial Services",
        "industry_1_subindustries": ["Banking & Capital Markets", "Insurance"],
        "industry_2": "Retail & Consumer Goods",
        "industry_2_subindustries": ["Retailers"],
    }
    if offer_type == "consulting":
        return {
            "primary_product": "azure",
            "service_type": "proof_of_concept",
            "competencies": ["Cloud Platform"],
            **industries,
        }
    if offer_type not in ("saas", "azure_application", "azure_vm"):
        raise KeyError(offer_type)
    return {
        "primary_category": "Analytics",
        "primary_subcategories": ["Business Intelligence", "Data Visualization"],
        "secondary_category": "Productivity",
        "secondary_subcategories": ["Document Management"],
        "app_version": "2.4.1",
        "use_standard_contract": "False",
        "terms_url": "https://contoso.example/legal/terms",
        **industries,
    }


def _preview_audience(offer_type: str) -> dict:
    if offer_type == "saas":
        return {"entries": "\n".join(PREVIEW_EMAILS)}
    if offer_type in ("azure_application", "azure_vm"):
        return {"entries": "\n".join(PREVIEW_SUBSCRIPTIONS)}
    raise KeyError(offer_type)


def _pricing_availability(offer_type: str) -> dict:
    if offer_type != "consulting":
        raise KeyError(offer_type)
    # Matches the sample listing name "Data Migration: 3-Wk Proof of Concept".
    return {
        "markets": ["US", "CA", "GB", "DE"],
        "price_kind": "fixed",
        "price": "15000.00",
        "duration": "3",
        "duration_unit": "weeks",
        "hide_key": HIDE_KEY,
    }


_PAGES = {
    "offer_setup": _setup,
    "properties": _properties,
    "preview_audience": _preview_audience,
    "pricing_availability": _pricing_availability,
}


def page_data(offer_type: str, key: str) -> tuple[dict, dict]:
    """Return POST data and files that make the page Complete for the offer type (KeyError: no such page)."""
    return _PAGES[key](offer_type), {}
