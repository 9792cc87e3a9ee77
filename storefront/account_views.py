"""Customers' pages: sign up, My account, My purchases; and a publisher's Sales page."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.security import email_verification_send, next_url
from offers import constants as c
from saas import selectors as saas_selectors
from saas import services as saas_services
from safeinput.pagination import paginate
from storefront import selectors, services
from storefront.forms import CustomerProfileForm, CustomerSignUpForm, SubscriptionChangeForm

SALES_ROWS = 50  # rows a page of purchases or contact requests


def _next_url(request, default: str) -> str:
    return next_url(request, default)  # the one check of every next (accounts.security)


def sign_up(request):
    """Create a customer account (email and password); publishers sign in and become customers as they are."""
    next_url = _next_url(request, reverse("storefront:account"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = CustomerSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # One answer whether or not the address is registered: check your email. A new customer gets the link that
        # verifies the address; the owner of a registered one is told so, and how to sign in or reset the password.
        if selectors.email_registered(data["email"]):
            get_adapter(request).send_account_already_exists_mail(data["email"])
        else:
            profile = services.customer_sign_up(
                email=data["email"], password=data["password"], full_name=data["full_name"], company=data["company"]
            )
            email_verification_send(request, profile.user)
        return redirect("account_email_verification_sent")
    return render(request, "storefront/customer/sign_up.html", {"form": form, "next": next_url})


@login_required
def account(request):
    """The customer's profile: company, Microsoft Entra tenant and Azure subscription IDs."""
    profile = selectors.customer_profile(request.user)
    initial = {
        "company": profile.company if profile else "",
        "tenant_id": profile.tenant_id if profile else "",
        "subscription_ids": sorted(selectors.customer_subscription_ids(request.user)),
    }
    form = CustomerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.customer_profile_update(
            user=request.user,
            company=form.cleaned_data["company"],
            tenant_id=form.cleaned_data["tenant_id"],
            subscription_ids=form.cleaned_data["subscription_ids"],
        )
        messages.success(request, _("Your customer profile was saved."))
        return redirect(_next_url(request, reverse("storefront:account")))
    return render(
        request, "storefront/customer/account.html", {"form": form, "profile": profile, "next": _next_url(request, "")}
    )


@login_required
def purchases(request):
    """My purchases: kept whatever became of the offer or plan since; SaaS ones with status, plan, term and usage."""
    purchases_page = paginate(request, selectors.customer_purchases(request.user), SALES_ROWS)
    requests_page = paginate(request, selectors.customer_contact_requests(request.user), SALES_ROWS, param="requests")
    context = {
        "purchases_page": purchases_page,
        "purchases": selectors.purchases_with_usage(purchases_page.object_list),
        "requests_page": requests_page,
        "requests": requests_page.object_list,
    }
    return render(request, "storefront/customer/purchases.html", context)


@login_required
def purchase(request, subscription_id):
    """One purchase, with the way to the publisher's landing page while it is not activated; a SaaS subscription
    also with its changes (plan, users, cancel), their progress and its usage."""
    bought = selectors.customer_purchase(request.user, subscription_id)
    subscription = bought.saas_subscription
    context = {
        "purchase": bought,
        "landing_url": services.landing_page_url(bought),
        "term": dict(c.BillingTerm.choices).get(bought.billing_term, ""),
        "listed": bought.offer.listed,
        "subscription": subscription,
    }
    if subscription is not None:
        plans = [p for p in saas_selectors.available_plans(subscription) if p["planId"] != subscription.plan_id]
        context |= {
            "change_form": SubscriptionChangeForm(plans=plans),
            "operations": saas_selectors.subscription_operations(subscription)[:10],
            "usage": saas_selectors.usage_totals([subscription.pk]).get(subscription.pk, []),
        }
    return render(request, "storefront/customer/purchase.html", context)


@login_required
@require_POST
def purchase_change(request, subscription_id):
    """Change a SaaS subscription's plan or users: an operation the publisher confirms through the API."""
    subscription = saas_selectors.customer_subscription(request.user, subscription_id)
    plans = saas_selectors.available_plans(subscription)
    form = SubscriptionChangeForm(request.POST, plans=plans)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) + form.errors.get("plan_id", []) + form.errors.get("quantity", []):
            messages.error(request, error)
        return redirect("storefront:purchase", subscription.pk)
    try:
        saas_services.subscription_change(
            subscription=subscription,
            plan_id=form.cleaned_data["plan_id"] or None,
            quantity=form.cleaned_data["quantity"],
            by_customer=True,
        )
    except saas_services.ApiRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your change was sent to the publisher; it takes effect once they confirm it."))
    return redirect("storefront:purchase", subscription.pk)


@login_required
@require_POST
def purchase_cancel(request, subscription_id):
    """Cancel a SaaS subscription now; the publisher is told through the connection webhook."""
    subscription = saas_selectors.customer_subscription(request.user, subscription_id)
    try:
        saas_services.subscription_unsubscribe(subscription=subscription, by_customer=True)
    except saas_services.ApiRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your subscription was cancelled."))
    return redirect("storefront:purchase", subscription.pk)


@login_required
def sales(request):
    """The publisher's side: purchases and contact requests of the current account's offers."""
    membership = request.membership
    if not membership:
        return redirect("accounts:no-account")
    purchases_page = paginate(request, selectors.publisher_purchases(membership), SALES_ROWS)
    requests_page = paginate(request, selectors.publisher_contact_requests(membership), SALES_ROWS, param="leads")
    context = {
        "purchases_page": purchases_page,
        "purchases": selectors.purchases_with_usage(purchases_page.object_list),
        "requests_page": requests_page,
        "requests": requests_page.object_list,
    }
    return render(request, "storefront/sales.html", context)
