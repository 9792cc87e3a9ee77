"""Automated content validation: the listing rules, media, working links, banned terms, language and categories."""

import re
import unicodedata
from html import unescape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.checks.base import Finding, Severity, StepContext, unverified_finding
from offers import constants as c
from offers.forms.properties import CATEGORY_SLOTS, INDUSTRY_SLOTS
from offers.types import offer_type
from outbox.outbound import outbound_request

LISTING = "offer_listing"
PROPERTIES = "properties"
POLICY_LINKS = "100.5"
POLICY_DISCOVERABILITY = "100.2"
POLICY_DESCRIPTION = "100.1.3"
POLICY_INAPPROPRIATE = "100.10"

# The policy a form error cites, by page and then by the first pattern its field name matches.
FIELD_POLICIES = {
    LISTING: (
        (r"name", "100.1.1"),
        (r"search_results_summary", "100.1.2"),
        (r"short_description|description|getting_started_instructions", POLICY_DESCRIPTION),
        (r"search_keyword_\d+", POLICY_DISCOVERABILITY),
        (r"large_logo|screenshot_\d+(_caption)?|video_\d+_\w+", "100.3"),
        (r"privacy_policy_url", "100.6"),
    ),
    PROPERTIES: ((r"use_standard_contract|terms_text|terms_url", "100.4"),),
    "technical_configuration": (
        (r"landing_page_url", "1000.6"),
        (r"connection_webhook", "1000.4"),
        (r"tenant_id|app_id", "1000.3"),
    ),
}
PAGE_POLICIES = {PROPERTIES: POLICY_DISCOVERABILITY, "pricing_availability": "100.4", "resell": "100.4"}

# Listing images; their sizes are the marketplace's, in offers.constants.
IMAGE_FIELDS = re.compile(r"large_logo|screenshot_\d+|video_\d+_thumbnail")
LINK_FIELDS = re.compile(r"privacy_policy_url|support_url|useful_link_\d+_url")
TEXT_FIELDS = re.compile(
    r"name|search_results_summary|short_description|description|getting_started_instructions"
    r"|search_keyword_\d+|screenshot_\d+_caption|video_\d+_name|useful_link_\d+_title"
)
PROSE_FIELDS = ("name", "search_results_summary", "short_description", "description", "getting_started_instructions")

# Claims nobody can verify, and content that is never acceptable: (pattern, policy, code).
BANNED_TERMS = (
    (r"best in the world|world['\u2019]?s best", POLICY_DESCRIPTION, "unverifiable_claim"),
    (r"guaranteed\s+(?:#|no\.?\s*|number\s+)1\b", POLICY_DESCRIPTION, "unverifiable_claim"),
    (r"free forever", POLICY_DESCRIPTION, "unverifiable_claim"),
    (r"100\s*%\s*secure|unhackable|hack-proof", POLICY_DESCRIPTION, "unverifiable_claim"),
    (
        r"f[u*]ck(?:s|ed|er|ing)?|(?:bull)?sh[i*]t(?:s|ty)?|wtf|crap|damn|[a-z]{1,2}\*+[a-z]{1,2}|[a-z]\*{2,}|\$#[@!%]+",
        POLICY_INAPPROPRIATE,
        "profanity",
    ),
    (
        r"(?:better|faster|cheaper|safer|more secure)\s+than\s+(?:microsoft|azure|office 365|microsoft 365|dynamics 365)"
        r"|(?:microsoft|azure)\s+(?:sucks|is (?:bad|terrible|awful|useless))",
        POLICY_INAPPROPRIATE,
        "disparaging",
    ),
)
BANNED_MESSAGES = {
    "unverifiable_claim": gettext_lazy("Remove “%(term)s”: a claim nobody can verify misleads customers."),
    "profanity": gettext_lazy("Remove “%(term)s”: listings may not contain profanity."),
    "disparaging": gettext_lazy("Remove “%(term)s”: describe your offer without disparaging others."),
}
_BANNED = tuple(
    (re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE), policy, code) for pattern, policy, code in BANNED_TERMS
)

# Frequent English function words that are not also common words of other Latin-script languages.
_STOPWORDS = (
    "the and of to for with your you that this it are be by from or as at on our we can all more into has have "
    "their they not how what when each any its been than up out about which who there these those them do does "
    "if would should could just only other over such through after before while where"
)
ENGLISH_STOPWORDS = frozenset(_STOPWORDS.split())
LANGUAGE_MIN_WORDS = 20
ENGLISH_STOPWORD_SHARE_MIN = 0.12
LATIN_SHARE_MIN = 0.5
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_TAG = re.compile(r"<[^>]*>")


