"""Sample offer listing values that make the Offer listing page Complete for every offer type."""

from offers.samples import pdf_upload, png_upload

_DESCRIPTION = (
    "<p><strong>Contoso Expense Insights</strong> turns receipts, card feeds and travel bookings into a single, "
    "audit-ready view of company spending.</p>"
    "<h3>What you get</h3>"
    "<ul><li>Automatic receipt matching with 98% accuracy</li>"
    "<li>Policy checks before expenses are submitted</li>"
    "<li>Exports to Dynamics 365 Finance and SAP</li></ul>"
    '<p>Read the <a href="https://contoso.example/expense-insights/docs">documentation</a> to learn more.</p>'
)

_CONSULTING_DESCRIPTION = (
    "<p>In three weeks our certified engineers move a representative workload from your on-premises SQL Server "
    "estate to Azure SQL Managed Instance and prove performance, security and cost.</p>"
    "<h3>Deliverables</h3>"
    "<ul><li>Assessment of up to 20 databases</li><li>Migration of one production-like workload</li>"
    "<li>A costed plan for the full migration</li></ul>"
)


def _common(offer_type: str) -> tuple[dict, dict]:
    data = {
        "search_keyword_1": "expenses",
        "search_keyword_2": "receipts",
        "screenshot_1_caption": "The spending dashboard",
        "screenshot_2_caption": "Matching a receipt to a card transaction",
        "document_1_name": "Product overview",
        "video_1_name": "Contoso Expense Insights in two minutes",
        "video_1_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    }
    files = {
        "large_logo": png_upload(300, 300, name="logo.png"),
        "screenshot_1": png_upload(1280, 720, name="dashboard.png"),
        "screenshot_2": png_upload(1280, 720, name="matching.png", colour=(0, 120, 212)),
        "document_1_file": pdf_upload(name="overview.pdf", title="Product overview"),
        "video_1_thumbnail": png_upload(1280, 720, name="video-thumbnail.png", colour=(80, 80, 80)),
    }
    return data, files


def _app(offer_type: str) -> dict:
    data = {
        "name": "Contoso Expense Insights",
        "search_results_summary": "Audit-ready expense management with automatic receipt matching.",
        "description": _DESCRIPTION,
        "privacy_policy_url": "https://contoso.example/privacy",
        "useful_link_1_title": "Documentation",
        "useful_link_1_url": "https://contoso.example/expense-insights/docs",
        "useful_link_2_title": "Pricing and licensing FAQ",
        "useful_link_2_url": "https://contoso.example/expense-insights/faq",
        "support_name": "Contoso Support",
        "support_email": "support@contoso.example",
        "support_phone": "+1 425 555 0100",
        "support_url": "https://contoso.example/support",
        "engineering_name": "Avery Howard",
        "engineering_email": "avery.howard@contoso.example",
        "engineering_phone": "+1 425 555 0142",
    }
    if offer_type == "saas":
        data["getting_started_instructions"] = (
            "After you subscribe, sign in at https://contoso.example/expense-insights with your work account, "
            "connect your card feeds under Settings > Sources and invite your finance team."
        )
    else:
        data["short_description"] = "Expense Insights deployed into your own Azure subscription."
    return data


def _consulting() -> dict:
    return {
        "name": "Data Migration: 3-Wk Proof of Concept",
        "search_results_summary": "Prove a SQL Server to Azure SQL Managed Instance migration in three weeks.",
        "description": _CONSULTING_DESCRIPTION,
        "contact_1_name": "Avery Howard",
        "contact_1_email": "avery.howard@contoso.example",
        "contact_1_phone": "+1 425 555 0142",
        "contact_2_name": "Jordan Mills",
        "contact_2_email": "jordan.mills@contoso.example",
        "contact_2_phone": "+44 20 7946 0018",
        "search_keyword_1": "data migration",
        "search_keyword_2": "Azure SQL",
        "screenshot_1_caption": "The migration assessment report",
        "screenshot_2_caption": "Performance before and after the migration",
        "document_1_name": "Engagement overview",
        "video_1_name": "How the proof of concept works",
    }


def page_data(offer_type: str, key: str) -> tuple[dict, dict]:
    """Return the POST data and uploads that make the page Complete for the offer type."""
    if key != "offer_listing":
        raise KeyError(key)
    data, files = _common(offer_type)
    data.update(_consulting() if offer_type == "consulting" else _app(offer_type))
    return data, files
