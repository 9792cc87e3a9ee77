"""What a publisher account still lacks before its offers can pass business eligibility, defined once.

The eligibility check turns each lack into a finding, Review and publish lists them before Publish, and sign-up,
the dashboard and account settings show them as a checklist. Each lack names the settings section (and field)
where an Owner fixes it.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import COUNTRIES
from accounts.models import AgreementAcceptance, PublisherAccount, PublisherAgreement, VerificationRequest
from accounts.selectors import acceptance_latest, agreement_current, verification_decision_latest

# The sections of account settings: key -> (title, URL name). Findings name them as page "account:<key>".
SECTIONS = {
    "legal": (gettext_lazy("Legal info"), "accounts:settings-legal"),
    "agreement": (gettext_lazy("Program enrollment"), "accounts:settings-agreement"),
    "verification": (gettext_lazy("Verification"), "accounts:settings-verification"),
}
PAGE_PREFIX = "account:"
COUNTRY_NAMES = dict(COUNTRIES)


def field_label(name: str) -> str:
    """Return the label of a legal info field as account settings shows it."""
    if not name:
        return ""
    return str(capfirst(PublisherAccount._meta.get_field(name).verbose_name))


def field_text(name: str, value) -> str:
    """Return a legal info value as text: competencies joined with commas, a country with its name."""
    if isinstance(value, list):
        return ", ".join(value)
    if name == "country" and value:
        return f"{value} ({COUNTRY_NAMES.get(value, '?')})"
    return str(value or "")


def section_path(section: str, field_name: str = "") -> str:
    """Return the path of a settings section, with the field as anchor."""
    path = reverse(SECTIONS[section][1])
    return f"{path}#id_{field_name}" if field_name else path


def settings_location(page: str, field_name: str) -> tuple[str, str, str] | None:
    """For a finding's page ``account:<section>``, return (page title, field label, path); else None."""
    section = page.removeprefix(PAGE_PREFIX) if page.startswith(PAGE_PREFIX) else ""
    if section not in SECTIONS:
        return None
    title = _("Account settings: %(section)s") % {"section": SECTIONS[section][0]}
    return title, field_label(field_name), section_path(section, field_name)


@dataclass(frozen=True)
class Lack:
    """One thing the account lacks, with the settings section and field where it is fixed."""

    code: str  # stable, e.g. "agreement_outdated"; the eligibility finding is "eligibility.<code>"
    message: str
    section: str
    field: str = ""

    @property
    def page(self) -> str:
        return f"{PAGE_PREFIX}{self.section}"

    @property
    def url(self) -> str:
        return section_path(self.section, self.field)


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    done: bool
    url: str
    note: str = ""


@dataclass
class Readiness:
    """The account's legal info, agreement and verification, and what it still lacks."""

    account: PublisherAccount
    agreement: PublisherAgreement | None
    acceptance: AgreementAcceptance | None
    decision: VerificationRequest | None
    lacks: list[Lack] = field(default_factory=list)

    @property
    def legal_complete(self) -> bool:
        return not self.account.legal_missing

    @property
    def legal_missing_labels(self) -> str:
        return ", ".join(field_label(name) for name in self.account.legal_missing)

    @property
    def agreement_accepted(self) -> bool:
        """Whether the account accepted the current version (when none is published, nothing is to accept)."""
        if self.agreement is None:
            return True
        return self.acceptance is not None and self.acceptance.agreement.version >= self.agreement.version

    @property
    def enrolled(self) -> bool:
        """Whether the account ever enrolled in the program (accepted some version of the agreement)."""
        return self.acceptance is not None

    @property
    def ready(self) -> bool:
        """Whether nothing stands between the account and business eligibility."""
        return self.account.is_verified and not self.lacks

    @property
    def awaits_verification(self) -> bool:
        """Whether the account lacks nothing but the operators' verification, which is under way."""
        return self.account.is_verification_pending and not self.lacks

    @property
    def can_submit(self) -> bool:
        """Whether an Owner may submit the account for verification now."""
        return self.account.can_submit_for_verification and self.legal_complete and self.agreement_accepted

    def checklist(self) -> list[ChecklistItem]:
        """Return the steps to a ready account, each done or not, with where to do it."""
        account = self.account
        if account.is_verified:
            verified_note = ""
        elif account.is_verification_pending:
            verified_note = _("Pending: the marketplace is verifying your account.")
        else:
            verified_note = account.get_verification_display()
        return [
            ChecklistItem(_("Fill in your legal info"), self.legal_complete, section_path("legal")),
            ChecklistItem(
                _("Accept the publisher agreement"),
                self.agreement_accepted,
                section_path("agreement"),
                "" if self.agreement_accepted or not self.enrolled else _("A new version waits for your acceptance."),
            ),
            ChecklistItem(
                _("Submit your account for verification"),
                account.is_verified or account.is_verification_pending,
                section_path("verification"),
            ),
            ChecklistItem(
                _("Get verified by the marketplace"), account.is_verified, section_path("verification"), verified_note
            ),
        ]


def _legal_lacks(account: PublisherAccount) -> list[Lack]:
    missing = account.legal_missing
    lacks = []
    if "partner_id" in missing:
        lacks.append(Lack("no_partner_id", _("Add your partner ID to your legal info."), "legal", "partner_id"))
        missing = [name for name in missing if name != "partner_id"]
    if missing:
        names = ", ".join(field_label(name) for name in missing)
        lacks.insert(
            0,
            Lack(
                "legal_info_incomplete",
                _("Complete your legal info: %(fields)s.") % {"fields": names},
                "legal",
                missing[0],
            ),
        )
    return lacks


def _agreement_lacks(readiness: Readiness) -> list[Lack]:
    if readiness.agreement_accepted:
        return []
    if not readiness.enrolled:
        message = _("Enroll in the marketplace program: accept the publisher agreement.")
        return [Lack("agreement_not_accepted", message, "agreement")]
    message = _("Version %(version)d of the publisher agreement was published: accept it before you publish again.")
    return [Lack("agreement_outdated", message % {"version": readiness.agreement.version}, "agreement")]


def _verification_lacks(account: PublisherAccount, decision: VerificationRequest | None) -> list[Lack]:
    reasons = (decision.reasons if decision else "").strip().rstrip(".") or _("no reason given")
    if account.is_verification_not_submitted:
        message = _("Submit your account for verification: the marketplace verifies every publisher.")
        return [Lack("not_verified", message, "verification")]
    if account.is_verification_rejected:
        message = _(
            "The marketplace rejected your account's verification: %(reasons)s. Correct your legal info and "
            "submit it again."
        )
        return [Lack("verification_rejected", message % {"reasons": reasons}, "verification")]
    if account.needs_more_information:
        message = _(
            "The marketplace needs more information to verify your account: %(reasons)s. Update your legal info "
            "and submit it again."
        )
        return [Lack("verification_more_info", message % {"reasons": reasons}, "verification")]
    return []  # verified, or pending: the operators are on it


def account_readiness(account: PublisherAccount) -> Readiness:
    """Return what the account has and lacks, reading the current agreement and its latest acceptance."""
    decision = None
    if account.is_verification_rejected or account.needs_more_information:
        decision = verification_decision_latest(account.pk)
    readiness = Readiness(account, agreement_current(), acceptance_latest(account.pk), decision)
    readiness.lacks = [
        *_legal_lacks(account),
        *_agreement_lacks(readiness),
        *_verification_lacks(account, decision),
    ]
    return readiness
