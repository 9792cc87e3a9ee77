"""Forms of publisher accounts: sign up, sign in, invite members, change roles, legal info, the agreement, and
the operators' verification decision."""

import datetime

from allauth.account.forms import LoginForm, SignupForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import constants as c
from accounts.models import Membership, PublisherAccount, VerificationRequest
from accounts.services import account_create, invitation_accept
from accounts.validators import validate_https_address, validate_partner_id, validate_phone_number

User = get_user_model()


def _mark_both_invalid(form, names) -> None:
    """A wrong email or password is an error of both fields: mark them invalid, described by the form's error
    summary (templates/bootstrap5/errors.html), so a screen reader says why on either field."""
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "form-error-summary"})


class SignInForm(LoginForm):
    """allauth's sign-in by email and password, laid out by crispy forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
        self.fields["login"].widget.attrs.update({"autofocus": True, "autocomplete": "email"})
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_login(self):
        return super().clean_login().lower()

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            _mark_both_invalid(self, ("login", "password"))
            raise


class MfaCodeMessagesMixin:
    """Tell a reused authenticator code and a used recovery code apart from a wrong one."""

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError:
            raise forms.ValidationError(self._why_refused(self.cleaned_data.get("code", "")), code="code") from None

    def _why_refused(self, code: str) -> str:
        code = "".join(code.split())
        for authenticator in Authenticator.objects.filter(user=self.user):
            if authenticator.type == Authenticator.Type.TOTP and validate_totp_code(
                decrypt(authenticator.data["secret"]), code
            ):
                return _("This code was already used. Wait for your authenticator app to show the next one.")
            if authenticator.type == Authenticator.Type.RECOVERY_CODES:
                codes = RecoveryCodes(authenticator)
                if code in codes.generate_codes() and code not in codes.get_unused_codes():
                    return _("This recovery code was already used: each one works once. Use another.")
        return _("Incorrect code. Enter the code your authenticator app shows now, or an unused recovery code.")


class MfaAuthenticateForm(MfaCodeMessagesMixin, AuthenticateForm):
    """The second step of signing in."""


class MfaReauthenticateForm(MfaCodeMessagesMixin, ReauthenticateForm):
    """Confirming a sensitive change with an MFA code."""


class NewPasswordMixin:
    """Judge the ``password`` field of a sign-up form by the password validators, against its ``email``."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class SignUpForm(SignupForm):
    """allauth's sign-up with the portal's fields: the new user's name and, unless invited, the account's name.

    Whether or not the email is registered, a valid form answers the same "check your email" page; the holder of a
    registered address gets an email saying so (allauth's ACCOUNT_PREVENT_ENUMERATION).
    """

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    account_name = forms.CharField(
        label=_("Publisher account name"),
        max_length=200,
        help_text=_("Your company's name as customers will see it."),
    )
    field_order = ["full_name", "email", "account_name", "password1"]

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["email"].label = _("Work email")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["password1"].widget.attrs.pop("placeholder", None)
        if invitation is not None:
            del self.fields["account_name"]
            self.fields["email"].initial = invitation.email
            self.fields["email"].disabled = True
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def custom_signup(self, request, user):
        """Name the user, then create their publisher account, or join the inviting one."""
        first, _sep, last = self.cleaned_data["full_name"].strip().partition(" ")
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        if self.invitation is not None:
            invitation_accept(token=self.invitation.token, user=user)
        else:
            account_create(owner=user, name=self.cleaned_data["account_name"])


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.DEVELOPER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.add_input(Submit("invite", _("Send invitation")))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class LegalInfoForm(forms.ModelForm):
    """The account's legal info; read only for Managers and Developers. The service saves, never the form.

    Every value is checked as it is entered; missing ones may be saved and filled later (verification needs them).
    """

    country = forms.ChoiceField(label=_("Country or region"), choices=[("", "---------"), *c.COUNTRIES])
    website = forms.CharField(
        label=_("Website"),
        max_length=c.WEBSITE_MAX_LENGTH,
        validators=[validate_https_address],
        help_text=_("Your company's website, starting with https://."),
    )
    contact_phone = forms.CharField(
        label=_("Primary contact phone"), max_length=c.PHONE_MAX_LENGTH, validators=[validate_phone_number]
    )
    partner_id = forms.CharField(
        label=_("Partner ID"),
        max_length=c.PARTNER_ID_MAX_LENGTH,
        validators=[validate_partner_id],
        help_text=_("Your partner network ID (6 to 10 digits). Business eligibility needs it for every offer."),
    )
    competencies = forms.MultipleChoiceField(
        label=_("Competencies"),
        choices=[(name, name) for name in c.COMPETENCIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The partner competencies your company holds. A consulting service needs one that fits it."),
    )

    class Meta:
        model = PublisherAccount
        fields = list(PublisherAccount.LEGAL_FIELDS)

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False
            form_field.disabled = read_only
        self.fields["contact_email"].label = _("Primary contact email")
        self.fields["legal_name"].widget.attrs["autofocus"] = True
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def _post_clean(self):
        """Validate only: the instance is a copy, and the legal info service saves the cleaned values."""
        return None


class AgreementAcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the publisher agreement and accept it on behalf of the company in our legal info."),
        error_messages={"required": _("Tick the box to accept the agreement.")},
    )


class VerificationDecisionForm(forms.Form):
    """An operator's decision on a verification request; rejecting or asking for more requires reasons."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=VerificationRequest.Decision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons (sent to the publisher)"),
        max_length=c.VERIFICATION_REASONS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") not in (None, VerificationRequest.Decision.APPROVE) and not cleaned.get("reasons"):
            self.add_error("reasons", _("Tell the publisher why: the reasons are sent to them."))
        return cleaned


class ApiTokenForm(forms.Form):
    """A new API token: its name, the member role whose permissions it has, and an optional expiry date."""

    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What uses it, e.g. “GitHub Actions”."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.DEVELOPER,
        help_text=_("Developer tokens edit offers; Owner and Manager tokens also publish, go live and stop selling."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. The token stops working at the start of this day (UTC)."),
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day <= timezone.now().date():
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    def expires_at(self):
        """Return the moment the token expires (the start of the chosen day, UTC), or None."""
        day = self.cleaned_data["expires_on"]
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC) if day else None
