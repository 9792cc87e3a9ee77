"""Views of the storefront: catalogue, offer and preview pages, listing files, checkout and Contact me."""

from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import Membership
from certification.previews import preview_token_read
from offers import constants as c
from offers.files import stored_file_response
from offers.listing import ActionKind, listing_build
from offers.models import Offer, OfferSnapshot
from offers.types import offer_type_choices
from safeinput.pagination import paginate
from storefront import selectors, services
from storefront.audience import preview_audience, preview_audience_admits
from storefront.forms import CheckoutForm, ContactForm
from storefront.listing import SERVED_CONTENT_TYPES, file_signature, served_file_url, signed_file_url

CATALOGUE_PAGE_SIZE = 24
# The catalogue counts at most this many matches (then "More than 1000 results", 42 pages): a search that matches
# a quarter of a large catalogue costs what it costs in a small one.
CATALOGUE_COUNT_LIMIT = 1000
QUERY_MAX_LENGTH = 100


@dataclass
class Shown:
    """The offer and snapshot a page shows: the live listing, or a preview reached by its signed link."""

    offer: Offer
    snapshot: OfferSnapshot
    preview: bool = False
    storefront: str = ""
    token: str = ""
    key: str = ""

    def url(self, action: str = "", *args) -> str:
        """Return the address of the listing page or of one of its actions (buy, contact)."""
        if self.preview:
            name = "storefront:preview" if not action else f"storefront:preview-{action}"
            path = reverse(name, args=[self.storefront, self.token, *args])
            return f"{path}?{urlencode({'key': self.key})}" if self.key else path
        name = "storefront:offer" if not action else f"storefront:{action}"
        return reverse(name, args=[self.offer.pk, *args])


def _live(offer_pk: int) -> tuple[Offer, Shown | None]:
    offer = selectors.offer_for_storefront(offer_pk)
    return offer, (Shown(offer, offer.live_snapshot) if offer.listed else None)


def _preview(request, storefront: str, token: str) -> Shown:
    """Return the preview the link opens, or raise Http404 for anyone outside the preview audience."""
    claims = preview_token_read(token)
    if not isinstance(claims, dict):
        raise Http404
    offer = Offer.objects.select_related("preview_snapshot", "account").filter(pk=claims.get("offer")).first()
    snapshot = offer.preview_snapshot if offer else None
    if snapshot is None or snapshot.pk != claims.get("snapshot"):
        raise Http404
    if storefront not in (snapshot.data.get("storefronts") or ["azure_marketplace"]):
        raise Http404
    key = (request.GET.get("key") or request.POST.get("key") or "")[:100]
    if not _admitted(request.user, offer, snapshot.data, key):
        raise Http404
    return Shown(offer, snapshot, preview=True, storefront=storefront, token=token, key=key)


def _admitted(user, offer: Offer, data: dict, key: str) -> bool:
    if preview_audience_admits(data, user=user, key=key):
        return True
    # An offer without any preview audience (a SaaS listing that is not sold through Microsoft) can be
    # previewed by the members of its own publisher account only.
    hide_key, entries = preview_audience(data)
    return (
        not hide_key
        and not entries
        and user.is_authenticated
        and Membership.objects.filter(user=user, account_id=offer.account_id).exists()
    )


def _unavailable(request, offer: Offer):
    owned = request.user.is_authenticated and offer.purchases.filter(customer=request.user).exists()
    name = (offer.live_snapshot.data.get("pages", {}).get("offer_listing") or {}).get("name") or offer.alias
    response = render(
        request, "storefront/unavailable.html", {"offer": offer, "name": name, "owned": owned}, status=410
    )
    # Browsers keep a 410 without Cache-Control for good: a republished offer would stay "no longer available".
    add_never_cache_headers(response)
    return response


# -- catalogue and listing pages ----------------------------------------------------------------------------


