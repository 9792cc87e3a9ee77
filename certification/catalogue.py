"""The certification policy catalogue as first seeded; operators edit it in admin afterwards."""

SECTIONS = [
    ("100", "General"),
    ("200", "Virtual machines"),
    ("300", "Azure applications"),
    ("800", "Consulting services"),
    ("1000", "Software as a Service (SaaS)"),
]

POLICIES = [
    (
        "100",
        "100.1.1",
        "Title",
        "The offer name describes the offer accurately and is not padded with keywords or symbols.",
    ),
    ("100", "100.1.2", "Summary", "The search results summary says in one line what the offer does."),
    (
        "100",
        "100.1.3",
        "Description",
        "The description explains the offer's value and how it uses Microsoft platforms, in clear English.",
    ),
    (
        "100",
        "100.1.5",
        "Active and visible presence",
        "The publisher keeps a working website and support for the offer.",
    ),
    ("100", "100.2", "Discoverability", "Categories, industries and keywords fit what the offer really does."),
    (
        "100",
        "100.3",
        "Graphic elements",
        "The logo, screenshots and videos are clear, relevant and of the required size.",
    ),
    ("100", "100.4", "Acquisition, pricing and terms", "Plans, prices, markets and terms are complete and consistent."),
    ("100", "100.5", "Offer information", "Every link works and every contact and lead destination can be reached."),
    ("100", "100.6", "Personal information", "A privacy policy link tells customers how their data is used."),
    (
        "100",
        "100.7",
        "Accurate source",
        "The offer comes from the publisher that owns it or is allowed to distribute it.",
    ),
    ("100", "100.8", "Significant value", "The offer gives customers enough value to stand on its own."),
    ("100", "100.10", "Inappropriate content", "No offensive, misleading or disparaging content."),
    ("100", "100.11", "Security", "No malware, and no insecure or private network destinations."),
    ("100", "100.12", "Functionality", "The offer works as described, and its endpoints answer."),
    ("100", "100.13", "Business requirements", "The publisher is verified, enrolled and eligible for the offer type."),
    ("100", "100.14", "Testability", "Notes for certification give reviewers what they need to test the offer."),
    ("200", "200.1", "Technical configuration", "VM images, sizes and ports are complete, reachable and secure."),
    ("300", "300.1", "Package", "The package is a safe zip that holds the required template files."),
    ("300", "300.2", "Template", "mainTemplate.json is a valid deployment template."),
    (
        "300",
        "300.3",
        "User interface definition",
        "createUiDefinition.json is valid and feeds every required template parameter.",
    ),
    (
        "800",
        "800.1",
        "Consulting offer content",
        "The offer is a fixed-scope service with a clear duration, deliverables and price.",
    ),
    ("1000", "1000.3", "Single sign-on", "Customers sign in with Microsoft Entra ID to the landing page."),
    ("1000", "1000.4", "Fulfillment APIs", "The connection webhook answers the marketplace's subscription events."),
    (
        "1000",
        "1000.6",
        "Landing page",
        "The landing page answers over HTTPS and lets customers activate their subscription.",
    ),
]


def catalogue_seed(section_model, policy_model) -> None:
    """Create the sections and policies that are missing (existing ones are left as operators edited them)."""
    sections = {}
    for number, title in SECTIONS:
        sections[number], _created = section_model.objects.get_or_create(number=number, defaults={"title": title})
    for section, number, title, gist in POLICIES:
        policy_model.objects.get_or_create(
            number=number, defaults={"section": sections[section], "title": title, "gist": gist}
        )
