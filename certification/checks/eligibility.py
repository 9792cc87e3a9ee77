"""Publisher business eligibility: the account may publish, and holds what the offer type needs."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.checks.base import Finding, StepContext
from offers import constants as c

POLICY = "100.13"
NEW_ACCOUNT_AGE = timedelta(days=30)

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


def eligibility_decidable(account) -> bool:
    """Return whether the rules can decide; a new account still being verified goes to a human reviewer."""
    if account.verified or not account.partner_id or account.created_at is None:
        return True
    return timezone.now() - account.created_at >= NEW_ACCOUNT_AGE


def eligibility_needs_review(ctx: StepContext) -> bool:
    """Return whether a human reviewer must decide the account's eligibility (the rules cannot yet)."""
    return not eligibility_decidable(ctx.account)


def _account_finding(code: str, message: str) -> Finding:
    # Account problems are fixed in the account settings, not on a page of the offer.
    return Finding(f"eligibility.{code}", message, policy=POLICY)


def check_eligibility(ctx: StepContext) -> list[Finding]:
    """Check the account is verified, enrolled, bound by the agreement and identified, and qualifies for the type."""
    account = ctx.account
    findings = []
    if not account.verified:
        findings.append(
            _account_finding(
                "not_verified", _("Your publisher account is not verified yet; complete the business verification.")
            )
        )
    if not account.program_enrolled:
        findings.append(
            _account_finding("not_enrolled", _("Enroll your account in the commercial marketplace program."))
        )
    if account.agreement_accepted_at is None:
        findings.append(
            _account_finding("agreement_not_accepted", _("Accept the publisher agreement in your account settings."))
        )
    if not (account.partner_id or "").strip():
        findings.append(_account_finding("no_partner_id", _("Add your partner ID to the publisher account.")))
    if ctx.offer_type == "consulting":
        findings += _consulting_findings(ctx)
    return findings


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
