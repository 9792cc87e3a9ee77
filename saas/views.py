"""The publisher's API credentials page of a SaaS offer: issue (shown once), rotate and revoke client secrets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, reauthentication_required
from offers.pages import OfferState
from offers.selectors import offer_get
from offers.views import offer_context
from saas.credentials import CredentialRefused, credential_issue, credential_revoke, offer_app_id
from saas.selectors import offer_credentials


def _saas_offer(membership, offer_pk):
    offer = offer_get(membership, offer_pk)
    if offer.offer_type != "saas":
        raise Http404(_("Only SaaS offers call the SaaS APIs."))
    return offer


def _may_change(membership) -> None:
    if not membership.can_publish:
        raise PermissionDenied(_("Only Owners and Managers issue and revoke the offer's client secrets."))


@member_required
@reauthentication_required
def credentials(request, membership, offer_pk):
    """List the offer's credentials; POST issues a new secret (revoking the current one) and shows it once.

    Every member reads the page; Owners and Managers change it, after signing in again if they have not lately."""
    offer = _saas_offer(membership, offer_pk)
    secret = None
    if request.method == "POST":
        _may_change(membership)
        try:
            _credential, secret = credential_issue(offer=offer, by=request.user)
        except CredentialRefused as refused:
            messages.error(request, str(refused))
            return redirect("saas-publisher:credentials", offer.pk)
    context = offer_context(
        OfferState(offer),
        "api_credentials",
        credentials=offer_credentials(offer)[:20],
        secret=secret,
        app_id=offer_app_id(offer),
        token_url=request.build_absolute_uri("/api/oauth2/token"),
        base_url=request.build_absolute_uri("/api"),
        jwks_url=request.build_absolute_uri("/api/saas/jwks"),
        may_change=membership.can_publish,
    )
    response = render(request, "saas/credentials.html", context)
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_POST
@reauthentication_required
def credential_revoke_view(request, membership, offer_pk, credential_pk):
    offer = _saas_offer(membership, offer_pk)
    _may_change(membership)
    if not credential_revoke(offer=offer, credential_id=credential_pk):
        raise Http404
    messages.success(request, _("The client secret was revoked; its tokens no longer work."))
    return redirect("saas-publisher:credentials", offer.pk)
