"""The admin dashboard's daily figures: the beat job that keeps them, reading them back, the watchdog's record."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.forecasts import percentiles
from certification.models import Submission
from certification.pipeline import pipeline_watchdog
from offers.models import OfferEvent
from portal import tasks
from portal.figures import (
    DAY_MARKER,
    TODAY_STALE_AFTER,
    WINDOW_DAYS,
    daily_figures_read,
    daily_figures_refresh,
)
from portal.models import DailyFigure
from tests.factories import UserFactory
from tests.portal.dashboard_history import history_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def _rows():
    return sorted(DailyFigure.objects.values_list("day", "metric", "key", "value"))


def test_the_job_run_twice_writes_the_same_rows(staff):
    history_seed(40, staff)
    daily_figures_refresh(days=WINDOW_DAYS)
    first = _rows()
    daily_figures_refresh(days=WINDOW_DAYS)
    assert _rows() == first


def test_the_job_recomputes_only_the_last_days_it_is_given(staff):
    today = timezone.localdate()
    DailyFigure.objects.create(day=today - timedelta(days=5), metric="submissions", value=99)
    daily_figures_refresh(days=2)
    assert set(DailyFigure.objects.filter(metric=DAY_MARKER).values_list("day", flat=True)) == {
        today,
        today - timedelta(days=1),
    }
    assert DailyFigure.objects.get(day=today - timedelta(days=5)).value == 99


def test_the_beat_task_recomputes_the_days_the_setting_names(settings):
    settings.DASHBOARD_RECOMPUTE_DAYS = 3
    tasks.daily_figures_refresh()
    assert DailyFigure.objects.filter(metric=DAY_MARKER).count() == 3


def test_beat_schedules_the_job():
    assert settings.CELERY_BEAT_SCHEDULE["dashboard-daily-figures"]["task"] == "portal.tasks.daily_figures_refresh"


def test_the_figures_are_right_before_the_job_ever_ran(staff):
    seeded = history_seed(40, staff)
    figures = daily_figures_read()
    assert DailyFigure.objects.filter(metric=DAY_MARKER).count() == WINDOW_DAYS
    assert figures.total("submissions") == seeded.submissions
    assert sum(figures.totals("decisions").values()) == seeded.decisions


def test_days_the_job_computed_are_read_in_one_query_and_not_recomputed(staff):
    history_seed(40, staff)
    daily_figures_refresh(days=WINDOW_DAYS)
    with CaptureQueriesContext(connection) as captured:
        daily_figures_read()
    assert len(captured) == 1


def test_a_submission_made_after_the_job_ran_counts_once_the_job_runs_again(staff):
    history_seed(40, staff)
    daily_figures_refresh(days=WINDOW_DAYS)
    before = daily_figures_read().total("submissions")
    history_seed(30, staff, tag="later")
    assert daily_figures_read().total("submissions") == before  # stored figures: the job has not run
    daily_figures_refresh(days=WINDOW_DAYS)
    assert daily_figures_read().total("submissions") == before + 30


def test_the_watchdog_records_each_re_drive_and_the_figures_count_them(staff):
    seeded = history_seed(30, staff)  # its running submissions have a step whose heartbeat stopped days ago
    stalled = Submission.objects.filter(state=Submission.State.RUNNING).count()
    assert pipeline_watchdog()["requeued"] == stalled
    recorded = OfferEvent.objects.filter(kind="redriven", actor=None, message__startswith="Re-driven by the watchdog")
    assert recorded.count() == seeded.redriven + stalled
    assert all(event.internal for event in recorded)
    daily_figures_refresh(days=1)
    assert daily_figures_read().total("redriven_watchdog") == seeded.redriven + stalled


def test_durations_are_summed_up_by_their_median_and_90th_percentile():
    assert percentiles([float(n) for n in range(1, 11)]) == (5.5, 9.0)
    assert percentiles([7.0]) == (7.0, 7.0)


def test_todays_figures_are_computed_again_when_the_job_has_not_kept_them(staff):
    daily_figures_refresh(days=1)
    DailyFigure.objects.filter(day=timezone.localdate()).update(
        computed_at=timezone.now() - TODAY_STALE_AFTER - timedelta(minutes=1)
    )
    history_seed(30, staff)
    findings_now = daily_figures_read().total("given_up")  # the seed's findings are dated now
    assert findings_now == DailyFigure.objects.get(day=timezone.localdate(), metric="given_up").value
    assert findings_now > 0