def catalogue(request):
    """The public catalogue: listed offers from their live snapshots, searched, filtered and paginated."""
    types = offer_type_choices()  # the rows are current: each listing change writes its row (catalogue_entry_sync)
    filters = {
        "q": " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH],
        "category": _choice(request.GET.get("category"), c.CATEGORIES),
        "type": _choice(request.GET.get("type"), dict(types)),
        "storefront": _choice(request.GET.get("storefront"), c.Storefront.values),
        "sort": _choice(request.GET.get("sort"), ("name",)),
    }
    entries = selectors.catalogue_search(
        query=filters["q"],
        category=filters["category"],
        offer_type=filters["type"],
        storefront=filters["storefront"],
        sort=filters["sort"],
    )
    page = paginate(request, entries, CATALOGUE_PAGE_SIZE, count_limit=CATALOGUE_COUNT_LIMIT)
    type_labels = dict(types)
    cards = [
        {
            "entry": entry,
            "url": reverse("storefront:offer", args=[entry.offer_id]),
            "logo_url": _logo_url(entry),
            "type_label": type_labels.get(entry.offer_type, entry.offer_type),
        }
        for entry in page.object_list
    ]
    context = {
        "page_obj": page,
        "cards": cards,
        "filters": filters,
        "type_links": [
            (label, _filter_link(filters, type=value), filters["type"] == value)
            for value, label in [("", _("All types")), *types]
        ],
        "category_links": [
            (label, _filter_link(filters, category=value), filters["category"] == value)
            for value, label in [("", _("All categories")), *((name, name) for name in c.CATEGORIES)]
        ],
        "storefronts": c.Storefront.choices,
        "storefront_label": dict(c.Storefront.choices).get(filters["storefront"], _("Marketplace")),
        "querystring": _querystring(filters),
        "filtered": any(filters[k] for k in ("q", "category", "type")),
    }
    return render(request, "storefront/catalogue.html", context)


def _choice(value, allowed) -> str:
    return value if value and value in allowed else ""


