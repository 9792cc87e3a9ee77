"""Customers' pages: sign up, My account, My purchases; and a publisher's Sales page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.services import AUTH_BACKEND
from offers import constants as c
from storefront import selectors, services
from storefront.forms import CustomerProfileForm, CustomerSignUpForm

SALES_ROWS = 100


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def sign_up(request):
    """Create a customer account (email and password); publishers sign in and become customers as they are."""
    next_url = _next_url(request, reverse("storefront:account"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = CustomerSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = services.customer_sign_up(
            email=data["email"], password=data["password"], full_name=data["full_name"], company=data["company"]
        )
        login(request, profile.user, backend=AUTH_BACKEND)
        messages.success(request, _("Welcome to the marketplace."))
        return redirect(next_url)
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
    """My purchases: kept whatever became of the offer or plan since."""
    context = {
        "purchases": selectors.customer_purchases(request.user),
        "requests": selectors.customer_contact_requests(request.user)[:SALES_ROWS],
    }
    return render(request, "storefront/customer/purchases.html", context)


@login_required
def purchase(request, subscription_id):
    """One purchase, with the way to the publisher's landing page while it is not activated."""
    bought = selectors.customer_purchase(request.user, subscription_id)
    context = {
        "purchase": bought,
        "landing_url": services.landing_page_url(bought),
        "term": dict(c.BillingTerm.choices).get(bought.billing_term, ""),
        "listed": bought.offer.listed,
    }
    return render(request, "storefront/customer/purchase.html", context)


@login_required
def sales(request):
    """The publisher's side: purchases and contact requests of the current account's offers."""
    membership = request.membership
    if not membership:
        return redirect("accounts:no-account")
    context = {
        "purchases": selectors.publisher_purchases(membership)[:SALES_ROWS],
        "requests": selectors.publisher_contact_requests(membership)[:SALES_ROWS],
    }
    return render(request, "storefront/sales.html", context)
