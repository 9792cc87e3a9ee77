"""The JSON documents of the Fulfillment and Metering APIs, with Microsoft's camelCase keys and shapes."""

from datetime import UTC

from saas.models import Operation, Subscription, UsageEvent


def iso(moment) -> str | None:
    """Return a moment as ISO 8601 in UTC with a Z, as the real API writes it."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def publisher_id(subscription: Subscription) -> str:
    account = subscription.offer.account
    return account.partner_id or str(account.pk)


def subscription_document(subscription: Subscription) -> dict:
    """Return a subscription as ``GET /saas/subscriptions/{id}`` answers it."""
    identity = {
        "emailId": subscription.beneficiary_email,
        "objectId": None,
        "tenantId": subscription.tenant_id or None,
        "puid": None,
    }
    return {
        "id": str(subscription.id),
        "publisherId": publisher_id(subscription),
        "offerId": subscription.offer.offer_id,
        "name": subscription.name,
        "saasSubscriptionStatus": subscription.status,
        "beneficiary": identity,
        "purchaser": dict(identity),
        "planId": subscription.plan_id,
        "quantity": subscription.quantity,
        "term": {
            "startDate": iso(subscription.term_start),
            "endDate": iso(subscription.term_end),
            "termUnit": subscription.term_unit,
        },
        "autoRenew": subscription.auto_renew,
        "isTest": subscription.is_test,
        "isFreeTrial": subscription.is_free_trial,
        "allowedCustomerOperations": ["Read", "Update", "Delete"],
        "sessionId": str(subscription.id),
        "fulfillmentId": str(subscription.id),
        "storeFront": "PublisherPortal",
        "sessionMode": "None",
        "sandboxType": "None",
        "created": iso(subscription.created_at),
        "lastModified": iso(subscription.updated_at),
    }


def resolved_document(subscription: Subscription) -> dict:
    """Return what ``POST /saas/subscriptions/resolve`` answers for a landing page token."""
    return {
        "id": str(subscription.id),
        "subscriptionName": subscription.name,
        "offerId": subscription.offer.offer_id,
        "planId": subscription.plan_id,
        "quantity": subscription.quantity,
        "subscription": subscription_document(subscription),
    }


def operation_document(operation: Operation) -> dict:
    """Return an operation as the operations API and the connection webhook show it."""
    subscription = operation.subscription
    return {
        "id": str(operation.id),
        "activityId": str(operation.activity_id),
        "subscriptionId": str(subscription.id),
        "offerId": subscription.offer.offer_id,
        "publisherId": publisher_id(subscription),
        "planId": operation.plan_id,
        "quantity": operation.quantity,
        "action": operation.action,
        "timeStamp": iso(operation.updated_at),
        "status": operation.status,
        "operationRequestSource": "Azure" if operation.by_customer else "Partner",
        "errorStatusCode": "",
        "errorMessage": "",
    }


def usage_document(event: UsageEvent, *, status: str = "Accepted") -> dict:
    """Return an accepted usage event as the Metering API answers it."""
    return {
        "usageEventId": str(event.id),
        "status": status,
        "messageTime": iso(event.created_at),
        "resourceId": str(event.subscription_id),
        "quantity": float(event.quantity),
        "dimension": event.dimension,
        "effectiveStartTime": iso(event.effective_start_time),
        "planId": event.plan_id,
    }