def _querystring(filters: dict, **changes) -> str:
    merged = {**filters, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


def _filter_link(filters: dict, **changes) -> str:
    """Return the catalogue address with one filter changed (back to the first page)."""
    query = _querystring(filters, **changes)
    return f"{reverse('storefront:catalogue')}?{query}" if query else reverse("storefront:catalogue")


def _logo_url(entry) -> str:
    return signed_file_url(entry.snapshot_id, entry.logo) if entry.logo else ""


def offer(request, offer_pk: int):
    """An offer's page: its live listing, or a notice that it is no longer available."""
    offer, shown = _live(offer_pk)
    if shown is None:
        return _unavailable(request, offer)
    return _listing_page(request, shown)


def preview(request, storefront: str, token: str):
    """The preview listing, from the preview snapshot, for the preview audience only (404 for anyone else)."""
    return _listing_page(request, _preview(request, storefront, token))


def _listing(request, shown: Shown):
    return listing_build(
        shown.snapshot,
        publisher=shown.offer.account.name,
        file_url=partial(served_file_url, shown.snapshot),
        statuses=selectors.plan_statuses(shown.offer),
        preview=shown.preview,
        tenant_id=selectors.customer_tenant_id(request.user),
        subscription_ids=selectors.customer_subscription_ids(request.user),
    )


def _listing_page(request, shown: Shown):
    listing = _listing(request, shown)
    owned = (
        request.user.is_authenticated
        and shown.offer.purchases.filter(customer=request.user, preview=shown.preview).exists()
    )
    context = {
        "shown": shown,
        "offer": shown.offer,
        "listing": listing,
        "preview": shown.preview,
        "storefront": shown.storefront,
        "owned": owned,
        "stopping": not shown.preview and shown.offer.status == Offer.Status.PENDING_STOP_SELL,
        "contact_url": shown.url("contact") if listing.action.kind == ActionKind.CONTACT else "",
        "plans": [(plan, shown.url("buy", plan.plan_id)) for plan in listing.plans],
    }
    response = render(request, "storefront/listing.html", context)
    # The page is the customer's own (purchases, private plans) and its offer may stop selling at any moment.
    patch_cache_control(response, private=True, no_cache=True)
    return response


# -- acquisitions ---------------------------------------------------------------------------------------------


@login_required
def buy(request, offer_pk: int, plan_id: str):
    offer, shown = _live(offer_pk)
    if shown is None:
        return _unavailable(request, offer)
    return _checkout(request, shown, plan_id)


@login_required
def preview_buy(request, storefront: str, token: str, plan_id: str):
    return _checkout(request, _preview(request, storefront, token), plan_id)


def _checkout(request, shown: Shown, plan_id: str):
    """Buy a plan: choose its term and Azure subscription, accept the terms; then the purchase page."""
    listing = _listing(request, shown)
    plan = next((p for p in listing.plans if p.plan_id == plan_id), None)
    if listing.action.kind != ActionKind.BUY or plan is None or plan.stopping:
        raise Http404
    required = shown.offer.offer_type in services.AZURE_OFFER_TYPES
    subscriptions = selectors.customer_subscription_ids(request.user)
    form = CheckoutForm(request.POST or None, plan=plan, subscriptions=subscriptions, subscription_required=required)
    if request.method == "POST" and form.is_valid():
        try:
            purchase = services.purchase_create(
                offer_id=shown.offer.pk,
                snapshot=shown.snapshot,
                plan_id=plan.plan_id,
                customer=request.user,
                term=form.cleaned_data["term"],
                azure_subscription_id=form.cleaned_data["azure_subscription_id"],
                preview=shown.preview,
            )
        except services.AcquisitionRefused as refused:
            messages.error(request, str(refused))
            return redirect(shown.url())
        messages.success(request, _("Thank you: you bought %(plan)s.") % {"plan": purchase.plan_name})
        return redirect("storefront:purchase", purchase.subscription_id)
    context = {
        "shown": shown,
        "listing": listing,
        "plan": plan,
        "form": form,
        "subscription_required": required,
        "has_subscriptions": bool(subscriptions),
    }
    return render(request, "storefront/checkout.html", context)


@login_required
def contact(request, offer_pk: int):
    offer, shown = _live(offer_pk)
    if shown is None:
        return _unavailable(request, offer)
    return _contact(request, shown)


@login_required
def preview_contact(request, storefront: str, token: str):
    return _contact(request, _preview(request, storefront, token))


def _contact(request, shown: Shown):
    """Contact me: the customer's details become a lead delivered to the publisher's lead destination."""
    listing = _listing(request, shown)
    if listing.action.kind != ActionKind.CONTACT:
        raise Http404
    profile = selectors.customer_profile(request.user)
    initial = {
        "name": request.user.get_full_name(),
        "email": request.user.email,
        "company": profile.company if profile else "",
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_request_create(
                offer_id=shown.offer.pk,
                snapshot=shown.snapshot,
                customer=request.user,
                data=form.cleaned_data,
                preview=shown.preview,
            )
        except services.AcquisitionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Your request was sent to %(publisher)s. They will contact you soon.")
                % {"publisher": shown.offer.account.name},
            )
        return redirect(shown.url())
    return render(request, "storefront/contact.html", {"shown": shown, "listing": listing, "form": form})


# -- files of listings ----------------------------------------------------------------------------------------


def listing_file(request, snapshot_pk: int, file_id: int, signature: str):
    """Serve a logo, screenshot, thumbnail or document of a snapshot by its signed address."""
    if not constant_time_compare(signature, file_signature(snapshot_pk, file_id)):
        raise Http404
    data = OfferSnapshot.objects.filter(pk=snapshot_pk).values_list("data", flat=True).first()
    stored = ((data or {}).get("files") or {}).get(str(file_id))
    if not stored or stored.get("content_type") not in SERVED_CONTENT_TYPES:
        raise Http404
    pdf = stored["content_type"] == "application/pdf"
    response = stored_file_response(
        stored["path"], content_type=stored["content_type"], filename=stored.get("name") or "", inline=not pdf
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


# -- the publisher's resolve API ------------------------------------------------------------------------------
