"""The reviewer queues in Django admin: lists, columns, filters, counts, claiming, and who may open them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import ReviewItem
from certification.operations import staff_groups_ensure
from tests.certification.test_reviews_queue import review_item_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CONTENT_QUEUE = reverse("admin:certification_contentreviewitem_changelist")


def _item_url(item, view: str = "review") -> str:
    return reverse(f"admin:certification_contentreviewitem_{view}", args=[item.pk])


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True, email="rita@portal.example", first_name="Rita", last_name="Reviewer")
    user.groups.add(staff_groups_ensure()["Reviewers"])
    return user


@pytest.fixture
def reviewer_client(reviewer):
    """A browser of its own, so that it can sit beside the publisher's owner_client."""
    reviewer_browser = Client()
    reviewer_browser.force_login(reviewer)
    return reviewer_browser


def _rows(response) -> list[int]:
    return [item.pk for item in response.context["cl"].result_list]


def test_the_content_queue_lists_its_open_items_with_every_column(reviewer_client, reviewer):
    item = review_item_make(claimed_by=reviewer, resubmission=True, listing={"name": "Contoso Migration PoC"})
    review_item_make(state=ReviewItem.State.APPROVED)
    review_item_make(level=ReviewItem.Level.TECHNICAL)

    response = reviewer_client.get(CONTENT_QUEUE)

    assert response.status_code == 200
    assert _rows(response) == [item.pk]
    html = response.content.decode()
    for text in (
        "Contoso Migration PoC",
        item.submission.offer.account.name,
        "Consulting service",
        "Rita Reviewer",
        "Resubmission",
        timezone.localtime(item.due_at).strftime("%Y-%m-%d"),
    ):
        assert text in html
    for header in ("offer", "publisher", "offer type", "waiting since", "due", "claimed by", "resubmission"):
        assert f">{header.capitalize()}<" in html or f">{header}<" in html.lower()


def test_the_queue_is_ordered_by_first_arrival_so_a_resubmission_keeps_its_place(reviewer_client):
    now = timezone.now()
    first = review_item_make(arrived_at=now - timedelta(days=1))
    resubmitted = review_item_make(arrived_at=now, queued_since=now - timedelta(days=2), resubmission=True)

    assert _rows(reviewer_client.get(CONTENT_QUEUE)) == [resubmitted.pk, first.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("claim=mine", "mine"), ("claim=unclaimed", "free"), ("claim=others", "theirs"), ("due=overdue", "late")],
)
def test_the_queue_filters_mine_unclaimed_others_and_overdue(reviewer_client, reviewer, query, expected):
    other = UserFactory(is_staff=True)
    items = {
        "mine": review_item_make(claimed_by=reviewer),
        "theirs": review_item_make(claimed_by=other),
        "free": review_item_make(),
        "late": review_item_make(arrived_at=timezone.now() - timedelta(days=9), claimed_by=other),
    }

    response = reviewer_client.get(f"{CONTENT_QUEUE}?{query}")

    expected_ids = [items[expected].pk] if expected != "theirs" else [items["late"].pk, items["theirs"].pk]
    assert _rows(response) == expected_ids


def test_the_queue_filters_by_offer_type(reviewer_client):
    saas = review_item_make(offer_type="saas")
    review_item_make(offer_type="consulting")

    response = reviewer_client.get(f"{CONTENT_QUEUE}?submission__offer__offer_type__exact=saas")

    assert _rows(response) == [saas.pk]


def test_the_admin_index_shows_the_open_items_of_each_queue(reviewer_client):
    review_item_make()
    review_item_make()
    review_item_make(level=ReviewItem.Level.ELIGIBILITY)
    review_item_make(state=ReviewItem.State.REJECTED)

    html = reviewer_client.get(reverse("admin:index")).content.decode()

    assert 'data-testid="queue-count-contentreviewitem">2<' in html
    assert 'data-testid="queue-count-eligibilityreviewitem">1<' in html
    assert 'data-testid="queue-count-technicalreviewitem">0<' in html


def test_the_app_index_and_the_queue_pages_show_the_open_items_too(reviewer_client):
    review_item_make()

    app_index = reviewer_client.get(reverse("admin:app_list", args=["certification"])).content.decode()
    queue = reviewer_client.get(CONTENT_QUEUE).content.decode()

    assert 'data-testid="queue-count-contentreviewitem">1<' in app_index
    assert 'data-testid="queue-count-contentreviewitem">1<' in queue  # the navigation sidebar
    assert 'data-testid="queue-count-reviewitem"' not in app_index  # the list of every item is no queue


