"""Services of SaaS subscriptions: open, resolve, activate, change, unsubscribe, and the operations that carry them.

Every change of plan or quantity is an Operation: it is sent once to the offer's connection webhook (outbox) and
takes effect when the publisher PATCHes it Success, or when the publisher has not answered after
``OPERATION_ANSWER_HOURS`` (``operations_settle_due``, run by beat). An unsubscribe, suspend or renewal is a
notification: it takes effect at once and the webhook tells the publisher.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer
from saas import constants as c
from saas.models import Operation, Subscription
from saas.selectors import available_plans
from saas.webhooks import webhook_queue

TOKEN_SALT = "saas.marketplace-token"
TERM_DAYS = {"P1M": 30, "P1Y": 365, "P2Y": 730, "P3Y": 1095}


class ApiRefused(Exception):
    """A request the Fulfillment API refuses; ``status`` is the HTTP status, ``code`` the error code."""

    def __init__(self, status: int, code: str, message: str, target: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code
        self.target = target


def term_end(start, unit: str):
    """Return the end of a term of ``unit`` (P1M, P1Y…) starting at ``start``."""
    return start + timedelta(days=TERM_DAYS.get(unit, 30))


def subscription_open(
    *,
    offer: Offer,
    plan_id: str,
    name: str,
    term_unit: str,
    customer,
    email: str,
    tenant_id: str = "",
    quantity: int | None = None,
    is_test: bool = False,
    is_free_trial: bool = False,
) -> Subscription:
    """Record a customer's new SaaS subscription, Pending fulfillment start until the publisher activates it."""
    return Subscription.objects.create(
        offer=offer,
        customer=customer,
        name=name[:200],
        plan_id=plan_id,
        quantity=quantity,
        beneficiary_email=email,
        tenant_id=tenant_id or "",
        term_unit=term_unit or "P1M",
        is_test=is_test,
        is_free_trial=is_free_trial,
        marketplace_token=secrets.token_urlsafe(24),
    )


def marketplace_token(subscription: Subscription) -> str:
    """Return the landing page token of a subscription (valid 24 hours, while it waits for activation)."""
    return signing.dumps({"s": str(subscription.pk), "t": subscription.marketplace_token}, salt=TOKEN_SALT)


@transaction.atomic
def subscription_resolve(*, offer_id: int, token: str) -> Subscription:
    """Resolve a landing page token for the caller's offer; a token of another offer is refused (403)."""
    try:
        claims = signing.loads(token or "", salt=TOKEN_SALT, max_age=c.MARKETPLACE_TOKEN_SECONDS)
    except signing.SignatureExpired as error:
        raise ApiRefused(400, "BadArgument", _("The token has expired."), "x-ms-marketplace-token") from error
    except signing.BadSignature as error:
        raise ApiRefused(400, "BadArgument", _("The token is not valid."), "x-ms-marketplace-token") from error
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("offer__account")
        .filter(pk=claims.get("s") if isinstance(claims, dict) else None)
        .first()
    )
    if subscription is None or not secrets.compare_digest(str(claims.get("t", "")), subscription.marketplace_token):
        raise ApiRefused(400, "BadArgument", _("The token is not valid."), "x-ms-marketplace-token")
    if subscription.offer_id != offer_id:
        raise ApiRefused(403, "Forbidden", _("This token belongs to another offer."))
    if subscription.resolved_at is None:
        subscription.resolved_at = timezone.now()
        subscription.save(update_fields=["resolved_at", "updated_at"])
    return subscription


def _lock(subscription_id) -> Subscription:
    return Subscription.objects.select_for_update(of=("self",)).select_related("offer__account").get(pk=subscription_id)


@transaction.atomic
def subscription_activate(*, subscription: Subscription, plan_id: str, quantity: int | None) -> Subscription:
    """Activate a pending subscription on the plan it was bought with; activating it again changes nothing."""
    subscription = _lock(subscription.pk)
    if plan_id and plan_id != subscription.plan_id:
        raise ApiRefused(400, "BadArgument", _("The plan is not the subscription's plan."), "planId")
    if subscription.is_subscribed:
        return subscription
    if not subscription.is_pending:
        raise ApiRefused(400, "BadArgument", _("Only a subscription pending activation can be activated."))
    subscription.activate()
    now = timezone.now()
    subscription.activated_at = now
    subscription.term_start = now
    subscription.term_end = term_end(now, subscription.term_unit)
    if quantity is not None:
        subscription.quantity = quantity
    subscription.save()
    return subscription


def _operation(subscription: Subscription, action: str, *, plan_id: str = "", quantity=None, by_customer: bool):
    return Operation.objects.create(
        subscription=subscription,
        action=action,
        plan_id=plan_id or subscription.plan_id,
        quantity=subscription.quantity if quantity is None else quantity,
        by_customer=by_customer,
    )