def check_content(ctx: StepContext) -> list[Finding]:
    """Check the snapshot's listing against the content rules; each problem cites its policy and field."""
    findings = _category_findings(ctx)
    flagged = {(f.page, f.field) for f in findings}
    findings += [f for f in _form_findings(ctx) if (f.page, f.field) not in flagged]
    findings += _media_findings(ctx)
    flagged = {(f.page, f.field) for f in findings}
    findings += _link_findings(ctx, skip=flagged)
    findings += _banned_term_findings(ctx)
    findings += _language_findings(ctx)
    return findings


def _policy(page: str, field: str) -> str:
    for pattern, policy in FIELD_POLICIES.get(page, ()):
        if re.fullmatch(pattern, field):
            return policy
    return PAGE_POLICIES.get(page, POLICY_LINKS)


def _form_findings(ctx: StepContext) -> list[Finding]:
    """Bind each page's form to the snapshot values for completeness, as page status does."""
    pages = ctx.snapshot.get("pages") or {}
    file_ids = [int(file_id) for file_id in (ctx.snapshot.get("files") or {})]
    findings = []
    for spec in offer_type(ctx.offer_type).pages_for(pages):
        if spec.kind != "form" or spec.form is None:
            continue
        if spec.key not in pages:
            findings.append(
                Finding(
                    "content.page_missing",
                    _("The %(page)s page is missing; complete it.") % {"page": spec.title},
                    policy=_policy(spec.key, ""),
                    page=spec.key,
                )
            )
            continue
        form = spec.form(data=pages[spec.key], offer=ctx.offer, values=pages, complete=True, file_ids=file_ids)
        for name, errors in (form.errors if not form.is_valid() else {}).items():
            field = name if name in form.fields else ""
            label = str(form.fields[name].label or name) if field else str(spec.title)
            for error in errors:
                findings.append(
                    Finding(
                        "content.rule",
                        f"{label}: {error}",
                        policy=_policy(spec.key, field),
                        page=spec.key,
                        field=field,
                    )
                )
    return findings


def _image_size_problem(field: str, record: dict) -> str:
    """Return the size the image must have when its frozen record does not fit, else ""."""
    width, height = record.get("width") or 0, record.get("height") or 0
    if field == "large_logo":
        low, high = c.LOGO_SIZE_RANGE
        fits = width == height and low <= width <= high
        wanted = _("square, %(min)d to %(max)d") % {"min": low, "max": high}
    else:
        size = c.VIDEO_THUMBNAIL_SIZE if field.endswith("thumbnail") else c.SCREENSHOT_SIZE
        fits, wanted = (width, height) == tuple(size), f"{size[0]} x {size[1]}"
    return "" if fits and record.get("content_type") == "image/png" else wanted


def _media_findings(ctx: StepContext) -> list[Finding]:
    """Check each listing image is a PNG of the size its place requires, from the frozen file records."""
    files = ctx.snapshot.get("files") or {}
    findings = []
    for field, file_id in ctx.page(LISTING).items():
        record = files.get(str(file_id)) if IMAGE_FIELDS.fullmatch(field) else None
        wanted = _image_size_problem(field, record) if record else ""
        if wanted:
            findings.append(
                Finding(
                    "content.image_size",
                    _("%(name)s must be a PNG image of %(wanted)s pixels.")
                    % {"name": record.get("name"), "wanted": wanted},
                    policy="100.3",
                    page=LISTING,
                    field=field,
                )
            )
    return findings


def _link_findings(ctx: StepContext, *, skip: set) -> list[Finding]:
    """Request each link of the listing over HTTPS (once per address); any 2xx or 3xx answer counts.

    With no network on this machine (and OUTBOUND_OFFLINE_WARN on), a link that could not be requested is a
    warning that it could not be verified, never the publisher's failure.
    """
    answers: dict[str, object] = {}
    findings = []
    for field, url in ctx.page(LISTING).items():
        if not LINK_FIELDS.fullmatch(field) or not url or (LISTING, field) in skip:
            continue
        if url not in answers:
            answers[url] = outbound_request("GET", url)
        result = answers[url]
        if ctx.unverified(result):
            what = _("The link %(url)s") % {"url": url}
            findings.append(
                unverified_finding("content.link_unverified", what, policy=POLICY_LINKS, page=LISTING, field=field)
            )
        elif not result.ok:
            findings.append(
                Finding(
                    "content.link_unreachable",
                    _("The link %(url)s does not work: %(detail)s Fix the page it points to or the address.")
                    % {"url": url, "detail": result.detail},
                    policy=POLICY_LINKS,
                    page=LISTING,
                    field=field,
                )
            )
    return findings


