"""Views of publisher accounts: sign in, sign up, switch account, members and their roles, invitations."""

from allauth.account.adapter import get_adapter as allauth_adapter
from allauth.account.views import LoginView, SignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, reauthentication_required
from accounts.forms import InviteForm, RoleForm
from accounts.models import Invitation, Membership
from accounts.security import account_mfa_requirement_set, next_url
from accounts.selectors import account_members, invitations_pending, members_mfa_status
from accounts.services import (
    account_switch,
    invitation_accept,
    invitation_cancel,
    invitation_resend,
    member_invite,
    member_leave,
    member_remove,
    member_role_change,
)
from accounts.settings_views import settings_context
from safeinput.pagination import paginate

MEMBERS_PAGE_SIZE = 50


class SignInView(LoginView):
    """allauth's sign-in (email and password, then the second step when the user has MFA) in the portal's layout."""


class SignUpView(SignupView):
    """allauth's sign-up; with ``?invite=<token>`` it joins the inviting account, and the invitation link counts
    as verification of the invited email."""

    def dispatch(self, request, *args, **kwargs):
        token = request.GET.get("invite") or request.POST.get("invite") or ""
        self.invitation = (
            Invitation.objects.filter(token=token, accepted_at__isnull=True, cancelled_at__isnull=True)
            .select_related("account")
            .first()
            if token
            else None
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitation": self.invitation}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invitation": self.invitation}

    def form_valid(self, form):
        if self.invitation is not None:
            allauth_adapter(self.request).stash_verified_email(self.request, self.invitation.email)
        return super().form_valid(form)


@login_required
@require_POST
def switch_account(request):
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    membership = account_switch(user=request.user, session=request.session, account_id=account_id)
    messages.info(request, _("You are now working in %(account)s.") % {"account": membership.account})
    return redirect(next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL)))


@member_required
@reauthentication_required
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
    members_page = paginate(request, account_members(membership.account_id), MEMBERS_PAGE_SIZE)
    member_list = list(members_page.object_list)
    invitations_page = paginate(request, invitations_pending(membership.account_id), param="invitations")
    if membership.is_owner:  # Owners see each member's multi-factor authentication
        status = members_mfa_status(membership.account_id, user_ids=[m.user_id for m in member_list])
        for member in member_list:
            member.mfa_kinds = status.get(member.user_id, [])
    context = settings_context(
        membership,
        "members",
        form=form,
        members=member_list,
        members_page=members_page,
        invitations_page=invitations_page,
        invitations=invitations_page.object_list,
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
@reauthentication_required
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


@member_required
@require_POST
@reauthentication_required
def mfa_requirement_view(request, membership):
    """Owners turn "require multi-factor authentication for all members" on or off."""
    required = request.POST.get("required") == "on"
    try:
        changed = account_mfa_requirement_set(by=membership, required=required)
    except PermissionDenied as error:
        raise PermissionDenied(_("Only Owners of the account can require multi-factor authentication.")) from error
    if changed and required:
        messages.success(request, _("Every member now needs multi-factor authentication to work in the account."))
    elif changed:
        messages.success(request, _("Multi-factor authentication is no longer required of members."))
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("accounts:members")


@login_required
def no_account(request):
    return render(request, "accounts/no_account.html")