def test_the_admin_index_counts_the_queues_in_one_query(reviewer_client):
    review_item_make()
    with CaptureQueriesContext(connection) as captured:
        reviewer_client.get(reverse("admin:index"))
    counting = [q["sql"] for q in captured.captured_queries if "COUNT" in q["sql"] and "reviewitem" in q["sql"]]
    per_day = [sql for sql in counting if 'AS "on"' in sql]  # the dashboard's daily figures and due dates
    assert len(counting) - len(per_day) == 1  # the dashboard's queue table and the model list share one count


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CONTENT_QUEUE)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_queue_runs_the_same_number_of_queries_for_5_and_50_items(reviewer_client, reviewer):
    reviewer_client.get(CONTENT_QUEUE)  # the first request after force_login records the user's session
    for n in range(5):
        review_item_make(claimed_by=reviewer if n % 2 else None, resubmission=bool(n % 3))
    with_5 = _queue_queries(reviewer_client)
    assert len(reviewer_client.get(CONTENT_QUEUE).context["cl"].result_list) == 5

    for n in range(45):
        review_item_make(claimed_by=reviewer if n % 2 else None, resubmission=bool(n % 3))
    with_50 = _queue_queries(reviewer_client)
    assert len(reviewer_client.get(CONTENT_QUEUE).context["cl"].result_list) == 50

    assert with_5 == with_50


def test_the_claim_action_claims_the_selected_items_up_to_the_cap(reviewer_client, reviewer, settings):
    settings.REVIEW_MAX_CLAIMS = 2
    items = [review_item_make() for _ in range(3)]

    response = reviewer_client.post(
        CONTENT_QUEUE, {"action": "claim_items", "_selected_action": [i.pk for i in items]}, follow=True
    )

    assert ReviewItem.objects.filter(claimed_by=reviewer).count() == 2
    assert "2 claims" in response.content.decode()


def test_the_release_action_gives_items_back(reviewer_client, reviewer):
    item = review_item_make(claimed_by=reviewer)

    reviewer_client.post(CONTENT_QUEUE, {"action": "release_items", "_selected_action": [item.pk]})

    item.refresh_from_db()
    assert item.claimed_by is None


def test_claim_and_release_buttons_on_the_item(reviewer_client, reviewer):
    item = review_item_make()
    url = _item_url(item)

    page = reviewer_client.get(url).content.decode()
    assert 'data-testid="claim"' in page

    assert reviewer_client.post(_item_url(item, "claim")).url == url
    item.refresh_from_db()
    assert item.claimed_by == reviewer
    page = reviewer_client.get(url).content.decode()
    assert 'data-testid="release"' in page
    assert 'data-testid="submit-decision"' in page

    response = reviewer_client.post(_item_url(item, "release"))
    assert response.status_code == 302
    assert response.url == CONTENT_QUEUE
    item.refresh_from_db()
    assert item.claimed_by is None


def test_a_decided_item_is_not_in_the_queue_but_in_the_review_items(reviewer_client):
    item = review_item_make(state=ReviewItem.State.APPROVED)

    assert reviewer_client.get(_item_url(item, "change")).status_code == 404
    assert reviewer_client.get(_item_url(item)).status_code == 404
    page = reviewer_client.get(reverse("admin:certification_reviewitem_review", args=[item.pk]))
    assert page.status_code == 200
    assert 'data-testid="decision"' not in page.content.decode()
    assert 'data-testid="claim-panel"' not in page.content.decode()


# -- who may open the queues --------------------------------------------------------------------------------------


def test_a_publisher_cannot_open_admin(owner_client):
    response = owner_client.get(CONTENT_QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert owner_client.get(reverse("admin:index")).status_code == 302


def test_staff_without_the_reviewers_group_cannot_open_a_queue(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(CONTENT_QUEUE).status_code == 403


def test_a_reviewer_without_the_claim_permission_cannot_claim(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contentreviewitem"))
    client.force_login(viewer)
    item = review_item_make()

    response = client.post(_item_url(item, "claim"))

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.claimed_by is None


# -- pages of a long queue: its own order, in the same time whatever its length -----------------------------------


@pytest.fixture
def two_per_page(monkeypatch):
    from django.contrib import admin

    from certification.models import ContentReviewItem

    monkeypatch.setattr(admin.site._registry[ContentReviewItem], "list_per_page", 2)


def _late_with_a_later_place(now, days_ago: int):
    """An item past its due date whose place in the queue is recent (a resubmission keeps an old due date)."""
    item = review_item_make(arrived_at=now - timedelta(days=days_ago))
    ReviewItem.objects.filter(pk=item.pk).update(queued_since=now - timedelta(minutes=days_ago))
    return item


def test_the_queues_pages_list_overdue_items_first_then_the_oldest_place(reviewer_client, two_per_page):
    now = timezone.now()
    on_time = [review_item_make(arrived_at=now - timedelta(hours=hours)) for hours in (30, 20, 10)]
    late = [_late_with_a_later_place(now, days) for days in (9, 8)]

    pages = [_rows(reviewer_client.get(f"{CONTENT_QUEUE}?p={page}")) for page in (1, 2, 3)]

    assert pages == [[late[0].pk, late[1].pk], [on_time[0].pk, on_time[1].pk], [on_time[2].pk]]


def test_sorting_the_queue_by_a_column_pages_by_that_column(reviewer_client, two_per_page):
    now = timezone.now()
    items = [review_item_make(arrived_at=now - timedelta(hours=hours)) for hours in (10, 30, 20)]
    waiting_since = 4  # the column after the checkbox and list_display[:3]; "-" sorts newest first

    pages = [_rows(reviewer_client.get(f"{CONTENT_QUEUE}?o=-{waiting_since}&p={page}")) for page in (1, 2)]

    assert pages == [[items[0].pk, items[2].pk], [items[1].pk]]


def _second_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{CONTENT_QUEUE}?p=2")
    assert len(response.context["cl"].result_list) == 2
    return len(captured.captured_queries)


def _mixed_items(count: int, reviewer) -> None:
    """Half of them past due with a recent place, half on time and claimed."""
    now = timezone.now()
    for n in range(count):
        if n % 2:
            _late_with_a_later_place(now, 8 + n)
        else:
            review_item_make(claimed_by=reviewer)


def test_a_page_of_the_queue_runs_the_same_number_of_queries_for_5_and_40_items(
    reviewer_client, reviewer, two_per_page
):
    reviewer_client.get(CONTENT_QUEUE)  # the first request after force_login records the user's session
    _mixed_items(5, reviewer)
    with_5 = _second_page_queries(reviewer_client)

    _mixed_items(35, reviewer)
    with_40 = _second_page_queries(reviewer_client)

    assert with_5 == with_40


def test_a_page_of_10000_open_items_reads_two_pages_of_rows_not_the_whole_queue():
    import json

    from certification.forecasts import queue_slice
    from certification.models import ContentReviewItem, Step, Submission
    from offers.models import Offer, OfferSnapshot
    from tests.factories import PublisherAccountFactory

    now, count, per_page = timezone.now(), 10_000, 50
    account = PublisherAccountFactory()
    offers = Offer.objects.bulk_create(
        Offer(account=account, offer_type="consulting", offer_id=f"q-{n}", alias=f"Q {n}") for n in range(count)
    )
    snapshots = OfferSnapshot.objects.bulk_create(OfferSnapshot(offer=o, data={}, content_hash="x") for o in offers)
    submissions = Submission.objects.bulk_create(
        Submission(offer=o, number=1, snapshot=s, origin_status="draft", state="waiting_review")
        for o, s in zip(offers, snapshots, strict=True)
    )
    steps = Step.objects.bulk_create(
        Step(submission=s, order=1, phase="certification", key="content_review", name="Content review")
        for s in submissions
    )
    ReviewItem.objects.bulk_create(
        ReviewItem(
            submission=s,
            step=st,
            level=ReviewItem.Level.CONTENT,
            arrived_at=now - timedelta(minutes=n),
            queued_since=now - timedelta(minutes=n),
            due_at=now + timedelta(days=(-1 if n % 50 == 0 else 3)),  # one in fifty overdue
        )
        for n, (s, st) in enumerate(zip(submissions, steps, strict=True))
    )
    page = queue_slice(
        ContentReviewItem.objects.filter(state=ReviewItem.State.OPEN).select_related("submission__offer__account"),
        per_page,
        2 * per_page,
    )
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    # No step sorts the queue: each sort orders at most the first two pages of each run (overdue, on time), which
    # come from an index in order; a plain Sort over every open item is what the overdue-first order used to cost.
    sorted_rows = [
        sum(child["Actual Rows"] for child in node["Plans"])
        for node in nodes(plan[0]["Plan"])
        if node["Node Type"] in ("Sort", "Incremental Sort")
    ]
    assert sorted_rows
    assert max(sorted_rows) <= 2 * 2 * per_page + 1  # an Incremental Sort reads one row past its limit
    assert len(list(page)) == per_page


def test_counting_a_queue_reads_its_items_alone(reviewer_client, two_per_page):
    for _ in range(3):
        review_item_make()
    with CaptureQueriesContext(connection) as captured:
        reviewer_client.get(CONTENT_QUEUE)

    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"')]
    assert len(counts) == 1
    assert "JOIN" not in counts[0]  # the publisher-replies flag and the listing name join inside their subqueries
