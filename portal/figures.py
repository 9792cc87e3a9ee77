"""The admin dashboard's daily figures: computed from the history in a fixed number of grouped queries, kept in
``DailyFigure`` by the beat job, read back as a bounded number of rows.

``daily_figures_refresh`` recomputes a range of days and replaces their rows (idempotent: run it twice, get the
same rows). Beat runs it every few minutes for the last ``DASHBOARD_RECOMPUTE_DAYS`` days, today included, so late
arrivals around midnight are counted too. ``daily_figures_read`` returns the last 28 days; a day the job never
computed (a fresh database, beat stopped for a while), or today when its figures are over ten minutes old, is
computed then and there, in the same fixed number of queries whatever the number of missing days, so the
dashboard is right before the job ever ran.

Each query is grouped by day (and key) over the range, never one query per day, so the number of queries does not
grow with the days or the data. Durations (time per phase, Publish to Live) are the median and 90th percentile of a
rolling 28-day window ending on each day, computed in Python from the window's rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import VerificationRequest
from certification.forecasts import percentiles
from certification.models import Finding, Phase, ReviewItem, Step, Submission
from offers.models import OfferEvent
from portal.models import DailyFigure

WINDOW_DAYS = 28
DAY_MARKER = "day"  # one row per computed day, so a quiet day is told apart from a day never computed
VERIFICATION = "verification"  # the account verification queue, next to the reviewer queues' levels
GIVEN_UP_CODE = "system.step_failed"  # certification.pipeline.step_give_up's finding
AUTOMATIC = "(automatic)"  # decisions taken by a rule, with no reviewer
# Today's figures older than this are computed again on read: twice beat's interval, so a running beat keeps them
# and a stopped one leaves them at most this old (never a whole day behind).
TODAY_STALE_AFTER = timedelta(minutes=10)


@dataclass
class DailyFigures:
    """The figures of a range of days: ``values[metric][key][day]``, and the computed days."""

    first: date
    last: date
    values: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    computed_at: datetime | None = None

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def series(self, metric: str, key: str = "") -> list[float]:
        """Return the metric's value on each day of the range (0 when nothing happened)."""
        by_day = self.values.get(metric, {}).get(key, {})
        return [by_day.get(day, 0) for day in self.days]

    def keys(self, metric: str) -> list[str]:
        return sorted(self.values.get(metric, {}))

    def total(self, metric: str, key: str = "") -> float:
        return sum(self.values.get(metric, {}).get(key, {}).values())

    def totals(self, metric: str) -> dict[str, float]:
        """Return the metric's sum over the range for each key."""
        return {key: sum(by_day.values()) for key, by_day in self.values.get(metric, {}).items()}

    def latest(self, metric: str, key: str = "") -> float | None:
        """Return the value of the last day that has one (rolling figures such as durations)."""
        by_day = self.values.get(metric, {}).get(key, {})
        return by_day[max(by_day)] if by_day else None


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first, time.min), tz),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz),
    )


