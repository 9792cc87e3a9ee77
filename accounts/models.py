"""Publisher accounts, their members and roles, and invitations."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublisherAccount(models.Model):
    """A company that publishes offers; every offer and submission belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    partner_id = models.CharField(
        _("partner ID"), max_length=20, blank=True, help_text=_("The publisher's partner network ID.")
    )
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code."))
    verified = models.BooleanField(_("verified"), default=False, help_text=_("Identity and business checked."))
    program_enrolled = models.BooleanField(_("enrolled in the marketplace program"), default=False)
    agreement_accepted_at = models.DateTimeField(_("publisher agreement accepted"), null=True, blank=True)
    competencies = models.JSONField(
        _("competencies"),
        default=list,
        blank=True,
        help_text=_("Partner competencies held; consulting offers need at least one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher account")

    def __str__(self):
        return self.name

    @property
    def agreement_accepted(self) -> bool:
        return self.agreement_accepted_at is not None


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
    def can_publish(self) -> bool:
        """Owners and Managers publish, go live and stop selling."""
        return self.role in self.PUBLISHING_ROLES

    @property
    def can_manage_members(self) -> bool:
        return self.role in self.PUBLISHING_ROLES


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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.account}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None
