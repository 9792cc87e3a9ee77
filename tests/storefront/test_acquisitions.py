"""Buying a plan, resolving its landing token, Contact me leads, and what stop sell leaves to customers."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_message
from saas.models import Subscription
from saas.services import subscription_resolve
from storefront.models import ContactRequest, Purchase
from storefront.services import landing_page_url
from tests.storefront.factories import APP_ID, CONTACT_ME, SUBSCRIPTION, live_offer, stop_selling

pytestmark = pytest.mark.django_db

RESOLVE = "/marketplace/api/resolve"  # the portal's own resolve API, replaced by the SaaS Fulfillment API
CONTACT_FORM = {
    "name": "Casey Jordan",
    "email": "casey@woodgrove.example",
    "company": "Woodgrove Bank",
    "phone": "+1 425 555 0199",
    "country": "US",
    "message": "Please call me about a pilot.",
    "consent": "on",
}


def buy(client, offer, plan_id="standard", **form):
    return client.post(reverse("storefront:buy", args=[offer.pk, plan_id]), {"term": "P1M", "accept": "on", **form})


def token_of(purchase) -> str:
    return parse_qs(urlsplit(landing_page_url(purchase)).query)["token"][0]


def test_buying_needs_a_signed_in_customer(client):
    offer = live_offer(name="Insight Board")
    response = client.get(reverse("storefront:buy", args=[offer.pk, "standard"]))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")


def test_buying_a_saas_plan_records_the_purchase_and_leads_to_the_landing_page(customer_client, customer):
    offer = live_offer(name="Insight Board", landing_page_url="https://contoso.example/activate?src=mp")

    response = buy(customer_client, offer, term="P1Y", azure_subscription_id=SUBSCRIPTION)

    purchase = Purchase.objects.get()
    assert response.url == reverse("storefront:purchase", args=[purchase.subscription_id])
    assert (purchase.plan_id, purchase.billing_term, str(purchase.price)) == ("standard", "P1Y", "499.00")
    assert (purchase.customer, purchase.preview, purchase.snapshot_id) == (customer, False, offer.live_snapshot_id)
    assert purchase.azure_subscription_id == SUBSCRIPTION
    page = customer_client.get(response.url)
    landing = page.context["landing_url"]
    assert landing.startswith("https://contoso.example/activate?src=mp&token=")
    assert 'data-testid="configure-account"' in page.content.decode()


def test_buying_a_saas_plan_opens_a_subscription_pending_activation_that_its_landing_token_resolves(customer_client):
    offer = live_offer(name="Insight Board")
    buy(customer_client, offer)
    purchase = Purchase.objects.select_related("saas_subscription").get()
    subscription = purchase.saas_subscription

    assert subscription.pk == purchase.subscription_id
    assert (subscription.plan_id, subscription.term_unit, subscription.customer_id) == (
        "standard",
        "P1M",
        purchase.customer_id,
    )
    assert subscription.status == Subscription.Status.PENDING_FULFILLMENT_START
    assert subscription_resolve(offer_id=offer.pk, token=token_of(purchase)) == subscription


def test_the_portals_own_resolve_url_is_gone(client, customer_client):
    buy(customer_client, live_offer(name="Insight Board"))
    token = token_of(Purchase.objects.get())

    response = client.post(RESOLVE, json.dumps({"token": token, "appId": APP_ID}), content_type="application/json")

    assert response.status_code == 404
    assert Purchase.objects.get().saas_subscription.resolved_at is None


def test_an_azure_application_is_bought_into_a_registered_subscription(customer_client):
    offer = live_offer(offer_type="azure_application", name="Deploy Kit")
    page = customer_client.get(reverse("storefront:buy", args=[offer.pk, "managed"]))
    assert SUBSCRIPTION in page.content.decode()

    assert buy(customer_client, offer, "managed", azure_subscription_id="").status_code == 200
    assert not Purchase.objects.exists()
    buy(customer_client, offer, "managed", azure_subscription_id=SUBSCRIPTION)
    assert Purchase.objects.get().azure_subscription_id == SUBSCRIPTION


def test_a_contact_request_becomes_a_lead_delivered_once_to_the_publishers_endpoint(
    customer_client, https_endpoint, django_capture_on_commit_callbacks
):
    offer = live_offer(name="Lead Desk", setup={**CONTACT_ME, "leads_https_url": https_endpoint.url("/leads")})

    with django_capture_on_commit_callbacks() as callbacks:
        response = customer_client.post(reverse("storefront:contact", args=[offer.pk]), CONTACT_FORM)
    assert response.status_code == 302
    assert len(callbacks) == 1  # delivery is handed to a worker on commit, never done in the request
    assert https_endpoint.requests == []
    lead = ContactRequest.objects.get()
    assert (lead.preview, lead.snapshot_id, lead.company) == (False, offer.live_snapshot_id, "Woodgrove Bank")

    message = OutboxMessage.objects.get(key=lead.outbox_key)
    assert (message.channel, message.recipients) == ("lead_https", [https_endpoint.url("/leads")])
    assert outbox_deliver_message(message_id=message.pk).ok
    assert outbox_deliver_message(message_id=message.pk).ok  # a redelivered task
    [received] = https_endpoint.received("POST", "/leads")
    assert received["json"]["leadId"] == lead.lead_id
    assert received["json"]["offerId"] == offer.offer_id
    assert received["json"]["customer"]["email"] == "casey@woodgrove.example"
    assert received["json"]["description"] == "Please call me about a pilot."
    assert OutboxMessage.objects.get(key=lead.outbox_key).state == OutboxMessage.State.SENT


def test_an_offer_that_is_bought_takes_no_contact_request(customer_client):
    offer = live_offer(name="Insight Board")
    assert customer_client.post(reverse("storefront:contact", args=[offer.pk]), CONTACT_FORM).status_code == 404
    assert not ContactRequest.objects.exists()


def test_my_contact_requests_show_the_listing_name_not_the_publishers_alias(customer_client):
    offer = live_offer(name="Lead Desk", setup=CONTACT_ME)
    customer_client.post(reverse("storefront:contact", args=[offer.pk]), CONTACT_FORM)

    content = customer_client.get(reverse("storefront:purchases")).content.decode()
    assert '<span data-testid="contact-request">Lead Desk' in content
    assert offer.alias not in content


def test_purchases_are_kept_and_visible_after_stop_sell(customer_client):
    offer = live_offer(name="Retired Reports")
    buy(customer_client, offer)
    stop_selling(offer)

    purchases = customer_client.get(reverse("storefront:purchases"))
    content = purchases.content.decode()
    assert "Retired Reports" in content
    assert "No longer in the marketplace" in content
    purchase = Purchase.objects.get()
    assert customer_client.get(reverse("storefront:purchase", args=[purchase.subscription_id])).status_code == 200
    assert "My purchases" in customer_client.get(reverse("storefront:offer", args=[offer.pk])).content.decode()


def test_a_customer_sees_only_their_own_purchases(client, customer_client):
    from tests.factories import UserFactory

    buy(customer_client, live_offer(name="Insight Board"))
    purchase = Purchase.objects.get()
    client.force_login(UserFactory())
    assert client.get(reverse("storefront:purchase", args=[purchase.subscription_id])).status_code == 404
    assert "Insight Board" not in client.get(reverse("storefront:purchases")).content.decode()


def test_the_publisher_sees_the_purchases_and_leads_of_its_own_offers(client, customer_client, owner, stranger):
    buy(customer_client, live_offer(owner.account, name="Insight Board"))
    customer_client.post(
        reverse("storefront:contact", args=[live_offer(owner.account, setup=CONTACT_ME).pk]), CONTACT_FORM
    )

    client.force_login(owner.user)
    content = client.get(reverse("storefront:sales")).content.decode()
    assert "casey@customer.example" in content
    assert "Woodgrove Bank" in content
    client.force_login(stranger.user)
    content = client.get(reverse("storefront:sales")).content.decode()
    assert "casey@customer.example" not in content


@pytest.mark.usefixtures("policies")
def test_stop_sell_removes_the_offer_from_search_and_republish_brings_it_back(client, owner, https_endpoint):
    from certification.services import offer_stop_selling, stop_sell_complete_due
    from tests.certification.support import complete_offer, publish_to_live
    from tests.factories import UserFactory

    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "saas", https_endpoint)
    publish_to_live(offer, owner, reviewer)

    def found():
        return [card["entry"].name for card in client.get("/marketplace/", {"q": "expense"}).context["cards"]]

    assert found() == ["Contoso Expense Insights"]
    offer_stop_selling(offer_id=offer.pk, by=owner.user)
    assert found() == ["Contoso Expense Insights"]  # Pending stop sell: removal not completed yet
    stop_sell_complete_due()
    assert found() == []
    assert client.get(reverse("storefront:offer", args=[offer.pk])).status_code == 410

    publish_to_live(offer, owner, reviewer)
    assert found() == ["Contoso Expense Insights"]
    assert client.get(reverse("storefront:offer", args=[offer.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_the_lead_after_the_request_commits(client, celery_worker, https_endpoint):
    from tests.factories import UserFactory

    offer = live_offer(name="Lead Desk", setup={**CONTACT_ME, "leads_https_url": https_endpoint.url("/leads")})
    client.force_login(UserFactory())
    client.post(reverse("storefront:contact", args=[offer.pk]), CONTACT_FORM)

    deadline = time.monotonic() + 20
    while not https_endpoint.received("POST", "/leads") and time.monotonic() < deadline:
        time.sleep(0.05)
    [received] = https_endpoint.received("POST", "/leads")
    assert received["json"]["leadId"] == ContactRequest.objects.get().lead_id
