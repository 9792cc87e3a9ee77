"""Every API URL that names an object answers 404 to another account's token, and changes nothing."""

import pytest

from certification.models import Submission
from offers.models import Offer, OfferEvent, OfferPage, Plan
from offers.snapshots import snapshot_freeze
from tests.api.support import BASE
from tests.offers.factories import OfferFactory, PlanFactory

pytestmark = pytest.mark.django_db

# Every API URL naming an object of an account: (method, path under the offer), {offer}, {plan} and {number} filled.
API_OBJECT_URLS = [
    ("get", "offers/{offer}/"),
    ("get", "offers/{offer}/pages/"),
    ("get", "offers/{offer}/pages/offer_setup/"),
    ("put", "offers/{offer}/pages/offer_setup/"),
    ("patch", "offers/{offer}/pages/offer_setup/"),
    ("get", "offers/{offer}/plans/"),
    ("post", "offers/{offer}/plans/"),
    ("get", "offers/{offer}/plans/{plan}/"),
    ("put", "offers/{offer}/plans/{plan}/"),
    ("patch", "offers/{offer}/plans/{plan}/"),
    ("delete", "offers/{offer}/plans/{plan}/"),
    ("post", "offers/{offer}/plans/{plan}/stop-selling/"),
    ("post", "offers/{offer}/plans/{plan}/sell-again/"),
    ("get", "offers/{offer}/review/"),
    ("post", "offers/{offer}/validate/"),
    ("post", "offers/{offer}/publish/"),
    ("post", "offers/{offer}/republish/"),
    ("post", "offers/{offer}/go-live/"),
    ("post", "offers/{offer}/cancel/"),
    ("post", "offers/{offer}/stop-selling/"),
    ("get", "offers/{offer}/submissions/"),
    ("get", "offers/{offer}/submissions/{number}/"),
    ("get", "offers/{offer}/submissions/{number}/report/"),
    ("get", "offers/{offer}/history/"),
    ("get", "offers/{offer}/compare/"),
]


@pytest.fixture
def theirs(owner):
    """A SaaS offer of the owner's account with a plan and a failed submission."""
    offer = OfferFactory(account=owner.account)
    OfferPage.objects.create(offer=offer, key="offer_setup", data={"sell_through_microsoft": True})
    submission = Submission.objects.create(
        offer=offer, number=1, snapshot=snapshot_freeze(offer), origin_status=Offer.Status.DRAFT
    )
    Submission.objects.filter(pk=submission.pk).update(state=Submission.State.FAILED)
    return {"offer": offer.pk, "plan": PlanFactory(offer=offer).pk, "number": submission.number}


def _state(offer_pk):
    return (
        list(Offer.objects.filter(pk=offer_pk).values()),
        sorted(OfferPage.objects.filter(offer_id=offer_pk).values_list("key", "updated_at")),
        sorted(Plan.objects.filter(offer_id=offer_pk).values_list("pk", "status", "updated_at")),
        sorted(Submission.objects.filter(offer_id=offer_pk).values_list("pk", "state")),
        OfferEvent.objects.filter(offer_id=offer_pk).count(),
    )


@pytest.mark.parametrize(("method", "path"), API_OBJECT_URLS)
def test_every_api_url_is_404_for_another_accounts_token(stranger_api, theirs, method, path):
    before = _state(theirs["offer"])
    url = f"{BASE}/" + path.format(**theirs)
    response = getattr(stranger_api, method)(url, {"name": "Taken over", "plan_id": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _state(theirs["offer"]) == before


@pytest.mark.parametrize("path", [path for method, path in API_OBJECT_URLS if method == "get"])
def test_the_accounts_own_token_reads_every_one_of_them(api, theirs, path):
    assert api.get(f"{BASE}/" + path.format(**theirs)).status_code == 200
