"""The admin's list of submissions reads its page, newest first, from an index, in as many queries at any size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Submission
from certification.operations import staff_groups_ensure
from offers.models import Offer, OfferSnapshot
from tests.factories import PublisherAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBMISSIONS = reverse("admin:certification_submission_changelist")


@pytest.fixture
def operator_client():
    operator = UserFactory(is_staff=True)
    operator.groups.add(staff_groups_ensure()["Operators"])
    browser = Client()
    browser.force_login(operator)
    return browser


def _submissions(count: int, tag: str) -> list[Submission]:
    account = PublisherAccountFactory()
    offers = Offer.objects.bulk_create(
        Offer(account=account, offer_type="consulting", offer_id=f"{tag}-{n}", alias=f"{tag} {n}") for n in range(count)
    )
    snapshots = OfferSnapshot.objects.bulk_create(
        OfferSnapshot(offer=o, data={"pages": {}}, content_hash="x") for o in offers
    )
    return Submission.objects.bulk_create(
        Submission(offer=o, number=1, snapshot=s, origin_status="draft", state=Submission.State.COMPLETED)
        for o, s in zip(offers, snapshots, strict=True)
    )


def test_the_admin_lists_submissions_newest_first(operator_client):
    older, newer = _submissions(2, "pair")

    listed = operator_client.get(SUBMISSIONS).context["cl"].result_list

    assert [s.pk for s in listed] == [newer.pk, older.pk]


def test_the_admin_list_of_submissions_takes_as_many_queries_for_30_as_for_3(operator_client):
    _submissions(3, "few")
    operator_client.get(SUBMISSIONS)  # the session is recorded once
    with CaptureQueriesContext(connection) as few:
        operator_client.get(SUBMISSIONS)
    _submissions(27, "more")

    with CaptureQueriesContext(connection) as many:
        listed = operator_client.get(SUBMISSIONS).context["cl"].result_list

    assert len(listed) == 30
    assert len(many) == len(few)


def test_the_newest_submissions_are_read_from_the_index():
    _submissions(5_000, "bulk")
    page = Submission.objects.select_related("offer__account").order_by("-created_at", "-pk")[:100]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "submission_newest" in plan
