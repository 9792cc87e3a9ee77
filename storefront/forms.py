"""Forms of the storefront: customer sign-up and profile, Contact me, and checkout."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewPasswordMixin
from accounts.validators import validate_phone_number
from offers import constants as c
from offers.forms.plans.fields import LineListField, guid_entry
from offers.forms.technical import GuidField
from offers.pricing import money
from offers.validators import validate_plain_text

SUBSCRIPTIONS_MAX = 25
CONTACT_MESSAGE_MAX_LENGTH = 1000


class CustomerSignUpForm(NewPasswordMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def clean_email(self):
        # A registered address is not refused here: the answer must not tell who is registered (the view emails
        # the address's owner instead).
        return self.cleaned_data["email"].lower()


class CustomerProfileForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    tenant_id = GuidField(
        label=_("Microsoft Entra tenant ID"),
        required=False,
        help_text=_("Your organisation's tenant, a GUID. Private plans offered to your tenant show with it."),
    )
    subscription_ids = LineListField(
        entry=guid_entry,
        max_entries=SUBSCRIPTIONS_MAX,
        required=False,
        label=_("Azure subscription IDs"),
        help_text=_("One GUID per line, up to 25. Purchases are billed to one of them; previews may name them."),
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Work email"))
    company = forms.CharField(label=_("Company"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, validators=[validate_phone_number])
    country = forms.ChoiceField(label=_("Country or region"), choices=[("", "---------"), *c.MARKETS], required=False)
    message = forms.CharField(
        label=_("How can the publisher help?"),
        max_length=CONTACT_MESSAGE_MAX_LENGTH,
        required=False,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the publisher may contact me about this offer and receives the details above."),
        required=True,
    )


class CheckoutForm(forms.Form):
    """Buy one plan: its billing term and the Azure subscription it is billed to."""

    term = forms.ChoiceField(label=_("Billing term"), widget=forms.RadioSelect)
    azure_subscription_id = forms.ChoiceField(label=_("Azure subscription"))
    accept = forms.BooleanField(
        label=_("I accept the publisher's terms and privacy policy, and authorise the charges of this plan."),
        required=True,
    )

    def __init__(self, *args, plan, subscriptions, subscription_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(code, f"{label} · {price}") for code, label, price in _term_choices(plan)]
        if plan.terms:
            self.fields["term"].initial = plan.terms[0][0]
        # A plan without billing terms (a solution template, a pay-as-you-go VM) has one choice, "".
        self.fields["term"].required = any(code for code, _label, _price in plan.terms)
        empty = [] if subscription_required else [("", _("None (billed to your account)"))]
        self.fields["azure_subscription_id"].choices = [*empty, *((s, s) for s in sorted(subscriptions))]
        self.fields["azure_subscription_id"].required = subscription_required


def _term_choices(plan):

    for code, label, price in plan.terms:
        yield code, label, money(price) if price is not None else _("Free")


class SubscriptionChangeForm(forms.Form):
    """A customer's change of a SaaS subscription: another plan, or another quantity of users (not both)."""

    plan_id = forms.ChoiceField(label=_("Plan"), required=False)
    quantity = forms.IntegerField(label=_("Users"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, plans: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_id"].choices = [("", "—")] + [(p["planId"], p["displayName"]) for p in plans]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("plan_id")) == (cleaned.get("quantity") is not None):
            raise forms.ValidationError(_("Choose another plan or another number of users."))
        return cleaned