def listing_texts(ctx: StepContext):
    """Yield (page, field, plain text) of every text customers read: the listing and the plans."""
    for field, value in ctx.page(LISTING).items():
        if isinstance(value, str) and value and TEXT_FIELDS.fullmatch(field):
            yield LISTING, field, unescape(_TAG.sub(" ", value))
    for plan in ctx.plans:
        for field in ("name", "description"):
            if plan["data"].get(field):
                yield f"plan:{plan['plan_id']}", field, str(plan["data"][field])


def _banned_term_findings(ctx: StepContext) -> list[Finding]:
    findings = []
    for page, field, text in listing_texts(ctx):
        for pattern, policy, code in _BANNED:
            match = pattern.search(text)
            if match:
                message = BANNED_MESSAGES[code] % {"term": match.group(0)}
                findings.append(Finding(f"content.{code}", message, policy=policy, page=page, field=field))
    return findings


def language_problem(text: str) -> str:
    """Return why the text does not read as English, or "" when it does (or is too short to judge)."""
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    if len(letters) >= 3 and latin / len(letters) < LATIN_SHARE_MIN:
        return _("most of it is not written in the Latin alphabet")
    words = _WORD.findall(text.lower())
    if len(words) >= LANGUAGE_MIN_WORDS:
        share = sum(1 for word in words if word in ENGLISH_STOPWORDS) / len(words)
        if share < ENGLISH_STOPWORD_SHARE_MIN:
            return _("it does not read as English")
    return ""


def _language_findings(ctx: StepContext) -> list[Finding]:
    findings = []
    for page, field, text in listing_texts(ctx):
        if page != LISTING or field not in PROSE_FIELDS:
            continue
        problem = language_problem(text)
        if problem:
            findings.append(
                Finding(
                    "content.language",
                    _("Write the listing in English: %(problem)s.") % {"problem": problem},
                    policy=POLICY_DESCRIPTION,
                    page=page,
                    field=field,
                )
            )
    return findings


def _category_findings(ctx: StepContext) -> list[Finding]:
    """Check categories, subcategories and industries belong together, and the categories fit the storefronts."""
    values = ctx.page(PROPERTIES)
    slots = INDUSTRY_SLOTS if ctx.offer_type == "consulting" else (*CATEGORY_SLOTS, *INDUSTRY_SLOTS)
    findings = []

    def add(field, message, severity=Severity.CRITICAL):
        findings.append(
            Finding(
                "content.category_fit",
                message,
                policy=POLICY_DISCOVERABILITY,
                page=PROPERTIES,
                field=field,
                severity=severity,
            )
        )

    for parent, children, vocabulary, limit in slots:
        owner, chosen = values.get(parent) or "", values.get(children) or []
        if owner and owner not in vocabulary:
            add(parent, _("“%(name)s” is not a category or industry of the marketplace.") % {"name": owner})
        elif len(chosen) > limit:
            add(children, _("Choose at most %(max)d of %(owner)s.") % {"max": limit, "owner": owner})
        elif chosen and (strangers := [name for name in chosen if name not in vocabulary.get(owner, ())]):
            add(
                children,
                _("Not part of %(owner)s: %(names)s.") % {"owner": owner or "—", "names": ", ".join(strangers)},
            )
    if ctx.offer_type == "consulting":
        if values.get("primary_product") not in c.PRODUCT_STOREFRONTS:
            add("primary_product", _("Choose the Microsoft product the service is for."))
        return findings
    categories = [name for name in (values.get("primary_category"), values.get("secondary_category")) if name]
    if not categories:
        add("primary_category", _("Choose a primary category so customers can find the offer."))
    elif ctx.offer_type in ("azure_application", "azure_vm"):
        # These offers are listed in Azure Marketplace only; an AppSource-only category finds no customer there.
        elsewhere = [n for n in categories if c.Storefront.AZURE_MARKETPLACE not in c.CATEGORY_STOREFRONTS.get(n, ())]
        for name in elsewhere:
            field = "primary_category" if name == categories[0] else "secondary_category"
            severity = Severity.CRITICAL if len(elsewhere) == len(categories) else Severity.WARNING
            add(
                field,
                _("%(name)s is not an Azure Marketplace category; customers will not find the offer under it.")
                % {"name": name},
                severity,
            )
    return findings
