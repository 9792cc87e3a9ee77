"""The admin dashboard: what operators and reviewers see above the model list, as tables, charts and CSV.

Every figure is a ``Table`` (a caption, column headings, rows whose first cell heads the row), so each chart is
also a table and a CSV export of the same rows. Snapshot figures (offers, queues, the outbox) come from grouped
queries; the last 28 days come from ``portal.figures`` (a bounded number of rows). The number of queries depends
on the viewer's role, never on the size of the data. Reviewers see the queue and throughput panels; operators
(and superusers) see every panel; other staff see none.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import VerificationRequest
from accounts.verification import queue_unclaimed as verification_unclaimed
from certification.models import REVIEW_QUEUE_MODELS, Phase, ReviewItem, Step, Submission
from certification.reviews import queue_unclaimed
from offers.models import Offer
from outbox.models import OutboxMessage
from portal.figures import VERIFICATION, DailyFigures, daily_figures_read
from portal.health import WORKERS_CACHE_KEY, beat_probe
from portal.models import Outage

OPERATOR = "operator"
REVIEWER = "reviewer"
STAFF_ROLES = {"Operators": OPERATOR, "Reviewers": REVIEWER}
TOP = 10  # rows of the "most frequent" tables


@dataclass
class Table:
    """One figure of the dashboard: a captioned table, maybe drawn as a chart, exportable as CSV."""

    slug: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the first cell's link of each row, if any
    chart: dict | None = None  # Chart.js type and datasets, drawn by static/js/admin-dashboard.js
    empty: str = ""
    totals: dict = field(default_factory=dict)  # figures the rest of the page reuses (the queues' open items)

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.slug}"

    def rows_linked(self):
        """Yield (link, row) pairs for the template."""
        links = self.links or [""] * len(self.rows)
        return zip(links, self.rows, strict=True)


@dataclass
class Panel:
    slug: str
    title: str
    audience: str  # REVIEWER: reviewers and operators; OPERATOR: operators only
    tables: list[Table]
    note: str = ""


def staff_role(user) -> str | None:
    """Return OPERATOR for superusers and Operators, REVIEWER for Reviewers, None for anyone else."""
    if not (user.is_active and user.is_staff):
        return None
    if user.is_superuser:
        return OPERATOR
    names = set(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
    if "Operators" in names:
        return OPERATOR
    if "Reviewers" in names:
        return REVIEWER
    return None


def may_see(role: str | None, audience: str) -> bool:
    return role == OPERATOR or (role == REVIEWER and audience == REVIEWER)


def _duration(seconds: float | None) -> str:
    """Return a duration as people read it: 45 min, 5.2 h, 3.1 d."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return _("%(n)d s") % {"n": round(seconds)}
    if seconds < 3600:
        return _("%(n)d min") % {"n": round(seconds / 60)}
    if seconds < 86400 * 2:
        return _("%(n).1f h") % {"n": seconds / 3600}
    return _("%(n).1f d") % {"n": seconds / 86400}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


QUEUE_LABELS = {**dict(ReviewItem.Level.choices), VERIFICATION: _("Account verification")}


def _queue_label(key: str) -> str:
    return str(QUEUE_LABELS.get(key, key))


def _queue_url(key: str) -> str:
    if key == VERIFICATION:
        return reverse("admin:accounts_verificationrequest_changelist")
    model = REVIEW_QUEUE_MODELS[key]
    return reverse(f"admin:certification_{model._meta.model_name}_changelist")


# -- Queues (reviewers and operators)


