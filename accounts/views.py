"""Views of publisher accounts: sign in, sign up, switch account, members and their roles, invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.forms import InviteForm, RoleForm, SignInForm, SignUpForm
from accounts.models import Invitation, Membership
from accounts.selectors import account_members, invitations_pending, memberships_for
from accounts.services import (
    AUTH_BACKEND,
    account_sign_up,
    account_switch,
    invitation_accept,
    invitation_cancel,
    invitation_resend,
    member_invite,
    member_leave,
    member_remove,
    member_role_change,
    user_sign_up_invited,
)
from accounts.settings_views import settings_context


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Send publishers to their dashboard and customers (no publisher account) to the marketplace."""
        if not memberships_for(self.request.user).exists():
            return reverse("storefront:catalogue")
        return super().get_default_redirect_url()


def sign_up(request):
    invitation = None
    token = request.GET.get("invite") or request.POST.get("invite")
    if token:
        invitation = (
            Invitation.objects.filter(token=token, accepted_at__isnull=True, cancelled_at__isnull=True)
            .select_related("account")
            .first()
        )
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
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/sign_up.html", {"form": form, "invitation": invitation})


@login_required
@require_POST
def switch_account(request):
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    membership = account_switch(user=request.user, session=request.session, account_id=account_id)
    messages.info(request, _("You are now working in %(account)s.") % {"account": membership.account})
    next_url = request.POST.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(next_url)


@member_required
def members(request, membership):
    """The account's members and pending invitations; Owners invite, change roles, remove and resend."""
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not membership.can_manage_members:
            raise PermissionDenied(_("Only Owners of the account can invite members."))
        if form.is_valid():
            try:
                invitation = member_invite(
                    by=membership, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field, message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("accounts:members")
    context = settings_context(
        membership,
        "members",
        form=form,
        members=account_members(membership.account_id),
        invitations=invitations_pending(membership.account_id),
        roles=Membership.Role.choices,
    )
    return render(request, "accounts/members.html", context)


def _act(request, action, done: str):
    """Run a member service; show its refusal as a message. Every member action returns to the members page."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("accounts:members")


@member_required
@require_POST
def member_role(request, membership, membership_pk):
    member = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, account=membership.account_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Owner, Manager or Developer."))
        return redirect("accounts:members")
    role = form.cleaned_data["role"]
    return _act(
        request,
        lambda: member_role_change(by=membership, membership_id=member.pk, role=role),
        _("%(who)s is now %(role)s.") % {"who": member.user.email, "role": Membership.Role(role).label},
    )


@member_required
@require_POST
def member_remove_view(request, membership, membership_pk):
    member = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, account=membership.account_id
    )
    return _act(
        request,
        lambda: member_remove(by=membership, membership_id=member.pk),
        _("%(who)s was removed from the account.") % {"who": member.user.email},
    )


@member_required
@require_POST
def member_leave_view(request, membership):
    account = membership.account
    try:
        member_leave(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:members")
    messages.success(request, _("You left %(account)s.") % {"account": account})
    return redirect(settings.LOGIN_REDIRECT_URL)


@member_required
@require_POST
def invitation_resend_view(request, membership, invitation_pk):
    invitation = get_object_or_404(Invitation, pk=invitation_pk, account=membership.account_id)
    return _act(
        request,
        lambda: invitation_resend(by=membership, invitation_id=invitation.pk),
        _("Invitation sent again to %(email)s.") % {"email": invitation.email},
    )


@member_required
@require_POST
def invitation_cancel_view(request, membership, invitation_pk):
    invitation = get_object_or_404(Invitation, pk=invitation_pk, account=membership.account_id)
    return _act(
        request,
        lambda: invitation_cancel(by=membership, invitation_id=invitation.pk),
        _("Invitation to %(email)s cancelled.") % {"email": invitation.email},
    )


def invitation_accept_view(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("account"), token=token)
    if not request.user.is_authenticated:
        return render(request, "accounts/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = invitation_accept(token=token, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(settings.LOGIN_REDIRECT_URL)
        account_switch(user=request.user, session=request.session, account_id=membership.account_id)
        messages.success(request, _("You joined %(account)s.") % {"account": membership.account})
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/invitation.html", {"invitation": invitation})


@login_required
def no_account(request):
    return render(request, "accounts/no_account.html")
