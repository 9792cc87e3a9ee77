"""The engine's cost per step (issue 16): consecutive checks in one call, one lock and at most 8 queries per check
step, the snapshot read once per call, the first step after a person acts on the queue of user-facing work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import pipeline
from certification.models import Step, Submission
from certification.pipeline import submission_advance
from certification.services import submission_start
from tests.certification.support import complete_offer
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEventType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture
def saas(owner, https_endpoint):
    """A SaaS offer sold through Microsoft with a test drive and leads: four automated checks in a row."""
    return complete_offer(owner, "saas", https_endpoint)


class HandOffs(list):
    priorities: list


@pytest.fixture
def hand_offs(monkeypatch):
    """The engine's hand-offs to workers, recorded instead of sent: (queue, kwargs) each, and their priorities."""
    sent = HandOffs()

    def hand_off(task, *, countdown=0, queue=None, priority=None, **kwargs):
        sent.append((queue, kwargs))
        priorities.append(priority)

    priorities = []
    sent.priorities = priorities
    monkeypatch.setattr(pipeline, "task_hand_off", hand_off)
    return sent


class StepCost:
    """Run every check as passed, and cut the queries the engine ran into what came between two checks: recording one
    step and starting the next."""

    def __init__(self):
        self.marks: list[int] = []
        self.keys: list[str] = []

    def __call__(self, definition, context):
        self.marks.append(len(self.captured.captured_queries))
        self.keys.append(definition.key)
        return []

    def run(self, submission_id: int, **kwargs) -> None:
        with CaptureQueriesContext(connection) as self.captured:
            submission_advance(submission_id=submission_id, run_check=self, **kwargs)

    def between(self) -> list[list[str]]:
        sql = [q["sql"] for q in self.captured.captured_queries]
        return [
            [s for s in sql[a:b] if "SAVEPOINT" not in s]  # the test's transaction, not the engine's
            for a, b in zip(self.marks, self.marks[1:], strict=False)
        ]


def _submission(saas, owner, hand_offs) -> Submission:
    submission = submission_start(offer_id=saas.pk, by=owner.user)
    hand_offs.clear()
    return submission


