"""Views of account settings: legal info, program enrollment (the agreement), verification, API tokens and the
history.

Every member reads the legal info, the agreement and the verification status; only Owners change them (the
services refuse anyone else) and only Owners read the history.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, reauthentication_required
from accounts.enrollment import agreement_accept, legal_info_update
from accounts.forms import AgreementAcceptForm, ApiTokenForm, LegalInfoForm
from accounts.models import Membership
from accounts.readiness import SECTIONS, account_readiness
from accounts.selectors import account_history, verification_requests_of
from accounts.tokens import api_token_create, api_token_revoke, api_tokens_of
from accounts.verification import verification_submit
from safeinput.pagination import paginate

HISTORY_PAGE_SIZE = 50


def settings_context(membership: Membership, active: str, **extra) -> dict:
    """Return what every settings page shows: the readiness (for the navigation's badges) and the active section."""
    return {
        "readiness": account_readiness(membership.account),
        "active": active,
        "account": membership.account,
        **extra,
    }


def _owner_only(membership: Membership) -> None:
    if not membership.can_change_settings:
        raise PermissionDenied(_("Only Owners of the account can change its settings."))


@member_required
def settings_home(request, membership):
    """Open the first section that needs something, else the legal info."""
    readiness = account_readiness(membership.account)
    section = readiness.lacks[0].section if readiness.lacks else "legal"
    return redirect(SECTIONS[section][1])


@member_required
def legal_info(request, membership):
    account = membership.account
    form = LegalInfoForm(request.POST or None, instance=account, read_only=not membership.can_change_settings)
    if request.method == "POST":
        _owner_only(membership)
        if form.is_valid():
            was_verified = account.is_verified
            changed = legal_info_update(by=membership, values=form.cleaned_data)
            if not changed:
                messages.info(request, _("Nothing changed."))
            elif was_verified:
                messages.success(
                    request, _("Legal info saved. It changed after verification, so the marketplace verifies it again.")
                )
            else:
                messages.success(request, _("Legal info saved."))
            return redirect("accounts:settings-legal")
        messages.error(request, _("The legal info was not saved: correct the fields marked below."))
    return render(request, "accounts/settings/legal.html", settings_context(membership, "legal", form=form))


@member_required
def agreement(request, membership):
    readiness = account_readiness(membership.account)
    current = readiness.agreement
    form = AgreementAcceptForm(request.POST or None, initial={"version": current.version if current else 0})
    if request.method == "POST":
        _owner_only(membership)
        if form.is_valid():
            try:
                agreement_accept(
                    by=membership, version=form.cleaned_data["version"], ip_address=request.META.get("REMOTE_ADDR")
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("You accepted the publisher agreement: your account is enrolled."))
                return redirect("accounts:settings-agreement")
    context = settings_context(membership, "agreement", form=form)
    return render(request, "accounts/settings/agreement.html", context)


@member_required
def verification(request, membership):
    context = settings_context(
        membership, "verification", requests=verification_requests_of(membership.account_id)[:20]
    )
    return render(request, "accounts/settings/verification.html", context)


@member_required
@require_POST
def verification_submit_view(request, membership):
    _owner_only(membership)
    try:
        verification_submit(by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Submitted for verification. We email the Owners when the marketplace decides."))
    return redirect("accounts:settings-verification")


@member_required
def history(request, membership):
    """The account's history (who changed what, when), for Owners."""
    if not membership.is_owner:
        raise PermissionDenied(_("Only Owners of the account read its history."))
    page = paginate(request, account_history(membership.account_id), HISTORY_PAGE_SIZE)
    return render(request, "accounts/settings/history.html", settings_context(membership, "history", page_obj=page))


@member_required
@reauthentication_required
def api_tokens(request, membership):
    """The account's API tokens: every member sees them; Owners create (the secret shown once) and revoke them."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST":
        _owner_only(membership)
        if form.is_valid():
            try:
                token, secret = api_token_create(
                    by=membership,
                    name=form.cleaned_data["name"],
                    role=form.cleaned_data["role"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                created = {"token": token, "secret": secret}
                form = ApiTokenForm()
                messages.success(request, _("API token created. Copy it now: it is not shown again."))
    context = settings_context(
        membership, "api_tokens", form=form, created=created, tokens=api_tokens_of(membership.account_id)
    )
    response = render(request, "accounts/settings/api_tokens.html", context)
    if created:
        response["Cache-Control"] = "no-store"  # the page holds the secret
    return response


@member_required
@require_POST
@reauthentication_required
def api_token_revoke_view(request, membership, token_pk):
    _owner_only(membership)
    token = get_object_or_404(api_tokens_of(membership.account_id), pk=token_pk)
    api_token_revoke(by=membership, token_id=token.pk)
    messages.success(request, _("API token %(name)s revoked: it no longer works.") % {"name": token.name})
    return redirect("accounts:settings-api-tokens")
