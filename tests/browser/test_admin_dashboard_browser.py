"""In Chromium: the admin dashboard over a seeded history, as an operator and as a reviewer."""

import csv
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from certification.operations import staff_groups_ensure
from offers.models import Offer
from tests.factories import PASSWORD, UserFactory
from tests.portal.dashboard_history import history_seed
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff(group: str):
    staff_groups_ensure()  # transactional tests flush what the migration made
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _admin_sign_in(page, base_url: str, user) -> None:
    browser_sign_in(page, base_url, user.email, PASSWORD)  # staff sign in where everyone does
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))
    page.goto(f"{base_url}/admin/")
    expect(page.get_by_test_id("admin-dashboard")).to_be_visible()


def _row(page, table: str, header: str):
    return (
        page.get_by_test_id(f"table-{table}")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=header, exact=True))
    )


def test_an_operator_reads_the_seeded_figures_sees_the_charts_and_downloads_a_csv(
    page, live_server, settings, tmp_path
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    operator = _staff("Operators")
    seeded = history_seed(100, operator)
    _admin_sign_in(page, live_server.url, operator)

    live = str(seeded.offers_by_status[Offer.Status.LIVE])
    expect(_row(page, "offers-by-status", "Live").get_by_role("cell")).to_have_text([live])
    expect(_row(page, "queues", "Content review").get_by_role("cell").first).to_have_text(str(seeded.open_reviews))
    expect(_row(page, "our-side", "Outbox messages failed").get_by_role("cell")).to_have_text(["2"])
    for chart in ("decisions-daily", "offers-by-status", "activity-daily", "time-per-phase"):
        canvas = page.get_by_test_id(f"chart-{chart}")
        expect(canvas).not_to_have_attribute("data-drawn", "0")
        assert int(canvas.get_attribute("data-drawn")) > 0
        box = canvas.bounding_box()
        assert box["width"] > 200
        assert box["height"] > 100
    drawn = page.get_by_test_id("chart-offers-by-status").evaluate(
        "canvas => Chart.getChart(canvas).data.datasets[0].data"
    )
    assert drawn[[str(label) for _value, label in Offer.Status.choices].index("Live")] == int(live)

    with page.expect_download() as download:
        page.get_by_test_id("csv-offers-by-status").click()
    path = tmp_path / "offers.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["Status", "Offers"]
    assert ["Live", live] in rows


def test_a_reviewer_sees_queues_and_throughput_but_not_the_operators_panels(page, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reviewer = _staff("Reviewers")
    seeded = history_seed(100, reviewer)
    _admin_sign_in(page, live_server.url, reviewer)

    expect(page.get_by_role("heading", name="Review queues", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Throughput", level=2)).to_be_visible()
    expect(_row(page, "queues", "Content review").get_by_role("cell").first).to_have_text(str(seeded.open_reviews))
    expect(page.get_by_test_id("chart-decisions-daily")).not_to_have_attribute("data-drawn", "0")
    for panel in ("offers", "activity", "times", "checks", "our-side"):
        expect(page.get_by_test_id(f"panel-{panel}")).to_have_count(0)
    expect(page.get_by_role("heading", name="Our side")).to_have_count(0)
    assert page.request.get(f"{live_server.url}/admin/dashboard/our-side.csv").status == 403