def _by_day(queryset, when: str, *keys: str):
    """Group ``queryset`` by the local day of ``when`` (and ``keys``), counting rows: yields (day, *keys, n)."""
    rows = (
        queryset.annotate(on=TruncDate(when, tzinfo=timezone.get_current_timezone()))
        .values("on", *keys)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        yield row["on"], *(row[key] for key in keys), row["n"]


def _rolling(figures: dict, metric: str, key: str, finished: list[tuple[date, float]], days: list[date]) -> None:
    """Store the median and P90 of the durations finished in the 28 days ending on each day."""
    for day in days:
        start = day - timedelta(days=WINDOW_DAYS - 1)
        window = [seconds for on, seconds in finished if start <= on <= day]
        if window:
            p50, p90 = percentiles(window)
            figures[(day, f"{metric}_p50", key)] = p50
            figures[(day, f"{metric}_p90", key)] = p90


def daily_figures_compute(first: date, last: date) -> dict[tuple[date, str, str], float]:
    """Compute every figure of the days ``first`` to ``last`` (local dates) in a fixed number of queries."""
    start, end = _bounds(first, last)
    figures: dict[tuple[date, str, str], float] = defaultdict(float)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for day in days:
        figures[(day, DAY_MARKER, "")] = 1

    def add(metric, rows):
        for day, *keys, n in rows:
            figures[(day, metric, str(keys[0]) if keys and keys[0] is not None else "")] += n

    add("submissions", _by_day(Submission.objects.filter(created_at__gte=start, created_at__lt=end), "created_at"))
    add(
        "published",
        _by_day(
            Submission.objects.filter(state=Submission.State.COMPLETED, finished_at__gte=start, finished_at__lt=end),
            "finished_at",
        ),
    )
    # Decisions of the reviewer queues and of the account verification queue, by queue, outcome and reviewer.
    decided = ReviewItem.objects.filter(
        decided_at__gte=start, decided_at__lt=end, state__in=[ReviewItem.State.APPROVED, ReviewItem.State.REJECTED]
    )
    for day, level, state, reviewer, n in _by_day(decided, "decided_at", "level", "state", "decided_by__username"):
        figures[(day, "decisions", level)] += n
        outcome = "approvals" if state == ReviewItem.State.APPROVED else "rejections"
        figures[(day, outcome, level)] += n
        figures[(day, "reviewer", reviewer or AUTOMATIC)] += n
    verified = VerificationRequest.objects.filter(decided_at__gte=start, decided_at__lt=end).exclude(
        state=VerificationRequest.State.OPEN
    )
    for day, state, reviewer, n in _by_day(verified, "decided_at", "state", "decided_by__username"):
        figures[(day, "decisions", VERIFICATION)] += n
        if state == VerificationRequest.State.APPROVED:
            figures[(day, "approvals", VERIFICATION)] += n
        elif state == VerificationRequest.State.REJECTED:
            figures[(day, "rejections", VERIFICATION)] += n
        figures[(day, "reviewer", reviewer or AUTOMATIC)] += n
    # Automated checks: the steps that ran a check (no reviewer, no sign-off) and finished, and those that failed.
    checks = Step.objects.filter(
        finished_at__gte=start,
        finished_at__lt=end,
        state__in=[Step.State.SUCCEEDED, Step.State.FAILED],
        review_item__isnull=True,
    ).exclude(phase=Phase.PUBLISHER_SIGNOFF)
    for day, key, state, n in _by_day(checks, "finished_at", "name", "state"):  # the step's name, as people read it
        figures[(day, "check_runs", key)] += n
        if state == Step.State.FAILED:
            figures[(day, "check_failures", key)] += n
            figures[(day, "check_failures_all", "")] += n
    findings = Finding.objects.filter(created_at__gte=start, created_at__lt=end)
    add("given_up", _by_day(findings.filter(code=GIVEN_UP_CODE), "created_at"))
    problems = findings.exclude(source=Finding.Source.SYSTEM)
    add("finding_code", _by_day(problems, "created_at", "code"))
    add("finding_policy", _by_day(problems.filter(policy__isnull=False), "created_at", "policy__number"))
    redriven = OfferEvent.objects.filter(kind="redriven", created_at__gte=start, created_at__lt=end)
    add("redriven_watchdog", _by_day(redriven.filter(actor__isnull=True), "created_at"))
    add("redriven_operator", _by_day(redriven.filter(actor__isnull=False), "created_at"))

    # Durations over a rolling window: the rows finished from 27 days before the first day to the last day.
    window_start, _ = _bounds(first - timedelta(days=WINDOW_DAYS - 1), first)
    tz = timezone.get_current_timezone()
    phases = (
        Step.objects.filter(started_at__isnull=False, submission__finished_at__isnull=False)
        .filter(submission__finished_at__gte=window_start, submission__finished_at__lt=end)
        .values("submission_id", "phase")
        .annotate(began=Min("started_at"), ended=Max("finished_at"), unfinished=Count("pk", filter=Q(finished_at=None)))
        .filter(unfinished=0)
        .order_by()
    )
    per_phase = defaultdict(list)
    for row in phases:
        per_phase[row["phase"]].append(
            (timezone.localtime(row["ended"], tz).date(), (row["ended"] - row["began"]).total_seconds())
        )
    for phase, finished in per_phase.items():
        _rolling(figures, "phase", phase, finished, days)
    live = Submission.objects.filter(
        state=Submission.State.COMPLETED, finished_at__gte=window_start, finished_at__lt=end
    ).values_list("created_at", "finished_at")
    finished = [(timezone.localtime(done, tz).date(), (done - began).total_seconds()) for began, done in live]
    _rolling(figures, "live", "", finished, days)
    return dict(figures)


@transaction.atomic
def daily_figures_refresh(*, days: int = 2, today: date | None = None) -> int:
    """Recompute the last ``days`` days (today included) and replace their rows; return the rows written."""
    today = today or timezone.localdate()
    return _store(today - timedelta(days=days - 1), today)


def _store(first: date, last: date) -> int:
    figures = daily_figures_compute(first, last)
    DailyFigure.objects.filter(day__gte=first, day__lte=last).delete()
    rows = [DailyFigure(day=day, metric=metric, key=key, value=value) for (day, metric, key), value in figures.items()]
    DailyFigure.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["day", "metric", "key"], update_fields=["value", "computed_at"]
    )
    return len(rows)


def daily_figures_read(*, today: date | None = None) -> DailyFigures:
    """Return the figures of the last 28 days, computing the days the job has not (yet) computed."""
    today = today or timezone.localdate()
    first = today - timedelta(days=WINDOW_DAYS - 1)
    rows = list(
        DailyFigure.objects.filter(day__gte=first, day__lte=today).values_list(
            "day", "metric", "key", "value", "computed_at"
        )
    )
    stale_before = timezone.now() - TODAY_STALE_AFTER
    computed = {
        day for day, metric, _key, _value, at in rows if metric == DAY_MARKER and (day != today or at >= stale_before)
    }
    missing = [day for day in (first + timedelta(days=n) for n in range(WINDOW_DAYS)) if day not in computed]
    if missing:
        with transaction.atomic():
            _store(min(missing), max(missing))
        rows = list(
            DailyFigure.objects.filter(day__gte=first, day__lte=today).values_list(
                "day", "metric", "key", "value", "computed_at"
            )
        )
    figures = DailyFigures(first=first, last=today)
    for day, metric, key, value, computed_at in rows:
        figures.values[metric][key][day] = value
        if metric == DAY_MARKER and day == today:
            figures.computed_at = computed_at
    return figures
