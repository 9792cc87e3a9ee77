"""Publisher accounts with their legal info and verification, members and roles, invitations, the publisher
agreement and its acceptances, verification requests, and the account's history."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import constants as c


class PublisherAccount(FSMModelMixin, models.Model):
    """A company that publishes offers; every offer and submission belongs to one."""

    class Verification(models.TextChoices):
        NOT_SUBMITTED = "not_submitted", _("Not submitted")
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        MORE_INFO_NEEDED = "more_info_needed", _("More information needed")

    # Bootstrap colour of each verification status in account settings and the checklist.
    VERIFICATION_COLOURS = {
        Verification.NOT_SUBMITTED: "secondary",
        Verification.PENDING: "info",
        Verification.VERIFIED: "success",
        Verification.REJECTED: "danger",
        Verification.MORE_INFO_NEEDED: "warning",
    }
    # The statuses from which an Owner may submit the account for verification.
    SUBMITTABLE = (Verification.NOT_SUBMITTED, Verification.REJECTED, Verification.MORE_INFO_NEEDED)
    # The legal info, in the order of its form; every field but the optional ones is needed for verification.
    LEGAL_FIELDS = (
        "legal_name",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postal_code",
        "country",
        "website",
        "contact_name",
        "contact_email",
        "contact_phone",
        "partner_id",
        "competencies",
    )
    LEGAL_OPTIONAL = ("address_line2", "region", "competencies")

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(
        _("legal company name"),
        max_length=c.LEGAL_NAME_MAX_LENGTH,
        blank=True,
        help_text=_("Your company's name as registered, exactly as on official documents."),
    )
    address_line1 = models.CharField(_("address line 1"), max_length=c.ADDRESS_LINE_MAX_LENGTH, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=c.ADDRESS_LINE_MAX_LENGTH, blank=True)
    city = models.CharField(_("city"), max_length=c.CITY_MAX_LENGTH, blank=True)
    region = models.CharField(_("state or province"), max_length=c.REGION_MAX_LENGTH, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=c.POSTAL_CODE_MAX_LENGTH, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code."))
    website = models.CharField(_("website"), max_length=c.WEBSITE_MAX_LENGTH, blank=True)
    contact_name = models.CharField(_("primary contact name"), max_length=c.CONTACT_NAME_MAX_LENGTH, blank=True)
    contact_email = models.EmailField(_("primary contact email"), blank=True)
    contact_phone = models.CharField(_("primary contact phone"), max_length=c.PHONE_MAX_LENGTH, blank=True)
    partner_id = models.CharField(
        _("partner ID"),
        max_length=c.PARTNER_ID_MAX_LENGTH,
        blank=True,
        help_text=_("The publisher's partner network ID."),
    )
    competencies = models.JSONField(
        _("competencies"),
        default=list,
        blank=True,
        help_text=_("Partner competencies held; consulting offers need at least one."),
    )
    verification = FSMField(
        _("verification"), choices=Verification.choices, default=Verification.NOT_SUBMITTED, protected=True
    )
    verification_changed_at = models.DateTimeField(_("verification status since"), null=True, blank=True)
    mfa_required = models.BooleanField(
        _("require multi-factor authentication"),
        default=False,
        help_text=_("Every member sets up an authenticator app or a passkey before working in the account."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher account")

    def __str__(self):
        return self.name

    # -- flags for templates and checks

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    @property
    def is_verification_pending(self) -> bool:
        return self.verification == self.Verification.PENDING

    @property
    def is_verification_rejected(self) -> bool:
        return self.verification == self.Verification.REJECTED

    @property
    def needs_more_information(self) -> bool:
        return self.verification == self.Verification.MORE_INFO_NEEDED

    @property
    def is_verification_not_submitted(self) -> bool:
        return self.verification == self.Verification.NOT_SUBMITTED

    @property
    def can_submit_for_verification(self) -> bool:
        return self.verification in self.SUBMITTABLE

    @property
    def verification_colour(self) -> str:
        return self.VERIFICATION_COLOURS[self.verification]

    @property
    def legal_missing(self) -> list[str]:
        """Return the names of the legal info fields that verification needs and that are still empty."""
        return [
            name
            for name in self.LEGAL_FIELDS
            if name not in self.LEGAL_OPTIONAL and not str(getattr(self, name) or "").strip()
        ]

    # -- transitions: they change the status (and verification_changed_at) only; services save.

    @transition(field=verification, source=SUBMITTABLE, target=Verification.PENDING)
    def verification_submit(self, when):
        """An Owner submitted the account for verification."""
        self.verification_changed_at = when

    @transition(field=verification, source=Verification.VERIFIED, target=Verification.PENDING)
    def verification_reopen(self, when):
        """The legal info of a verified account changed: the marketplace verifies it again."""
        self.verification_changed_at = when

    @transition(field=verification, source=Verification.PENDING, target=Verification.VERIFIED)
    def verification_approve(self, when):
        """An operator verified the account."""
        self.verification_changed_at = when

    @transition(field=verification, source=Verification.PENDING, target=Verification.REJECTED)
    def verification_reject(self, when):
        """An operator refused the verification, with reasons."""
        self.verification_changed_at = when

    @transition(field=verification, source=Verification.PENDING, target=Verification.MORE_INFO_NEEDED)
    def verification_request_information(self, when):
        """An operator needs more information from the publisher, with reasons."""
        self.verification_changed_at = when


class Membership(models.Model):
    """A user's membership in a publisher account, with the role that says what they may do."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        DEVELOPER = "developer", _("Developer")

    PUBLISHING_ROLES = (Role.OWNER, Role.MANAGER)

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DEVELOPER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="membership_unique_user")]
        ordering = ["account__name"]

    def __str__(self):
        return f"{self.user} in {self.account} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER

    @property
    def can_publish(self) -> bool:
        """Owners and Managers publish, go live and stop selling."""
        return self.role in self.PUBLISHING_ROLES

    @property
    def can_manage_members(self) -> bool:
        """Only Owners invite, change roles, remove members and handle invitations."""
        return self.is_owner

    @property
    def can_change_settings(self) -> bool:
        """Only Owners change the legal info, accept the agreement and submit for verification."""
        return self.is_owner


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation by email to join a publisher account with a role."""

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resent_count = models.PositiveIntegerField(_("times sent again"), default=0)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.account}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class PublisherAgreement(models.Model):
    """One version of the publisher agreement; the highest version is the one publishers accept."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("publisher agreement")

    def __str__(self):
        return f"{self.title} (version {self.version})"


