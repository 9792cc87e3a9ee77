"""Status flags and groups of submissions, steps and findings, and the classes the overview shows for them."""

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q

from certification.models import Finding, Step, Submission
from certification.selectors import PhaseRow


def test_the_migrated_constraint_allows_one_submission_in_exactly_the_active_states():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    constraints = state.models["certification", "submission"].options["constraints"]
    constraint = next(c for c in constraints if c.name == "one_active_submission_per_offer")
    assert constraint.condition == Q(state__in=Submission.ACTIVE)


@pytest.mark.parametrize("state", Submission.State)
def test_a_submission_is_active_only_in_the_active_states(state):
    assert Submission(state=state).active is (state in Submission.ACTIVE)


@pytest.mark.parametrize(
    ("state", "badge"),
    [
        (Step.State.SUCCEEDED, "text-bg-success"),
        (Step.State.FAILED, "text-bg-danger"),
        (Step.State.RUNNING, "text-bg-primary"),
        (Step.State.WAITING, "text-bg-info"),
        (Step.State.PENDING, "text-bg-light border"),
        (Step.State.SKIPPED, "text-bg-light border"),
    ],
)
def test_a_step_badge_is_coloured_by_its_state(state, badge):
    assert Step(state=state).state_badge == badge


@pytest.mark.parametrize("source", Finding.Source)
def test_a_finding_is_a_system_finding_only_when_its_source_is_system(source):
    assert Finding(source=source).is_system is (source == Finding.Source.SYSTEM)


def _phase(*states) -> PhaseRow:
    return PhaseRow("automated_validation", "Automated validation", [Step(state=s) for s in states])


@pytest.mark.parametrize(
    ("states", "phase_state"),
    [
        ((Step.State.SUCCEEDED, Step.State.FAILED), Step.State.FAILED),
        ((Step.State.SKIPPED, Step.State.SKIPPED), Step.State.SKIPPED),
        ((Step.State.SUCCEEDED, Step.State.SKIPPED), Step.State.SUCCEEDED),
        ((Step.State.SUCCEEDED, Step.State.PENDING), Step.State.RUNNING),
        ((Step.State.WAITING, Step.State.PENDING), Step.State.RUNNING),
        ((Step.State.PENDING, Step.State.PENDING), Step.State.PENDING),
    ],
)
def test_a_phase_state_is_a_step_state_summing_up_its_steps(states, phase_state):
    state = _phase(*states).state
    assert (type(state), state) == (Step.State, phase_state)


@pytest.mark.parametrize(
    ("state", "icon"),
    [
        (Step.State.SUCCEEDED, "bi-check-circle-fill text-success"),
        (Step.State.FAILED, "bi-x-circle-fill text-danger"),
        (Step.State.RUNNING, "bi-arrow-repeat text-primary"),
        (Step.State.SKIPPED, "bi-dash-circle text-body-tertiary"),
        (Step.State.PENDING, "bi-circle text-body-tertiary"),
    ],
)
def test_a_phase_icon_follows_its_state(state, icon):
    assert _phase(state).icon == icon
