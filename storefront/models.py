"""The storefront's records: customers, their purchases and contact requests, and the catalogue's search rows."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerProfile(models.Model):
    """A marketplace customer: the same user as a publisher may be one too, with their Entra tenant."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_profile")
    company = models.CharField(_("company"), max_length=200, blank=True)
    tenant_id = models.CharField(
        _("Microsoft Entra tenant ID"), max_length=36, blank=True, help_text=_("A GUID, kept in lower case.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer profile")

    def __str__(self):
        return str(self.user)


class CustomerSubscription(models.Model):
    """An Azure subscription ID (a GUID) a customer registered; preview audiences may name it."""

    profile = models.ForeignKey(CustomerProfile, on_delete=models.CASCADE, related_name="subscriptions")
    subscription_id = models.CharField(_("Azure subscription ID"), max_length=36, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "subscription_id"], name="customer_subscription_unique")
        ]

    def __str__(self):
        return self.subscription_id


def _landing_token() -> str:
    return secrets.token_urlsafe(24)


def _subscription_uuid():
    return uuid.uuid4()


class Purchase(models.Model):
    """A customer's purchase of a plan, from the listing snapshot it was bought from; kept after stop sell."""

    subscription_id = models.UUIDField(
        _("SaaS subscription ID"), default=_subscription_uuid, unique=True, editable=False
    )
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="purchases")
    snapshot = models.ForeignKey("offers.OfferSnapshot", on_delete=models.PROTECT, related_name="+")
    offer_name = models.CharField(_("offer"), max_length=200)
    plan_id = models.CharField(_("plan ID"), max_length=50)
    plan_name = models.CharField(_("plan"), max_length=200)
    billing_term = models.CharField(_("billing term"), max_length=8, blank=True)
    price = models.DecimalField(_("price (USD)"), max_digits=12, decimal_places=2, null=True, blank=True)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases")
    customer_email = models.EmailField(_("customer email"))
    azure_subscription_id = models.CharField(_("Azure subscription ID"), max_length=36, blank=True)
    tenant_id = models.CharField(_("Microsoft Entra tenant ID"), max_length=36, blank=True)
    preview = models.BooleanField(_("preview (test) purchase"), default=False)
    landing_token = models.CharField(max_length=64, unique=True, default=_landing_token, editable=False)
    resolved_at = models.DateTimeField(_("resolved by the publisher"), null=True, blank=True)
    saas_subscription = models.OneToOneField(
        "saas.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase",
        help_text=_(
            "The SaaS subscription the Fulfillment API shows the publisher (SaaS offers sold through Microsoft)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.offer_id}:{self.plan_id} for {self.customer_email}"


class ContactRequest(models.Model):
    """A customer's Contact me request: a lead delivered once (by its outbox key) to the publisher."""

    lead_id = models.CharField(_("lead ID"), max_length=64, unique=True)
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="contact_requests")
    snapshot = models.ForeignKey("offers.OfferSnapshot", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact_requests"
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    country = models.CharField(_("country or region"), max_length=2, blank=True)
    message = models.TextField(_("message"), blank=True)
    preview = models.BooleanField(_("preview (test) request"), default=False)
    outbox_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.lead_id} ({self.offer_id})"


class CatalogueEntry(models.Model):
    """The search row of a listed offer, written from its live snapshot; the catalogue reads only these.

    ``catalogue_sync`` (run by the catalogue before it reads) writes the rows that are missing or behind the
    live snapshot and clears ``listed`` on the rows of offers that left the marketplace.
    """

    offer = models.OneToOneField("offers.Offer", on_delete=models.CASCADE, related_name="catalogue_entry")
    snapshot = models.ForeignKey("offers.OfferSnapshot", on_delete=models.CASCADE, related_name="+")
    offer_type = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    search_text = models.TextField(blank=True, help_text=_("Name, summary and keywords, lower case."))
    categories = models.CharField(max_length=500, blank=True, help_text=_("|Category|Category| for filtering."))
    storefronts = models.CharField(max_length=100, blank=True, help_text=_("|appsource|azure_marketplace|"))
    logo = models.CharField(max_length=20, blank=True, help_text=_("The snapshot's file id of the large logo."))
    price_label = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField()
    listed = models.BooleanField(default=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = _("catalogue entries")
        indexes = [
            models.Index(
                fields=["-published_at", "-id"], condition=models.Q(listed=True), name="catalogue_listed_newest"
            ),
            models.Index(fields=["name", "id"], condition=models.Q(listed=True), name="catalogue_listed_name"),
        ]

    def __str__(self):
        return self.name
