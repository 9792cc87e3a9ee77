"""Give each earlier purchase of a SaaS offer its SaaS subscription, so the Fulfillment API lists it.

A purchase the publisher had resolved counted as activated before: it becomes Subscribed, its term starting when
it was resolved. One not resolved waits for activation (PendingFulfillmentStart). The subscription keeps the
purchase's subscription ID.
"""

import secrets
from datetime import timedelta

from django.db import migrations

TERM_DAYS = {"P1M": 30, "P1Y": 365, "P2Y": 730, "P3Y": 1095}


def forwards(apps, schema_editor):
    Purchase = apps.get_model("storefront", "Purchase")
    Subscription = apps.get_model("saas", "Subscription")
    earlier = Purchase.objects.filter(saas_subscription__isnull=True, offer__offer_type="saas")
    for purchase in earlier.iterator():
        started = purchase.resolved_at
        term = purchase.billing_term or "P1M"
        subscription = Subscription.objects.create(
            id=purchase.subscription_id,
            offer_id=purchase.offer_id,
            customer_id=purchase.customer_id,
            name=f"{purchase.offer_name} · {purchase.plan_name}"[:200],
            plan_id=purchase.plan_id,
            quantity=None,
            status="Subscribed" if started else "PendingFulfillmentStart",
            beneficiary_email=purchase.customer_email,
            tenant_id=purchase.tenant_id,
            term_unit=term,
            term_start=started,
            term_end=started + timedelta(days=TERM_DAYS.get(term, 30)) if started else None,
            is_test=purchase.preview,
            marketplace_token=secrets.token_urlsafe(24),
            resolved_at=started,
            activated_at=started,
        )
        Purchase.objects.filter(pk=purchase.pk).update(saas_subscription=subscription)


class Migration(migrations.Migration):
    dependencies = [
        ("saas", "0001_initial"),
        ("storefront", "0002_purchase_saas_subscription"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