class AgreementAcceptance(models.Model):
    """An account's acceptance of one version of the publisher agreement: who, when and from which address."""

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="agreement_acceptances")
    agreement = models.ForeignKey(PublisherAgreement, on_delete=models.PROTECT, related_name="acceptances")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "agreement"], name="agreement_accepted_once_per_account")
        ]

    def __str__(self):
        return f"{self.account} accepted version {self.agreement.version}"


class VerificationRequest(FSMModelMixin, models.Model):
    """A request to verify an account: an item of the operators' verification queue, then their decision."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        MORE_INFO_NEEDED = "more_info_needed", _("More information requested")

    class Decision(models.TextChoices):
        """What an operator decides; the request's state records the outcome."""

        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        REQUEST_INFORMATION = "request_information", _("Request more information")

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="verification_requests")
    state = FSMField(_("state"), choices=State.choices, default=State.OPEN, protected=True)
    note = models.TextField(_("why it was requested"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True, help_text=_("Shown to the publisher."))

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["state", "submitted_at"])]
        default_permissions = ("view",)
        permissions = [
            ("claim_verificationrequest", _("Can claim and release account verification requests")),
            ("decide_verificationrequest", _("Can approve, reject or question account verification requests")),
        ]
        verbose_name = _("account verification request")
        verbose_name_plural = _("account verification queue")

    # Set after Meta because Meta's body cannot see State; at most one open request per account.
    Meta.constraints = [
        models.UniqueConstraint(
            fields=["account"], condition=models.Q(state=State.OPEN), name="one_open_verification_per_account"
        )
    ]

    def __str__(self):
        return f"Verification of {self.account}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @transition(field=state, source=State.OPEN, target=State.APPROVED)
    def approve(self, by, when, reasons=""):
        """Verified (sets decided_by, decided_at and the optional reasons)."""
        self.decided_by, self.decided_at, self.reasons = by, when, reasons

    @transition(field=state, source=State.OPEN, target=State.REJECTED)
    def reject(self, by, when, reasons):
        """Refused with reasons (sets decided_by, decided_at, reasons)."""
        self.decided_by, self.decided_at, self.reasons = by, when, reasons

    @transition(field=state, source=State.OPEN, target=State.MORE_INFO_NEEDED)
    def request_information(self, by, when, reasons):
        """The publisher must tell more (sets decided_by, decided_at, reasons)."""
        self.decided_by, self.decided_at, self.reasons = by, when, reasons


