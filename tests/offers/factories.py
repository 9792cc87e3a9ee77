"""Factories for offers, their pages and plans."""

import factory

from offers.models import Offer, OfferPage, Plan
from tests.factories import PublisherAccountFactory


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    account = factory.SubFactory(PublisherAccountFactory)
    offer_type = "saas"
    offer_id = factory.Sequence(lambda n: f"offer-{n}")
    alias = factory.Sequence(lambda n: f"Offer {n}")


class OfferPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferPage
        skip_postgeneration_save = True

    offer = factory.SubFactory(OfferFactory)
    key = "offer_setup"
    data = factory.LazyFunction(dict)

    @factory.post_generation
    def search_text(page, create, extracted, **kwargs):
        """A listing page's name is searched: keep the offer's search text as ``offers.services.page_save`` does."""
        if create and page.key == "offer_listing":
            page.offer.search_text = page.offer.search_text_for(page.data.get("name") or "")
            Offer.objects.filter(pk=page.offer_id).update(search_text=page.offer.search_text)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    offer = factory.SubFactory(OfferFactory)
    plan_id = factory.Sequence(lambda n: f"plan-{n}")
    data = factory.LazyFunction(dict)


def page_form(offer, key, data=None, *, complete=True, files=None):
    """Bind the page's form the way page status and page saving do."""
    from offers.pages import OfferState

    state = OfferState(offer)
    return state.page_form(offer.type_spec.page(key), data=data, files=files, complete=complete)
