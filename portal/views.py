"""Views of the portal app: landing, sign in/up/out, account switching, members, health."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import health
from portal.forms import InviteForm, SignInForm, SignUpForm
from portal.models import Invitation
from portal.selectors import account_members
from portal.services import (
    account_sign_up,
    account_switch,
    invitation_accept,
    member_invite,
    user_sign_up_invited,
)

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
DASHBOARD_PAGE_SIZE = 25


def landing(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/landing.html")


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Send publishers to their dashboard and customers (no publisher account) to the marketplace."""
        from portal.selectors import memberships_for

        if not memberships_for(self.request.user).exists():
            return reverse("storefront:catalogue")
        return super().get_default_redirect_url()


def sign_up(request):
    invitation = None
    token = request.GET.get("invite") or request.POST.get("invite")
    if token:
        invitation = Invitation.objects.filter(token=token, accepted_at__isnull=True).select_related("account").first()
    form = SignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if invitation is not None:
            membership = user_sign_up_invited(
                email=invitation.email, password=data["password"], full_name=data["full_name"], invitation=invitation
            )
        else:
            membership = account_sign_up(
                email=data["email"],
                password=data["password"],
                account_name=data["account_name"],
                full_name=data["full_name"],
            )
        login(request, membership.user, backend=AUTH_BACKEND)
        account_switch(user=membership.user, session=request.session, account_id=membership.account_id)
        messages.success(request, _("Welcome to %(account)s.") % {"account": membership.account})
        return redirect("portal:dashboard")
    return render(request, "portal/sign_up.html", {"form": form, "invitation": invitation})


@login_required
@require_POST
def switch_account(request):
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    membership = account_switch(user=request.user, session=request.session, account_id=account_id)
    messages.info(request, _("You are now working in %(account)s.") % {"account": membership.account})
    next_url = request.POST.get("next") or reverse("portal:dashboard")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("portal:dashboard")
    return redirect(next_url)


@login_required
def members(request):
    membership = request.membership
    if not membership:
        return redirect("portal:no-account")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = member_invite(by=membership, email=form.cleaned_data["email"], role=form.cleaned_data["role"])
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("portal:members")
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("portal:members")
    context = {
        "form": form,
        "members": account_members(membership.account_id),
        "invitations": membership.account.invitations.filter(accepted_at__isnull=True),
    }
    return render(request, "portal/members.html", context)


def invitation_accept_view(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("account"), token=token)
    if not request.user.is_authenticated:
        return render(request, "portal/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = invitation_accept(token=token, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("portal:dashboard")
        account_switch(user=request.user, session=request.session, account_id=membership.account_id)
        messages.success(request, _("You joined %(account)s.") % {"account": membership.account})
        return redirect("portal:dashboard")
    return render(request, "portal/invitation.html", {"invitation": invitation})


@login_required
def no_account(request):
    return render(request, "portal/no_account.html")


@never_cache
@require_GET
def healthz(request):
    database_ok, database_detail = health.database_reachable()
    broker_ok, broker_detail = health.broker_reachable()
    healthy = database_ok and broker_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": database_ok, "detail": database_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def dashboard(request):
    from offers.models import Offer
    from offers.selectors import offers_dashboard, offers_status_counts
    from offers.types import offer_type_choices

    membership = request.membership
    if not membership:
        return redirect("portal:no-account")
    status = request.GET.get("status", "")
    offer_type = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()[:100]
    status = status if status in Offer.Status.values else ""
    types = offer_type_choices()
    offer_type = offer_type if offer_type in dict(types) else ""
    offers = offers_dashboard(membership, status=status, offer_type=offer_type, query=query)
    page = Paginator(offers, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = offers_status_counts(membership)
    context = {
        "page_obj": page,
        "status_counts": [
            (value, label, counts[value], Offer.STATUS_COLOURS[value]) for value, label in Offer.Status.choices
        ],
        "total": sum(counts.values()),
        "types": types,
        "filters": {"status": status, "type": offer_type, "q": query},
        "querystring": urlencode({k: v for k, v in {"status": status, "type": offer_type, "q": query}.items() if v}),
    }
    return render(request, "portal/dashboard.html", context)