class AccountEvent(models.Model):
    """An event in a publisher account's history: what changed, by whom, when."""

    class Kind(models.TextChoices):
        ACCOUNT_CREATED = "account_created", _("Account created")
        LEGAL_INFO_CHANGED = "legal_info_changed", _("Legal info changed")
        AGREEMENT_ACCEPTED = "agreement_accepted", _("Publisher agreement accepted")
        VERIFICATION_SUBMITTED = "verification_submitted", _("Submitted for verification")
        VERIFICATION_CLAIMED = "verification_claimed", _("Verification claimed")
        VERIFICATION_RELEASED = "verification_released", _("Verification released")
        VERIFICATION_APPROVED = "verification_approved", _("Verified")
        VERIFICATION_REJECTED = "verification_rejected", _("Verification rejected")
        VERIFICATION_MORE_INFO = "verification_more_info", _("More information requested")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
        MEMBER_JOINED = "member_joined", _("Member joined")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        MEMBER_LEFT = "member_left", _("Member left")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        MFA_REQUIREMENT_CHANGED = "mfa_requirement_changed", _("Multi-factor authentication requirement changed")

    # Events the marketplace's operators cause: publishers see "Marketplace operations" as their actor.
    OPERATOR_KINDS = (
        Kind.VERIFICATION_CLAIMED,
        Kind.VERIFICATION_RELEASED,
        Kind.VERIFICATION_APPROVED,
        Kind.VERIFICATION_REJECTED,
        Kind.VERIFICATION_MORE_INFO,
    )

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False, help_text=_("Seen by operators only."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self):
        return f"{self.account}: {self.get_kind_display()}"

    @property
    def by_operator(self) -> bool:
        return self.kind in self.OPERATOR_KINDS


class ApiToken(models.Model):
    """A token of the account's REST API with the permissions of a member role; only its hash is stored.

    The secret is shown once, when the token is created: ``pp_<prefix>_<secret>``. The prefix finds the row, the
    SHA-256 of the whole token proves it (a random 256-bit secret needs no slow hash).
    """

    account = models.ForeignKey(PublisherAccount, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.DEVELOPER
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"], condition=models.Q(revoked_at=None), name="api_token_name_unique_active"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.account})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def can_publish(self) -> bool:
        """Owner and Manager tokens publish, go live, cancel and stop selling, as those members do."""
        return self.role in Membership.PUBLISHING_ROLES

    @property
    def actor_label(self) -> str:
        """How history names an action taken with this token."""
        member = self.created_by.get_full_name() or self.created_by.email
        return str(_("API token %(name)s, created by %(member)s") % {"name": self.name, "member": member})


class SecurityEvent(models.Model):
    """An event in a user's own security history: sign-ins, failed sign-ins, lockouts, password and MFA changes."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Sign-in locked")
        SIGNED_OUT = "signed_out", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset by email")
        EMAIL_VERIFIED = "email_verified", _("Email verified")
        MFA_ADDED = "mfa_added", _("Multi-factor authentication added")
        MFA_REMOVED = "mfa_removed", _("Multi-factor authentication removed")
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("Recovery codes regenerated")
        RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
        SESSIONS_ENDED = "sessions_ended", _("Sessions ended")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
