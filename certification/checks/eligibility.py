"""Publisher business eligibility: the account is verified, enrolled and identified, and holds what the offer type
needs; while its verification is pending, the step waits for the operators."""

from django.utils.translation import gettext as _

from accounts.readiness import account_readiness
from certification.checks.base import Finding, StepContext
from offers import constants as c

POLICY = "100.13"

# The competencies that qualify a consulting service for its primary product.
PRODUCT_COMPETENCIES = {
    c.ConsultingProduct.AZURE: frozenset(
        {
            "Application Development",
            "Application Integration",
            "Cloud Platform",
            "Data Analytics",
            "Data Platform",
            "Datacenter",
            "DevOps",
            "Security",
        }
    ),
    c.ConsultingProduct.DYNAMICS_365: frozenset(
        {
            "Cloud Business Applications",
            "Data Analytics",
            "Enterprise Resource Planning",
            "Project and Portfolio Management",
            "Small and Midmarket Cloud Solutions",
        }
    ),
    c.ConsultingProduct.POWER_PLATFORM: frozenset(
        {"Application Development", "Application Integration", "Cloud Business Applications", "Data Analytics"}
    ),
    c.ConsultingProduct.MICROSOFT_365: frozenset(
        {
            "Cloud Productivity",
            "Collaboration and Content",
            "Communications",
            "Enterprise Mobility Management",
            "Messaging",
            "Security",
            "Small and Midmarket Cloud Solutions",
            "Windows and Devices",
        }
    ),
}


def _account_findings(ctx: StepContext) -> list[Finding]:
    # Account problems are fixed in account settings: each finding names its section and field there.
    return [
        Finding(f"eligibility.{lack.code}", lack.message, policy=POLICY, page=lack.page, field=lack.field)
        for lack in account_readiness(ctx.account).lacks
    ]


def check_eligibility(ctx: StepContext) -> list[Finding]:
    """Check the account's legal info, agreement and verification, and that it qualifies for the offer type.

    An account whose verification is pending lacks nothing here: ``eligibility_awaits_verification`` decides
    whether the step waits for the operators instead of running.
    """
    findings = _account_findings(ctx)
    if ctx.offer_type == "consulting":
        findings += _consulting_findings(ctx)
    return findings


def eligibility_awaits_verification(ctx: StepContext) -> bool:
    """Return whether the step must wait: the account's verification is pending and nothing else is missing."""
    return ctx.account.is_verification_pending and not check_eligibility(ctx)


def _consulting_findings(ctx: StepContext) -> list[Finding]:
    """Require a held competency that fits the primary product; refuse claimed competencies not held."""
    properties = ctx.page("properties")
    held = set(ctx.account.competencies or [])
    product = properties.get("primary_product") or ""
    findings = []
    claimed_not_held = sorted(set(properties.get("competencies") or []) - held)
    if claimed_not_held:
        findings.append(
            Finding(
                "eligibility.competency_not_held",
                _("Your account does not hold these competencies that the offer claims: %(names)s.")
                % {"names": ", ".join(claimed_not_held)},
                policy=POLICY,
                page="properties",
                field="competencies",
            )
        )
    fitting = PRODUCT_COMPETENCIES.get(product, frozenset())
    if not held & fitting:
        label = dict(c.PRIMARY_PRODUCTS).get(product, product or "—")
        findings.append(
            Finding(
                "eligibility.no_competency",
                _(
                    "A consulting service for %(product)s needs your account to hold one of these competencies: "
                    "%(names)s."
                )
                % {"product": label, "names": ", ".join(sorted(fitting)) or "—"},
                policy=POLICY,
                page="properties",
                field="primary_product",
            )
        )
    return findings