@transaction.atomic
def subscription_change(
    *, subscription: Subscription, plan_id: str | None = None, quantity: int | None = None, by_customer: bool = False
) -> Operation:
    """Start a change of plan or quantity (not both): an operation in progress, sent to the connection webhook."""
    subscription = _lock(subscription.pk)
    if bool(plan_id) == (quantity is not None):
        raise ApiRefused(400, "BadArgument", _("Change either the plan or the quantity, not both."))
    if not subscription.is_subscribed:
        raise ApiRefused(400, "BadArgument", _("Only an active subscription can be changed."))
    if subscription.operations.filter(status=Operation.Status.IN_PROGRESS).exists():
        raise ApiRefused(400, "BadArgument", _("Another change of this subscription is in progress."))
    if plan_id:
        if plan_id == subscription.plan_id:
            raise ApiRefused(400, "BadArgument", _("The subscription is already on this plan."), "planId")
        if plan_id not in {plan["planId"] for plan in available_plans(subscription)}:
            raise ApiRefused(400, "BadArgument", _("This plan is not available to the subscription."), "planId")
        operation = _operation(subscription, Operation.Action.CHANGE_PLAN, plan_id=plan_id, by_customer=by_customer)
    else:
        if subscription.quantity is None:
            raise ApiRefused(400, "BadArgument", _("This plan is not sold per user."), "quantity")
        if quantity < 1 or quantity > c.QUANTITY_MAX:
            raise ApiRefused(400, "BadArgument", _("The quantity must be a whole number from 1."), "quantity")
        operation = _operation(
            subscription, Operation.Action.CHANGE_QUANTITY, quantity=quantity, by_customer=by_customer
        )
    webhook_queue(operation)
    return operation


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, by_customer: bool = False) -> Operation:
    """End the subscription now; the operation (Succeeded) goes to the connection webhook."""
    subscription = _lock(subscription.pk)
    if subscription.is_unsubscribed:
        raise ApiRefused(400, "BadArgument", _("The subscription has already ended."))
    for pending in subscription.operations.select_for_update().filter(status=Operation.Status.IN_PROGRESS):
        pending.conflict()
        pending.save()
    subscription.unsubscribe()
    subscription.auto_renew = False
    subscription.save()
    operation = _operation(subscription, Operation.Action.UNSUBSCRIBE, by_customer=by_customer)
    operation.succeed()
    operation.save()
    webhook_queue(operation)
    return operation


@transaction.atomic
def subscription_notify(*, subscription: Subscription, action: str) -> Operation:
    """Suspend, reinstate or renew a subscription (the marketplace's own decisions) and tell the publisher."""
    subscription = _lock(subscription.pk)
    if action == Operation.Action.SUSPEND:
        subscription.suspend()
    elif action == Operation.Action.REINSTATE:
        subscription.reinstate()
    elif action == Operation.Action.RENEW:
        if not subscription.is_subscribed:
            raise ApiRefused(400, "BadArgument", _("Only an active subscription renews."))
        subscription.term_start = subscription.term_end or timezone.now()
        subscription.term_end = term_end(subscription.term_start, subscription.term_unit)
    else:
        raise ValueError(action)
    subscription.save()
    operation = _operation(subscription, action, by_customer=True)
    operation.succeed()
    operation.save()
    webhook_queue(operation)
    return operation


def _apply(operation: Operation) -> None:
    subscription = operation.subscription
    if not subscription.is_subscribed:
        operation.conflict()
        return
    if operation.action == Operation.Action.CHANGE_PLAN:
        subscription.plan_id = operation.plan_id
    elif operation.action == Operation.Action.CHANGE_QUANTITY:
        subscription.quantity = operation.quantity
    subscription.save()
    operation.succeed()


UPDATE_STATUSES = {"Success": Operation.Status.SUCCEEDED, "Failure": Operation.Status.FAILED}


@transaction.atomic
def operation_update(*, operation: Operation, status: str) -> Operation:
    """Record the publisher's answer (Success or Failure) to an operation; the same answer again changes nothing."""
    target = UPDATE_STATUSES.get(status)
    if target is None:
        raise ApiRefused(400, "BadArgument", _("The status must be Success or Failure."), "status")
    operation = Operation.objects.select_for_update().select_related("subscription").get(pk=operation.pk)
    if not operation.is_in_progress:
        if operation.status == target:
            return operation
        raise ApiRefused(409, "Conflict", _("The operation has already completed as %s.") % operation.status)
    operation.subscription = _lock(operation.subscription_id)
    if target == Operation.Status.SUCCEEDED:
        _apply(operation)
    else:
        operation.fail()
    operation.save()
    return operation


def operations_settle_due() -> int:
    """Apply the changes whose operations the publisher left unanswered too long, as if answered Success."""
    limit = timezone.now() - timedelta(hours=c.OPERATION_ANSWER_HOURS)
    settled = 0
    for pk in Operation.objects.filter(status=Operation.Status.IN_PROGRESS, created_at__lt=limit).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            operation = Operation.objects.select_for_update().get(pk=pk)
            if not operation.is_in_progress:
                continue
            operation.subscription = _lock(operation.subscription_id)
            _apply(operation)
            operation.save()
            settled += 1
    return settled


def subscriptions_renew_due() -> int:
    """Renew the subscribed, auto-renewing subscriptions whose term has ended; the publisher is told of each."""
    due = Subscription.objects.filter(
        status=Subscription.Status.SUBSCRIBED, auto_renew=True, term_end__lte=timezone.now()
    ).values_list("pk", flat=True)
    renewed = 0
    for pk in due:
        subscription_notify(subscription=Subscription(pk=pk), action=Operation.Action.RENEW)
        renewed += 1
    return renewed
