"""Functionality probe: a SaaS offer's endpoints answer, and Azure technical configurations hold together."""

import datetime
import re
import uuid
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.checks.base import Finding, Severity, StepContext, unverified_finding
from offers import constants as c
from offers.models import Plan
from outbox.outbound import outbound_request

POLICY = "100.12"
POLICY_LANDING_PAGE = "1000.6"
POLICY_FULFILLMENT = "1000.4"
TECHNICAL = "technical_configuration"
VM_IMAGE_SLOTS = 8  # offers.forms.plans.vm.VM_IMAGE_VERSIONS_MAX
SAS_MIN_VALIDITY = datetime.timedelta(days=21)  # Microsoft copies the image over weeks; it asks for 3 of them
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_GUID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.I)


def check_functionality(ctx: StepContext) -> list[Finding]:
    """Probe what the offer type needs to work for customers, as far as it can be checked without a human."""
    if ctx.offer_type == "saas":
        sold = ctx.page("offer_setup").get("sell_through_microsoft") is True
        return _saas_findings(ctx) if sold else []
    if ctx.offer_type == "azure_application":
        return _entra_findings(ctx) + _plans_findings(ctx, _azure_app_plan)
    if ctx.offer_type == "azure_vm":
        return _plans_findings(ctx, _vm_plan)
    return []


def webhook_test_event(ctx: StepContext) -> dict:
    """Return a test Unsubscribe event shaped like the SaaS fulfillment webhook's; its ids are stable per step."""
    seed = uuid.uuid5(uuid.NAMESPACE_URL, f"publisher-portal:{ctx.key}")
    plans = [plan["plan_id"] for plan in ctx.plans]
    return {
        "id": str(uuid.uuid5(seed, "operation")),
        "activityId": str(uuid.uuid5(seed, "activity")),
        "subscriptionId": str(uuid.uuid5(seed, "subscription")),
        "publisherId": str((ctx.snapshot.get("account") or {}).get("id", "")),
        "offerId": ctx.snapshot["offer"]["offer_id"],
        "planId": plans[0] if plans else "",
        "quantity": None,
        "timeStamp": timezone.now().isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "action": "Unsubscribe",
        "status": "InProgress",
        "operationRequestSource": "Azure",
        "test": True,
    }


def _saas_findings(ctx: StepContext) -> list[Finding]:
    page = ctx.page(TECHNICAL)
    findings = []
    landing = page.get("landing_page_url") or ""
    if not landing:
        findings.append(_missing("landing_page_url", POLICY_LANDING_PAGE, _("landing page URL")))
    else:
        result = outbound_request("GET", landing)
        if ctx.unverified(result):
            findings.append(_unverified("landing_page_url", _("Your landing page %(url)s") % {"url": landing}))
        elif not result.ok:
            message = _("The landing page did not answer a GET request over HTTPS with success: %(detail)s")
            findings.append(_technical("functionality.landing_page_unreachable", "landing_page_url", message, result))
    webhook = page.get("connection_webhook") or ""
    if not webhook:
        findings.append(_missing("connection_webhook", POLICY_FULFILLMENT, _("connection webhook")))
    else:
        event = webhook_test_event(ctx)
        headers = {"x-ms-requestid": event["id"], "x-ms-correlationid": event["activityId"]}
        result = outbound_request("POST", webhook, json=event, headers=headers)
        if ctx.unverified(result):
            findings.append(_unverified("connection_webhook", _("Your connection webhook %(url)s") % {"url": webhook}))
        elif result.status is None or not 200 <= result.status < 300:
            message = _(
                "The connection webhook must accept a test event (a POST of JSON) with a 2xx status: %(detail)s"
            )
            findings.append(_technical("functionality.webhook_unreachable", "connection_webhook", message, result))
    return findings


def _policy(field: str) -> str:
    return POLICY_LANDING_PAGE if field == "landing_page_url" else POLICY_FULFILLMENT


def _unverified(field: str, what: str) -> Finding:
    return unverified_finding(
        f"functionality.{field}_unverified", what, policy=_policy(field), page=TECHNICAL, field=field
    )


def _technical(code: str, field: str, message: str, result) -> Finding:
    policy = _policy(field)
    return Finding(code, message % {"detail": result.detail}, policy=policy, page=TECHNICAL, field=field)


def _missing(field: str, policy: str, what) -> Finding:
    message = _("Enter the %(what)s on the Technical configuration page.") % {"what": what}
    return Finding(f"functionality.{field}_missing", message, policy=policy, page=TECHNICAL, field=field)


