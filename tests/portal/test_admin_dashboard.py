"""The admin dashboard on the admin index: who sees which panel, the seeded figures, CSV exports, query counts."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.operations import staff_groups_ensure
from offers.models import Offer
from portal.admin_dashboard import csv_safe
from portal.figures import daily_figures_refresh
from portal.models import DailyFigure
from tests.factories import UserFactory
from tests.portal.dashboard_history import OUTBOX_FAILED, OUTBOX_PENDING, history_seed

OPERATOR_PANELS = ["offers", "activity", "times", "checks", "our-side"]
REVIEWER_PANELS = ["queues", "throughput"]


def _staff(group: str | None, **extra):
    staff_groups_ensure()
    user = UserFactory(is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db):
    return _staff("Reviewers")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def _csv(response) -> list[list[str]]:
    return list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content if response.streaming else [response.content]).decode())
        )
    )


def _table(response, slug):
    for panel in response.context["dashboard_panels"]:
        for table in panel.tables:
            if table.slug == slug:
                return table
    return None


def test_an_operator_sees_every_panel_above_the_model_list(operator_client):
    response = operator_client.get("/admin/")
    assert [p.slug for p in response.context["dashboard_panels"]] == REVIEWER_PANELS + OPERATOR_PANELS
    html = response.content.decode()
    assert html.index('data-testid="admin-dashboard"') < html.index('id="content-main"')


def test_a_reviewer_sees_the_queue_and_throughput_panels_only(reviewer_client):
    response = reviewer_client.get("/admin/")
    assert [p.slug for p in response.context["dashboard_panels"]] == REVIEWER_PANELS
    assert b'data-testid="panel-our-side"' not in response.content
    assert b'data-testid="panel-offers"' not in response.content


def test_a_reviewer_does_not_see_the_operators_account_verification_queue(reviewer_client):
    queues = _table(reviewer_client.get("/admin/"), "queues")
    assert [row[0] for row in queues.rows] == ["Content review", "Technical review", "Eligibility review"]


def test_staff_outside_reviewers_and_operators_see_no_dashboard(client, db):
    client.force_login(_staff(None))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["dashboard_panels"] == []
    assert b'data-testid="admin-dashboard"' not in response.content


def test_a_superuser_sees_every_panel(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert len(client.get("/admin/").context["dashboard_panels"]) == 7


def test_someone_outside_staff_is_sent_to_the_admin_sign_in(client, db):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_figures_match_the_seeded_history(operator_client, operator):
    seeded = history_seed(100, operator)
    response = operator_client.get("/admin/")
    offers = dict(_table(response, "offers-by-status").rows)
    assert offers[str(Offer.Status.LIVE.label)] == seeded.offers_by_status[Offer.Status.LIVE]
    assert offers[str(Offer.Status.DRAFT.label)] == seeded.offers_by_status[Offer.Status.DRAFT]
    content = _table(response, "queues").rows[0]
    assert content[:4] == ["Content review", seeded.open_reviews, seeded.open_reviews, seeded.overdue_reviews]
    daily = _table(response, "decisions-daily")
    assert sum(row[1] for row in daily.rows) == seeded.decisions
    assert [row[:2] for row in _table(response, "decisions-by-reviewer").rows] == [
        [operator.username, seeded.decisions]
    ]
    rate = _table(response, "check-failure-rate").rows
    assert rate == [
        [
            "Content check",
            seeded.check_runs,
            seeded.check_failures,
            f"{100 * seeded.check_failures / seeded.check_runs:.0f} %",
        ]
    ]
    assert _table(response, "finding-codes").rows == [["listing.name_missing", seeded.check_failures]]
    assert _table(response, "finding-policies").rows == [["900.1", seeded.check_failures]]
    our_side = dict(_table(response, "our-side").rows)
    assert our_side["Steps given up, last 28 days"] == seeded.given_up
    assert our_side["Submissions re-driven by the watchdog, last 28 days"] == seeded.redriven
    assert our_side["Outbox messages pending"] == OUTBOX_PENDING
    assert our_side["Outbox messages failed"] == OUTBOX_FAILED


def test_the_time_per_phase_shows_median_and_p90_of_the_seeded_durations(operator_client, operator):
    history_seed(100, operator)
    rows = {row[0]: row for row in _table(operator_client.get("/admin/"), "time-per-phase").rows}
    assert rows["Automated validation"][1:3] == [round(600 / 3600, 2), round(600 / 3600, 2)]
    assert rows["Certification"][1:3] == [round(110 * 60 / 3600, 2), round(110 * 60 / 3600, 2)]
    assert rows["Publish → Live (end to end)"][1:3] == [3.0, 3.0]
    assert rows["Publish"][1:3] == [None, None]  # no seeded step: no figure, not a zero


def test_each_offer_status_links_to_the_filtered_offer_list(operator_client):
    table = _table(operator_client.get("/admin/"), "offers-by-status")
    assert table.links[0] == "/admin/offers/offer/?status__exact=draft"


def test_an_operator_downloads_a_table_as_csv(operator_client, operator):
    seeded = history_seed(100, operator)
    response = operator_client.get("/admin/dashboard/offers-by-status.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-offers-by-status.csv"'
    rows = _csv(response)
    assert rows[0] == ["Status", "Offers"]
    assert ["Live", str(seeded.offers_by_status[Offer.Status.LIVE])] in rows


def test_a_reviewer_downloads_a_queue_table_as_csv(reviewer_client):
    response = reviewer_client.get("/admin/dashboard/queues.csv")
    assert response.status_code == 200
    assert _csv(response)[1][0] == "Content review"


def test_a_reviewer_may_not_download_an_operators_table(reviewer_client):
    assert reviewer_client.get("/admin/dashboard/our-side.csv").status_code == 403


def test_staff_outside_the_groups_may_not_download_any_table(client, db):
    client.force_login(_staff(None))
    assert client.get("/admin/dashboard/queues.csv").status_code == 403


def test_someone_outside_staff_may_not_download_a_table(client, db):
    client.force_login(UserFactory())
    response = client.get("/admin/dashboard/queues.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_unknown_table_is_not_found(operator_client):
    assert operator_client.get("/admin/dashboard/passwords.csv").status_code == 404


def test_a_text_cell_that_a_spreadsheet_would_run_is_kept_as_text():
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe(-3) == -3


def test_the_charts_data_is_in_json_script_and_the_page_has_no_inline_script(operator_client, operator):
    history_seed(100, operator)
    html = operator_client.get("/admin/").content.decode()
    assert '<script id="chart-data-decisions-daily" type="application/json">' in html
    assert 'data-chart="chart-data-decisions-daily"' in html
    scripts = html.split("<script")[1:]
    assert all(' src="' in tag.split(">")[0] or 'type="application/json"' in tag.split(">")[0] for tag in scripts)


def test_the_dashboard_query_count_is_the_same_with_100_and_10000_submissions(operator_client, operator):
    def queries():
        operator_client.get("/admin/")  # the first view computes the days the job has not
        with CaptureQueriesContext(connection) as captured:
            assert operator_client.get("/admin/").status_code == 200
        return len(captured)

    history_seed(100, operator, tag="small")
    small = queries()
    history_seed(9_900, operator, tag="large")
    daily_figures_refresh(days=28)  # as the job would: the stored days now hold the larger history
    assert queries() == small


def test_each_chart_draws_the_figures_of_its_table(operator_client, operator):
    history_seed(100, operator)
    response = operator_client.get("/admin/")
    daily = _table(response, "decisions-daily")
    assert daily.chart["labels"] == [row[0] for row in daily.rows]
    for n, dataset in enumerate(daily.chart["datasets"], start=1):
        assert dataset["label"] == daily.columns[n]
        assert dataset["data"] == [row[n] for row in daily.rows]
    offers = _table(response, "offers-by-status")
    assert offers.chart["datasets"][0]["data"] == [row[1] for row in offers.rows]


def test_the_daily_panels_say_when_their_figures_were_computed(operator_client):
    daily_figures_refresh(days=1)
    computed = timezone.localtime(DailyFigure.objects.get(day=timezone.localdate(), metric="day").computed_at)
    panels = {p.slug: p for p in operator_client.get("/admin/").context["dashboard_panels"]}
    assert panels["throughput"].note == f"Daily figures as of {computed:%H:%M}."
    assert panels["activity"].note == panels["throughput"].note
