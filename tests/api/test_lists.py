"""The API's lists come in pages of a cursor: a page costs the same however long the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import Submission
from offers.models import OfferSnapshot
from offers.services import offer_create
from tests.api.support import BASE

pytestmark = pytest.mark.django_db


def _submissions(owner, count: int):
    offer = offer_create(membership=owner, offer_type_key="consulting", offer_id="listed", alias="Listed")
    snapshot = OfferSnapshot.objects.create(offer=offer, data={"pages": {}}, content_hash="listed")
    Submission.objects.bulk_create(
        Submission(offer=offer, number=n, snapshot=snapshot, origin_status="draft", state=Submission.State.FAILED)
        for n in range(1, count + 1)
    )
    return offer


def test_an_offers_submissions_come_newest_first_in_pages_with_a_next_link(api, owner):
    offer = _submissions(owner, 3)
    first = api.get(f"{BASE}/offers/{offer.pk}/submissions/", {"page_size": 2}).json()
    assert [s["number"] for s in first["results"]] == [3, 2]
    second = api.get(first["next"]).json()
    assert [s["number"] for s in second["results"]] == [1]
    assert second["next"] is None


def test_a_page_of_submissions_runs_the_same_queries_for_3_and_60_submissions(api, owner):
    few = _submissions(owner, 3)
    api.get(f"{BASE}/offers/{few.pk}/submissions/")  # the token's first use of the day is recorded once
    with CaptureQueriesContext(connection) as small:
        api.get(f"{BASE}/offers/{few.pk}/submissions/", {"page_size": 2})
    Submission.objects.bulk_create(
        Submission(offer=few, number=n, snapshot=few.snapshots.first(), origin_status="draft", state="failed")
        for n in range(4, 61)
    )
    with CaptureQueriesContext(connection) as large:
        response = api.get(f"{BASE}/offers/{few.pk}/submissions/", {"page_size": 2})
    assert len(response.json()["results"]) == 2
    assert len(large.captured_queries) == len(small.captured_queries)