def _entra_findings(ctx: StepContext) -> list[Finding]:
    page = ctx.page(TECHNICAL)
    findings = []
    for field, what in (("tenant_id", _("Microsoft Entra tenant ID")), ("app_id", _("Microsoft Entra application ID"))):
        if not _GUID.fullmatch(str(page.get(field) or "")):
            message = _("Enter the %(what)s as a GUID on the Technical configuration page.") % {"what": what}
            findings.append(
                Finding("functionality.entra_app_invalid", message, policy=POLICY, page=TECHNICAL, field=field)
            )
    return findings


def _plans_findings(ctx: StepContext, check) -> list[Finding]:
    plans = [plan for plan in ctx.plans if plan.get("status") not in Plan.INACTIVE]
    if not plans:
        return [Finding("functionality.no_plans", _("Add at least one plan."), policy=POLICY, page="plans")]
    findings = []
    for plan in plans:
        page = f"plan:{plan['plan_id']}"
        for code, field, message, severity in check(plan.get("data") or {}):
            findings.append(Finding(code, message, policy=POLICY, page=page, field=field, severity=severity))
    return findings


def _azure_app_plan(data: dict) -> list[tuple]:
    plan_type = data.get("plan_type")
    price = data.get("monthly_price") not in (None, "")
    rules = [
        (plan_type not in c.AzureAppPlanType.values, "plan_type_invalid", "plan_type", _("Choose the plan type.")),
        (
            not _VERSION.fullmatch(str(data.get("version") or "")),
            "version_invalid",
            "version",
            _("Enter the package version as three numbers, such as 1.0.0."),
        ),
        (
            plan_type == c.AzureAppPlanType.MANAGED_APPLICATION and not price,
            "price_missing",
            "monthly_price",
            _("A managed application needs its monthly price."),
        ),
        (
            plan_type == c.AzureAppPlanType.SOLUTION_TEMPLATE and price,
            "price_unexpected",
            "monthly_price",
            _("A solution template has no price; remove it."),
        ),
    ]
    return [
        (f"functionality.{code}", field, message, Severity.CRITICAL) for failed, code, field, message in rules if failed
    ]


def _vm_plan(data: dict) -> list[tuple]:
    problems = []
    images = [
        n for n in range(1, VM_IMAGE_SLOTS + 1) if data.get(f"image_{n}_version") or data.get(f"image_{n}_sas_uri")
    ]
    if not images:
        message = _("Add at least one image version with its SAS URI.")
        problems.append(("functionality.no_image", "image_1_version", message, Severity.CRITICAL))
    for n in images:
        if not _VERSION.fullmatch(str(data.get(f"image_{n}_version") or "")):
            message = _("Image %(n)d needs a version of three numbers, such as 1.0.0.") % {"n": n}
            problems.append(("functionality.version_invalid", f"image_{n}_version", message, Severity.CRITICAL))
        problem = sas_uri_problem(str(data.get(f"image_{n}_sas_uri") or ""))
        if problem:
            code, message, severity = problem
            problems.append(
                (code, f"image_{n}_sas_uri", _("Image %(n)d: %(problem)s") % {"n": n, "problem": message}, severity)
            )
    return problems


def sas_uri_problem(uri: str, *, now: datetime.datetime | None = None) -> tuple[str, str, str] | None:
    """Return (code, message, severity) when a SAS URI cannot give Microsoft read access for long enough."""
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    if parts.scheme != "https" or not parts.hostname:
        return "functionality.sas_invalid", _("the SAS URI must be an https address."), Severity.CRITICAL
    if not query.get("sig"):
        return "functionality.sas_invalid", _("the SAS URI has no signature (sig)."), Severity.CRITICAL
    if "r" not in (query.get("sp") or [""])[0]:
        return "functionality.sas_invalid", _("the SAS URI must grant read permission (sp=r)."), Severity.CRITICAL
    expiry = _parse_expiry((query.get("se") or [""])[0])
    if expiry is None:
        return "functionality.sas_invalid", _("the SAS URI has no readable expiry (se)."), Severity.CRITICAL
    now = now or timezone.now()
    if expiry <= now:
        message = _("the SAS URI expired on %(date)s; generate a new one.") % {"date": expiry.date().isoformat()}
        return "functionality.sas_expired", message, Severity.CRITICAL
    if expiry - now < SAS_MIN_VALIDITY:
        message = _("the SAS URI expires on %(date)s; give it at least three weeks so the image can be copied.") % {
            "date": expiry.date().isoformat()
        }
        return "functionality.sas_expiring", message, Severity.WARNING
    return None


def _parse_expiry(value: str) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
