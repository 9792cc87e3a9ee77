"""Expected finishes: what each pending or waiting step, and the whole submission, should take, as a range (P50-P90)
from the portal's own recent history.

A beat job (``forecasts_refresh``) measures, in a fixed number of queries whatever the size of the queues:
- each automated step's durations over its last runs (``step:<key>``);
- each reviewer queue's throughput over the last four weeks, the reviewers active in it, and the place of every open
  item in the queue's actual order (``queue:<level>``).
The overview reads the stored rows in one query (``submission_forecast``). With no history a step shows its typical
duration and "no recent data".
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certification.models import Forecast, Phase, ReviewItem, Step

WINDOW_DAYS = 28
BUSINESS_DAYS_IN_WINDOW = 20
ACTIVE_DAYS = 7  # a reviewer who claimed or decided an item of the queue in the last week is active in it
STEP_RUNS = 50  # the last runs of each automated step
Z90 = 1.2816  # the 90th percentile of the normal distribution


def percentiles(values: list[float]) -> tuple[float, float]:
    """Return the median and the 90th percentile (nearest rank) of a non-empty list: the expected finishes and the
    admin dashboard's times per phase read durations alike."""
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * 9 // 10) - 1))]
    return statistics.median(ordered), p90


def business_time_after(start: datetime, days: float) -> datetime:
    """Return the moment ``days`` business days (fractions allowed) after ``start``, skipping weekends."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    whole, part = divmod(max(days, 0.0), 1)
    weeks, remaining = divmod(int(whole), 5)
    moment += timedelta(weeks=weeks)  # five business days are one week, whatever the weekday
    while remaining:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    moment += timedelta(days=part)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def queue_order(items: QuerySet, now=None) -> QuerySet:
    """Order review items as the queues do: those past their due date first, then oldest place first."""
    overdue_first = Case(When(due_at__lt=now or timezone.now(), then=Value(0)), default=Value(1))
    return items.order_by(overdue_first, "queued_since", "pk")


def queue_slice(items: QuerySet, start: int, stop: int, now=None) -> QuerySet:
    """Return ``queue_order(items)[start:stop]`` without ordering every item: a page costs the same for any queue size.

    No index serves the overdue-first expression, so ordering the whole queue sorts (and joins) every open item
    for each page. The order is two runs, each oldest place first: the overdue items, then the others. Each run's
    first ``stop`` ids come from an index in order (level, state, queued_since; or state, due_at for the usually few
    overdue ones); only those (at most twice ``stop``) rows are then ordered, in the same single query.
    """
    now = now or timezone.now()
    ids = items.order_by("queued_since", "pk").values("pk")
    first_runs = ids.filter(due_at__lt=now)[:stop].union(ids.filter(due_at__gte=now)[:stop], all=True)
    return queue_order(items.filter(pk__in=first_runs), now)[start:stop]


# -- the beat job -------------------------------------------------------------------------------------------------


def _step_forecasts(now) -> dict[str, dict]:
    since = now - timedelta(days=WINDOW_DAYS)
    rows = (
        Step.objects.filter(
            state=Step.State.SUCCEEDED, finished_at__gte=since, started_at__isnull=False, review_item__isnull=True
        )
        .exclude(phase=Phase.PUBLISHER_SIGNOFF)
        .order_by("-finished_at")
        .values_list("key", "started_at", "finished_at")
    )
    durations: dict[str, list[float]] = {}
    for key, began, ended in rows.iterator(chunk_size=2000):
        runs = durations.setdefault(key, [])
        if len(runs) < STEP_RUNS:
            runs.append(max((ended - began).total_seconds(), 0.0))
    out = {}
    for key, runs in durations.items():
        p50, p90 = percentiles(runs)
        out[f"step:{key}"] = {"p50": p50, "p90": p90, "runs": len(runs)}
    return out


def _queue_forecasts(now) -> dict[str, dict]:
    since, active_since = now - timedelta(days=WINDOW_DAYS), now - timedelta(days=ACTIVE_DAYS)
    decided = ReviewItem.objects.filter(
        decided_at__gte=since,
        decided_by__isnull=False,
        state__in=[ReviewItem.State.APPROVED, ReviewItem.State.REJECTED],
    )
    history = {
        row["level"]: row
        for row in decided.values("level")
        .annotate(n=Count("pk"), reviewers=Count("decided_by", distinct=True))
        .order_by()
    }
    active = {
        row["level"]: row["n"]
        for row in ReviewItem.objects.filter(
            Q(claimed_at__gte=active_since) | Q(decided_at__gte=active_since, decided_by__isnull=False)
        )
        .values("level")
        .annotate(n=Count("claimed_by", distinct=True))
        .order_by()
    }
    places: dict[str, dict[str, int]] = {level: {} for level in ReviewItem.Level.values}
    open_items = queue_order(ReviewItem.objects.filter(state=ReviewItem.State.OPEN), now).values_list("pk", "level")
    for pk, level in open_items.iterator(chunk_size=5000):
        queue = places[level]
        queue[str(pk)] = len(queue)
    out = {}
    for level in ReviewItem.Level.values:
        row = history.get(level) or {"n": 0, "reviewers": 0}
        reviewers = max(row["reviewers"], 1)
        per_reviewer = row["n"] / BUSINESS_DAYS_IN_WINDOW / reviewers
        out[f"queue:{level}"] = {
            "decisions": row["n"],
            "reviewers": row["reviewers"],
            "active": active.get(level, 0),
            "rate": per_reviewer * max(active.get(level, 0), 1),  # decisions per business day now
            "open": len(places[level]),
            "places": places[level],
        }
    return out


def forecasts_refresh(now=None) -> int:
    """Compute and store every forecast (celery beat); a fixed number of queries, whatever the queues hold."""
    now = now or timezone.now()
    rows = {**_step_forecasts(now), **_queue_forecasts(now)}
    Forecast.objects.bulk_create(
        [Forecast(key=key, data=data, computed_at=now) for key, data in rows.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["data", "computed_at"],
    )
    Forecast.objects.exclude(key__in=list(rows)).delete()
    return len(rows)


# -- what the overview reads --------------------------------------------------------------------------------------


@dataclass
class Eta:
    """An expected finish: between ``low`` and ``high`` (None when nothing is known), and what it is based on."""

    low: datetime | None
    high: datetime | None
    basis: str
    no_data: bool = False


def _queue_eta(item: ReviewItem, data: dict | None, start: datetime) -> Eta:
    if not data or not data["decisions"]:
        return Eta(None, None, _("typically 3 business days · no recent data"), no_data=True)
    ahead = data["place"] if data.get("place") is not None else data["open"]
    decisions = ahead + 1
    rate = data["rate"]
    low = business_time_after(start, decisions / rate)
    high = business_time_after(start, (decisions + Z90 * math.sqrt(decisions)) / rate)
    basis = ngettext(
        "based on %(n)d review in the last %(days)d days",
        "based on %(n)d reviews in the last %(days)d days",
        data["decisions"],
    ) % {"n": data["decisions"], "days": WINDOW_DAYS}
    return Eta(low, high, basis)


def _step_eta(step: Step, data: dict | None, start: datetime, now: datetime) -> Eta:
    if not data:
        typical = _("typically %(t)s") % {"t": step.typical} if step.typical else ""
        return Eta(None, None, ", ".join(filter(None, [typical, _("no recent data")])), no_data=True)
    spent = (now - step.started_at).total_seconds() if step.state == Step.State.RUNNING and step.started_at else 0
    low = start + timedelta(seconds=max(data["p50"] - spent, 0))
    high = start + timedelta(seconds=max(data["p90"] - spent, 0))
    basis = ngettext("based on %(n)d recent run", "based on %(n)d recent runs", data["runs"]) % {"n": data["runs"]}
    return Eta(low, high, basis)


FIGURES = ("p50", "p90", "runs", "decisions", "rate", "open")


def submission_forecast(steps: list[Step], review_item: ReviewItem | None, now=None) -> Eta | None:
    """Set ``eta`` on each pending, running or waiting step before the sign-off; return the whole submission's.

    Each step starts when the one before it is expected to end, so the ranges add up along the way; the
    publisher's own sign-off is theirs to time and ends the forecast. One query.
    """
    now = now or timezone.now()
    ahead = [s for s in steps if s.state in (Step.State.PENDING, Step.State.RUNNING, Step.State.WAITING)]
    ahead = [s for s in ahead if s.phase not in (Phase.PUBLISHER_SIGNOFF, Phase.PUBLISH)]
    if not ahead:
        return None
    keys = {f"step:{s.key}" for s in ahead}
    if review_item is not None:
        keys.add(f"queue:{review_item.level}")
    # Only the figures and this item's place are read, never the queue's whole list of places.
    rows = Forecast.objects.filter(key__in=keys).annotate(**{name: KeyTransform(name, "data") for name in FIGURES})
    if review_item is not None:
        rows = rows.annotate(place=KeyTransform(str(review_item.pk), KeyTransform("places", "data")))
    names = [*FIGURES, *(["place"] if review_item is not None else [])]
    stored = {row.pop("key"): row for row in rows.values("key", *names)}
    low = high = now
    no_data = False
    for step in ahead:
        if review_item is not None and step.pk == review_item.step_id:
            eta = _queue_eta(review_item, stored.get(f"queue:{review_item.level}"), now)
            if eta.low is not None:
                eta = Eta(max(eta.low, low), max(eta.high, high), eta.basis)
        else:
            eta_low = _step_eta(step, stored.get(f"step:{step.key}"), low, now)
            eta_high = _step_eta(step, stored.get(f"step:{step.key}"), high, now)
            eta = Eta(eta_low.low, eta_high.high, eta_low.basis, eta_low.no_data)
        step.eta = eta
        if eta.no_data:
            no_data = True
        else:
            low, high = eta.low, eta.high
    if no_data and low == now:
        return Eta(None, None, _("no recent data"), no_data=True)
    basis = _("from the steps' recent history") + (" · " + _("some steps have no recent data") if no_data else "")
    return Eta(low, high, basis, no_data=no_data)