def queue_tables(now, *, with_verification: bool) -> list[Table]:
    """Open, unclaimed and overdue items and the oldest item's age of each queue; the due dates of the next week."""
    open_items = ReviewItem.objects.filter(state=ReviewItem.State.OPEN, level__in=list(REVIEW_QUEUE_MODELS))
    unclaimed = queue_unclaimed(open_items, now).values("pk")
    rows = {
        row["level"]: row
        for row in open_items.values("level")
        .annotate(
            n=Count("pk"),
            unclaimed=Count("pk", filter=Q(pk__in=unclaimed)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            oldest=Min("queued_since"),
        )
        .order_by()
    }
    table = Table(
        "queues",
        _("Review queues: open items"),
        [_("Queue"), _("Open"), _("Unclaimed"), _("Overdue"), _("Oldest item waiting")],
    )
    for level in REVIEW_QUEUE_MODELS:
        row = rows.get(level, {"n": 0, "unclaimed": 0, "overdue": 0, "oldest": None})
        age = (now - row["oldest"]).total_seconds() if row["oldest"] else None
        table.rows.append([_queue_label(level), row["n"], row["unclaimed"], row["overdue"], _duration(age)])
        table.links.append(_queue_url(level))
        table.totals[level] = row["n"]
        table.totals[f"overdue:{level}"] = row["overdue"]  # the admin index's overdue badges (issue 13)
    if with_verification:
        requests = VerificationRequest.objects.filter(state=VerificationRequest.State.OPEN)
        row = requests.aggregate(
            n=Count("pk"),
            unclaimed=Count("pk", filter=Q(pk__in=verification_unclaimed(requests, now).values("pk"))),
            oldest=Min("submitted_at"),
        )
        age = (now - row["oldest"]).total_seconds() if row["oldest"] else None
        table.rows.append([_queue_label(VERIFICATION), row["n"], row["unclaimed"], "—", _duration(age)])
        table.totals[VERIFICATION] = row["n"]
        table.links.append(_queue_url(VERIFICATION))
    today = timezone.localdate(now)
    week = [today + timedelta(days=n) for n in range(7)]
    due = defaultdict(int)
    for row in (
        open_items.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))
        .annotate(on=TruncDate("due_at", tzinfo=timezone.get_current_timezone()))
        .values("on", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        due[(row["on"], row["level"])] += row["n"]
    due_table = Table(
        "queue-due",
        _("Review items falling due in the next 7 days"),
        [_("Day"), *(_queue_label(level) for level in REVIEW_QUEUE_MODELS)],
    )
    for day in week:
        due_table.rows.append([day.isoformat(), *(due[(day, level)] for level in REVIEW_QUEUE_MODELS)])
    return [table, due_table]


# -- Throughput (reviewers and operators)


def _series_chart(figures: DailyFigures, datasets: list[tuple[str, list]], kind: str = "bar", stacked=True) -> dict:
    return {
        "type": kind,
        "stacked": stacked,
        "labels": [day.isoformat() for day in figures.days],
        "datasets": [{"label": label, "data": data} for label, data in datasets],
    }


def throughput_tables(figures: DailyFigures, *, with_verification: bool) -> list[Table]:
    """Decisions per day and queue, approvals against rejections, decisions per reviewer (last 28 days)."""
    queues = [*REVIEW_QUEUE_MODELS, *([VERIFICATION] if with_verification else [])]
    per_queue = [(_queue_label(q), [int(v) for v in figures.series("decisions", q)]) for q in queues]
    approvals = [int(sum(v)) for v in zip(*(figures.series("approvals", q) for q in queues), strict=True)]
    rejections = [int(sum(v)) for v in zip(*(figures.series("rejections", q) for q in queues), strict=True)]
    daily = Table(
        "decisions-daily",
        _("Decisions per day and queue, last 28 days"),
        [_("Day"), *(label for label, _data in per_queue), _("Approved"), _("Rejected")],
        chart=_series_chart(figures, per_queue),
    )
    for n, day in enumerate(figures.days):
        daily.rows.append([day.isoformat(), *(data[n] for _label, data in per_queue), approvals[n], rejections[n]])
    outcomes = Table(
        "approvals-rejections",
        _("Approvals and rejections per day, last 28 days"),
        [_("Day"), _("Approved"), _("Rejected")],
        rows=[[day.isoformat(), approvals[n], rejections[n]] for n, day in enumerate(figures.days)],
        chart=_series_chart(figures, [(_("Approved"), approvals), (_("Rejected"), rejections)], "line", False),
    )
    reviewers = sorted(figures.totals("reviewer").items(), key=lambda item: (-item[1], item[0]))
    per_reviewer = Table(
        "decisions-by-reviewer",
        _("Decisions per reviewer, last 28 days"),
        [_("Reviewer"), _("Last 28 days"), _("Last 7 days"), _("Today")],
        rows=[
            [name, int(n), int(sum(figures.series("reviewer", name)[-7:])), int(figures.series("reviewer", name)[-1])]
            for name, n in reviewers
        ],
        empty=_("No decisions in the last 28 days."),
    )
    return [daily, outcomes, per_reviewer]


# -- Operators only


def offer_tables() -> list[Table]:
    """Offers by status, each linking to the filtered offer list."""
    counts = dict(Offer.objects.values_list("status").annotate(n=Count("pk")).order_by())
    url = reverse("admin:offers_offer_changelist")
    table = Table(
        "offers-by-status",
        _("Offers by status"),
        [_("Status"), _("Offers")],
        chart={"type": "bar", "stacked": False, "horizontal": True},
    )
    for value, label in Offer.Status.choices:
        table.rows.append([str(label), counts.get(value, 0)])
        table.links.append(f"{url}?status__exact={value}")
    table.chart |= {
        "labels": [row[0] for row in table.rows],
        "datasets": [{"label": _("Offers"), "data": [row[1] for row in table.rows]}],
    }
    return [table]


def pipeline_tables() -> list[Table]:
    """Submissions in flight: by state, and the step each is at (running or waiting) by phase."""
    states = dict(
        Submission.objects.filter(state__in=Submission.ACTIVE).values_list("state").annotate(n=Count("pk")).order_by()
    )
    by_state = Table(
        "submissions-in-flight",
        _("Submissions in flight by state"),
        [_("State"), _("Submissions")],
        rows=[[str(Submission.State(s).label), states.get(s, 0)] for s in Submission.ACTIVE],
    )
    steps = (
        Step.objects.filter(submission__state__in=Submission.ACTIVE, state__in=[Step.State.RUNNING, Step.State.WAITING])
        .values("phase", "name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    phase_order = {value: n for n, value in enumerate(Phase.values)}
    by_step = Table(
        "submissions-by-step",
        _("Submissions in flight by phase and step"),
        [_("Step"), _("Phase"), _("Submissions")],
        rows=[
            [row["name"], str(Phase(row["phase"]).label), row["n"]]
            for row in sorted(steps, key=lambda r: (phase_order.get(r["phase"], 99), r["name"]))
        ],
        empty=_("No submission is running or waiting at a step."),
    )
    return [by_state, by_step]


def activity_tables(figures: DailyFigures) -> list[Table]:
    """Submissions, check failures, steps given up and re-drives per day (last 28 days)."""
    series = [
        (_("Submissions"), figures.series("submissions")),
        (_("Published live"), figures.series("published")),
        (_("Check failures"), figures.series("check_failures_all")),
        (_("Steps given up"), figures.series("given_up")),
        (_("Re-driven by the watchdog"), figures.series("redriven_watchdog")),
        (_("Re-driven by operators"), figures.series("redriven_operator")),
    ]
    series = [(label, [int(v) for v in data]) for label, data in series]
    table = Table(
        "activity-daily",
        _("Submissions, failures and re-drives per day, last 28 days"),
        [_("Day"), *(label for label, _data in series)],
        chart=_series_chart(figures, series[:4], "line", False),
    )
    for n, day in enumerate(figures.days):
        table.rows.append([day.isoformat(), *(data[n] for _label, data in series)])
    return [table]


def time_tables(figures: DailyFigures) -> list[Table]:
    """Median and P90 of the time spent in each phase and from Publish to Live (rolling 28 days)."""
    rows = [
        (str(label), figures.latest("phase_p50", phase), figures.latest("phase_p90", phase))
        for phase, label in Phase.choices
    ]
    rows.append((_("Publish → Live (end to end)"), figures.latest("live_p50"), figures.latest("live_p90")))
    return [
        Table(
            "time-per-phase",
            _("Time per phase, last 28 days (hours)"),
            [_("Phase"), _("Median (hours)"), _("P90 (hours)"), _("Median"), _("P90")],
            rows=[[label, _hours(p50), _hours(p90), _duration(p50), _duration(p90)] for label, p50, p90 in rows],
            chart={
                "type": "bar",
                "stacked": False,
                "horizontal": True,
                "labels": [label for label, _p50, _p90 in rows],
                "datasets": [
                    {"label": _("Median (hours)"), "data": [_hours(p50) for _l, p50, _p in rows]},
                    {"label": _("P90 (hours)"), "data": [_hours(p90) for _l, _p, p90 in rows]},
                ],
            },
        )
    ]


def check_tables(figures: DailyFigures) -> list[Table]:
    """Failure rate of each automated check, and the most frequent finding codes and policies (last 28 days)."""
    runs, failures = figures.totals("check_runs"), figures.totals("check_failures")
    rates = sorted(runs, key=lambda key: (-(failures.get(key, 0) / runs[key]), key))
    by_step = Table(
        "check-failure-rate",
        _("Failure rate per automated check, last 28 days"),
        [_("Check"), _("Runs"), _("Failures"), _("Failure rate")],
        rows=[
            [key, int(runs[key]), int(failures.get(key, 0)), f"{100 * failures.get(key, 0) / runs[key]:.0f} %"]
            for key in rates
        ],
        empty=_("No check finished in the last 28 days."),
    )

    def top(metric, slug, caption, heading):
        totals = sorted(figures.totals(metric).items(), key=lambda item: (-item[1], item[0]))[:TOP]
        return Table(
            slug,
            caption,
            [heading, _("Findings")],
            rows=[[key, int(n)] for key, n in totals],
            empty=_("No findings in the last 28 days."),
        )

    return [
        by_step,
        top("finding_code", "finding-codes", _("Most frequent finding codes, last 28 days"), _("Code")),
        top("finding_policy", "finding-policies", _("Most cited policies, last 28 days"), _("Policy")),
    ]


def our_side_tables(figures: DailyFigures) -> list[Table]:
    """What fails on our side: steps given up, re-drives, the outbox, workers and beat."""
    outbox = OutboxMessage.objects.aggregate(
        pending=Count("pk", filter=Q(state=OutboxMessage.State.PENDING)),
        failed=Count("pk", filter=Q(state=OutboxMessage.State.FAILED)),
    )
    outbox_url = reverse("admin:outbox_outboxmessage_changelist")
    table = Table(
        "our-side",
        _("Our side: failures, re-drives and the outbox"),
        [_("Figure"), _("Count")],
        rows=[
            [_("Steps given up, last 28 days"), int(figures.total("given_up"))],
            [_("Submissions re-driven by the watchdog, last 28 days"), int(figures.total("redriven_watchdog"))],
            [_("Submissions re-driven by operators, last 28 days"), int(figures.total("redriven_operator"))],
            [_("Outbox messages pending"), outbox["pending"]],
            [_("Outbox messages failed"), outbox["failed"]],
        ],
        links=["", "", "", f"{outbox_url}?state__exact=pending", f"{outbox_url}?state__exact=failed"],
    )
    beat = beat_probe()
    workers = cache.get(WORKERS_CACHE_KEY)  # the readiness probe's last ping; the dashboard never pings itself
    open_outages = {outage.component: outage for outage in Outage.objects.filter(ended_at=None)}
    health = Table(
        "health",
        _("Workers and beat"),
        [_("Part"), _("State"), _("Detail")],
        rows=[
            [str(beat.label), _("OK") if beat.ok else _("Failing"), beat.detail],
            [
                str(Outage.Component.WORKERS.label),
                (_("OK") if workers[0] else _("Failing")) if workers else _("Not probed lately"),
                workers[1] if workers else _("See /readyz: it pings the workers."),
            ],
            *(
                [str(outage.get_component_display()), _("Outage"), _("since %(when)s") % {"when": outage.started_at}]
                for component, outage in sorted(open_outages.items())
            ),
        ],
    )
    return [table, health]


def dashboard_panels(user, *, now=None) -> list[Panel]:
    """Return the panels ``user`` may see, in page order (none for staff outside Reviewers and Operators)."""
    role = staff_role(user)
    if role is None:
        return []
    now = now or timezone.now()
    figures = daily_figures_read(today=timezone.localdate(now))
    operator = role == OPERATOR
    as_of = (
        _("Daily figures as of %(time)s.") % {"time": timezone.localtime(figures.computed_at).strftime("%H:%M")}
        if figures.computed_at
        else ""
    )
    panels = [
        Panel("queues", _("Review queues"), REVIEWER, queue_tables(now, with_verification=operator)),
        Panel("throughput", _("Throughput"), REVIEWER, throughput_tables(figures, with_verification=operator), as_of),
    ]
    if operator:
        panels += [
            Panel("offers", _("Offers and submissions"), OPERATOR, offer_tables() + pipeline_tables()),
            Panel("activity", _("Daily activity"), OPERATOR, activity_tables(figures), as_of),
            Panel("times", _("Time per phase"), OPERATOR, time_tables(figures)),
            Panel("checks", _("Automated checks"), OPERATOR, check_tables(figures)),
            Panel("our-side", _("Our side"), OPERATOR, our_side_tables(figures)),
        ]
    return panels


# Each table's audience, for the CSV export to answer 403 (not allowed) apart from 404 (no such table).
TABLE_AUDIENCE = {
    **dict.fromkeys(
        ["queues", "queue-due", "decisions-daily", "approvals-rejections", "decisions-by-reviewer"], REVIEWER
    ),
    **dict.fromkeys(
        [
            "offers-by-status",
            "submissions-in-flight",
            "submissions-by-step",
            "activity-daily",
            "time-per-phase",
            "check-failure-rate",
            "finding-codes",
            "finding-policies",
            "our-side",
            "health",
        ],
        OPERATOR,
    ),
}


def csv_safe(cell):
    """Keep a spreadsheet from reading a text cell as a formula (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def dashboard_table(user, slug: str, *, now=None) -> Table | None:
    """Return the one table ``slug`` if ``user`` may see it (for the CSV export), else None."""
    for panel in dashboard_panels(user, now=now):
        for table in panel.tables:
            if table.slug == slug:
                return table
    return None
