"""Idempotency-Key on POSTs: the same key returns the first response and never makes a second submission, even
when 20 identical requests arrive at once."""

import threading

import pytest
from django.db import connection

from certification.models import Submission
from offers.models import Offer
from tests.api.conftest import token_client
from tests.api.support import BASE
from tests.certification.support import complete_offer

KEY = "deploy-2026-12-06-0001"


@pytest.mark.django_db
def test_the_same_key_returns_the_first_response_and_creates_once(api):
    body = {"offer_type": "consulting", "offer_id": "once", "alias": "Once"}
    first = api.post(f"{BASE}/offers/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post(f"{BASE}/offers/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Offer.objects.filter(offer_id="once").count() == 1


@pytest.mark.django_db
def test_a_key_used_with_a_different_request_is_refused(api):
    api.post(
        f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "one", "alias": "One"}, HTTP_IDEMPOTENCY_KEY=KEY
    )
    response = api.post(
        f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "two", "alias": "Two"}, HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Offer.objects.filter(offer_id="two").exists()


@pytest.mark.django_db
def test_a_refusal_is_replayed_too(api):
    body = {"offer_type": "consulting", "offer_id": "Bad ID", "alias": "Bad"}
    first = api.post(f"{BASE}/offers/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post(f"{BASE}/offers/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


@pytest.mark.django_db
def test_keys_belong_to_their_token(api, owner):
    other = token_client(owner, name="other pipeline")
    api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "a1", "alias": "A"}, HTTP_IDEMPOTENCY_KEY=KEY)
    response = other.post(
        f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "b1", "alias": "B"}, HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert response.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_publishes_with_one_key_make_one_submission(owner, https_endpoint, policies):
    offer = complete_offer(owner, "consulting", https_endpoint)
    api = token_client(owner, name="concurrent")
    barrier = threading.Barrier(20)
    answers = []

    def publish():
        client = _same_token(api)
        barrier.wait()
        try:
            response = client.post(f"{BASE}/offers/{offer.pk}/publish/", HTTP_IDEMPOTENCY_KEY=KEY)
            answers.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Submission.objects.filter(offer=offer).count() == 1
    assert answers == [(202, 1)] * 20


def _same_token(api):
    from rest_framework.test import APIClient

    client = APIClient()
    client.default_format = "json"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api.raw_token}")
    return client


@pytest.mark.django_db
def test_a_replayed_plan_is_the_first_answer_with_its_dates(api, owner, https_endpoint):
    from offers.services import offer_create
    from tests.api.support import page_put, sample, sample_plan

    offer = offer_create(membership=owner, offer_type_key="saas", offer_id="plans-once", alias="Plans once")
    page_put(api, offer.pk, "offer_setup", *sample("saas", "offer_setup", https_endpoint))
    data, _files = sample_plan("saas")
    first = api.post(f"{BASE}/offers/{offer.pk}/plans/", data, HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post(f"{BASE}/offers/{offer.pk}/plans/", data, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert offer.plans.count() == 1


@pytest.mark.django_db
def test_keys_older_than_a_day_are_forgotten(api):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotentRequest
    from api.services import idempotent_requests_prune

    api.post(
        f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "old", "alias": "Old"}, HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert idempotent_requests_prune() == 0
    assert idempotent_requests_prune(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert not IdempotentRequest.objects.exists()