def test_consecutive_checks_run_in_one_call_until_a_step_that_may_wait(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    assert cost.keys == ["purchase_flow", "test_drive_validation", "test_drive_provisioning", "lead_management"]
    assert submission.steps.get(key="eligibility").state == Step.State.PENDING  # it may wait: a new task starts it
    assert hand_offs == [(None, {"submission_id": submission.pk})]


@pytest.mark.django_db(transaction=True)
def test_recording_a_check_and_starting_the_next_takes_at_most_8_queries(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    # counted as a worker runs them, outside any test transaction: BEGIN, the offer's lock, the submission's
    # (marking its progress), the steps left, the two steps' updates, their two history events at once, COMMIT
    assert [len(queries) for queries in cost.between()] == [8, 8, 8]


def test_an_account_with_webhook_endpoints_costs_one_query_more_per_check_step(saas, owner, hand_offs):
    WebhookEndpoint.objects.create(account=saas.account, url="https://hooks.example/portal", event_types=["offer.live"])
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    assert [len(queries) for queries in cost.between()] == [7, 7, 7]  # as above, without BEGIN and COMMIT


def test_recording_a_check_and_starting_the_next_takes_one_lock(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    assert [sum("FOR UPDATE" in s for s in queries) for queries in cost.between()] == [1, 1, 1]


def test_one_call_reads_the_snapshot_once(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    snapshot_reads = [q["sql"] for q in cost.captured.captured_queries if "offers_offersnapshot" in q["sql"]]
    assert len(cost.keys) == 4
    assert len(snapshot_reads) == 1


def test_a_call_limited_to_one_step_hands_the_rest_to_the_default_queue(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk, max_steps=1)
    assert cost.keys == ["purchase_flow"]
    assert submission.steps.get(key="test_drive_validation", phase="automated_validation").state == Step.State.PENDING
    assert hand_offs == [(None, {"submission_id": submission.pk})]


def test_a_call_starts_no_new_step_once_its_turn_is_over(saas, owner, hand_offs, settings):
    settings.PIPELINE_TURN = 0
    submission = _submission(saas, owner, hand_offs)
    cost = StepCost()
    cost.run(submission.pk)
    assert cost.keys == ["purchase_flow"]
    assert hand_offs == [(None, {"submission_id": submission.pk})]


def test_publish_sends_the_first_step_alone_to_the_queue_of_user_facing_work(saas, owner, hand_offs, settings):
    settings.PIPELINE_FIRST_QUEUE = "first-steps"
    submission = submission_start(offer_id=saas.pk, by=owner.user)
    assert hand_offs == [("first-steps", {"submission_id": submission.pk, "max_steps": 1})]


def test_a_publishers_lone_publish_goes_first_in_that_queue(saas, owner, hand_offs):
    submission_start(offer_id=saas.pk, by=owner.user)
    assert hand_offs.priorities == [0]


def test_an_accounts_burst_goes_after_lone_publishes_in_that_queue(saas, owner, hand_offs, https_endpoint):
    burst = [complete_offer(owner, "consulting", https_endpoint, offer_id=f"burst-{i}") for i in range(11)]
    for offer in burst:
        submission_start(offer_id=offer.pk, by=owner.user)
    submission_start(offer_id=saas.pk, by=owner.user)
    # a person's pace first (0); with 3 to 10 of the account's submissions running, 3; with 11 to 50, 6
    assert hand_offs.priorities == [0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 6]


def test_another_accounts_burst_does_not_lower_a_publishers_priority(saas, owner, hand_offs, https_endpoint):
    from tests.factories import MembershipFactory

    other = MembershipFactory(role=owner.role)
    for i in range(4):
        offer = complete_offer(other, "consulting", https_endpoint, offer_id=f"other-{i}")
        submission_start(offer_id=offer.pk, by=other.user)
    hand_offs.priorities.clear()
    submission_start(offer_id=saas.pk, by=owner.user)
    assert hand_offs.priorities == [0]


def test_a_step_cancelled_meanwhile_is_not_recorded_and_starts_nothing(saas, owner, hand_offs):
    submission = _submission(saas, owner, hand_offs)

    def cancel_meanwhile(definition, context):
        Submission.objects.filter(pk=submission.pk).update(state=Submission.State.CANCELLED)
        return []

    submission_advance(submission_id=submission.pk, run_check=cancel_meanwhile)
    states = dict(submission.steps.filter(phase="automated_validation").values_list("key", "state"))
    assert states["purchase_flow"] == Step.State.RUNNING  # left as the cancel found it; nothing recorded after
    assert states["test_drive_validation"] == Step.State.PENDING
    assert hand_offs == []


def test_every_step_change_still_reaches_a_subscribed_webhook_when_endpoints_are_read_once(saas, owner, hand_offs):
    WebhookEndpoint.objects.create(
        account=saas.account, url="https://hooks.example/portal", event_types=[WebhookEventType.SUBMISSION_STEP_CHANGED]
    )
    submission = _submission(saas, owner, hand_offs)
    StepCost().run(submission.pk)
    changes = WebhookDelivery.objects.filter(event_type=WebhookEventType.SUBMISSION_STEP_CHANGED).count()
    assert changes == 8  # four checks, each started and succeeded


def test_publish_loads_the_pages_it_judges_and_freezes_once(saas, owner, hand_offs):
    with CaptureQueriesContext(connection) as captured:
        submission_start(offer_id=saas.pk, by=owner.user)
    page_reads = [q["sql"] for q in captured.captured_queries if 'FROM "offers_offerpage"' in q["sql"]]
    assert len(page_reads) == 1
