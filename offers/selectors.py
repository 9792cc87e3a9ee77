"""Read-only queries about offers, always scoped to the member's publisher account."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.shortcuts import get_object_or_404

from accounts.models import PublisherAccount
from offers.models import Offer, OfferFile, OfferPage


def offers_for(membership) -> QuerySet[Offer]:
    """Return the offers of the member's current account."""
    return Offer.objects.filter(account_id=membership.account_id)


def offer_get(membership, offer_pk: int) -> Offer:
    """Return one offer of the member's account, or raise Http404 (also for another account's offer)."""
    return get_object_or_404(offers_for(membership), pk=offer_pk)


def plan_get(membership, offer_pk: int, plan_pk: int):
    offer = offer_get(membership, offer_pk)
    return offer, get_object_or_404(offer.plans.all(), pk=plan_pk)


def offer_file_get(membership, offer_pk: int, file_pk: int) -> OfferFile:
    """Return a file uploaded to one of the member's offers, or raise Http404 (also for another account's)."""
    return get_object_or_404(OfferFile, pk=file_pk, offer_id=offer_pk, offer__account_id=membership.account_id)


def offers_dashboard(membership, *, status: str = "", offer_type: str = "", query: str = "") -> QuerySet[Offer]:
    """Return the account's offers for the overview dashboard, each with its listing name, newest first.

    The listing name comes from a subquery, so the number of queries does not grow with the offers.
    """

    listing_name = OfferPage.objects.filter(offer=OuterRef("pk"), key="offer_listing").annotate(
        listing_name=KeyTextTransform("name", "data")
    )
    offers = offers_for(membership).annotate(name=Subquery(listing_name.values("listing_name")[:1]))
    if status:
        offers = offers.filter(status=status)
    if offer_type:
        offers = offers.filter(offer_type=offer_type)
    if query:
        offers = offers_matching(offers, query)
    return offers.order_by("-updated_at", "-pk")


def offers_matching(offers: QuerySet[Offer], query: str) -> QuerySet[Offer]:
    """Narrow ``offers`` to those whose offer ID, alias or listing name contains ``query`` (any case).

    It reads the stored ``Offer.search_text``: on PostgreSQL a trigram GIN index answers the ``LIKE '%...%'``
    (migration offers 0004) instead of scanning every offer and its listing page; on SQLite a plain LIKE.
    """
    return offers.filter(search_text__contains=query.lower())


def offers_found(word: str) -> QuerySet[Offer]:
    """Return every offer (any account: for staff) whose search text or publisher's name contains ``word``.

    The publishers come first as a short list of ids, so the offers are one index condition each (the trigram
    index, or the account index), combined by the planner (BitmapOr) instead of a scan joined to the accounts.
    """
    accounts = list(PublisherAccount.objects.filter(name__icontains=word).values_list("pk", flat=True)[:500])
    return Offer.objects.filter(Q(search_text__contains=word.lower()) | Q(account_id__in=accounts))


def offers_status_counts(membership) -> dict[str, int]:
    """Return how many of the account's offers are in each status (one query)."""

    rows = offers_for(membership).order_by().values("status").annotate(count=Count("pk"))
    counts = dict.fromkeys(Offer.Status.values, 0)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts
