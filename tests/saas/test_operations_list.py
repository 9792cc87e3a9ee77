"""A subscription's operations in progress come from a partial index, whatever the number of its finished ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saas.models import Operation
from saas.services import subscription_activate
from tests.saas.support import saas_offer, subscription_for
from tests.saas.test_api import V, call, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(db):
    return saas_offer()


@pytest.fixture
def active(offer, customer):
    return subscription_activate(subscription=subscription_for(offer, customer), plan_id="standard", quantity=1)


def _finished(subscription, count: int) -> None:
    Operation.objects.bulk_create(
        Operation(
            subscription=subscription,
            action=Operation.Action.CHANGE_QUANTITY,
            plan_id="standard",
            quantity=2,
            status=Operation.Status.SUCCEEDED,
        )
        for _ in range(count)
    )


def test_the_operations_list_shows_only_the_operation_in_progress(client, offer, active):
    _finished(active, 3)
    pending = Operation.objects.create(subscription=active, action=Operation.Action.SUSPEND, plan_id="standard")
    token = token_for(client, offer)

    answer = call(client, "get", f"/api/saas/subscriptions/{active.pk}/operations{V}", token)

    assert [o["id"] for o in answer.json()["operations"]] == [str(pending.pk)]


def test_the_operations_list_takes_as_many_queries_after_30_finished_operations_as_after_3(client, offer, active):
    token = token_for(client, offer)
    path = f"/api/saas/subscriptions/{active.pk}/operations{V}"
    _finished(active, 3)
    call(client, "get", path, token)  # the credential's last use is written once
    with CaptureQueriesContext(connection) as few:
        call(client, "get", path, token)
    _finished(active, 27)

    with CaptureQueriesContext(connection) as many:
        call(client, "get", path, token)

    assert len(many) == len(few)


def test_the_operations_in_progress_are_read_from_the_partial_index(active):
    _finished(active, 5_000)
    pending = active.operations.filter(status=Operation.Status.IN_PROGRESS)
    sql, params = pending.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE saas_operation")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "saas_operation_in_progress" in plan
