"""Honest offline checks: with no network a link is "could not be verified", with a network a broken one fails."""

from urllib.parse import urlsplit

import pytest

from certification.checks.base import Severity, StepContext
from certification.checks.content import check_content
from certification.checks.functionality import check_functionality
from certification.checks.leads import check_lead_management
from certification.checks.purchase_flow import check_purchase_flow
from certification.models import Finding, Step, Submission
from certification.services import submission_start
from offers.demo import offer_fill_all
from offers.models import Offer
from offers.snapshots import snapshot_build
from outbox.services import outbox_send_now
from tests.certification.support import complete_offer, drive
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

OUTSIDE = "https://www.contoso.invalid"  # never resolves: offline it cannot be told from a machine without network
NO_NETWORK = "could not be verified: no network"


@pytest.fixture
def no_network(settings):
    settings.OUTBOUND_OFFLINE_WARN = True
    settings.OUTBOUND_NETWORK_PROBE = "probe.portal.invalid:443"


@pytest.fixture
def network(settings, https_endpoint):
    """A machine with a network: the probe reaches an address that accepts connections."""
    settings.OUTBOUND_OFFLINE_WARN = True
    settings.OUTBOUND_NETWORK_PROBE = f"127.0.0.1:{urlsplit(https_endpoint.base_url).port}"


def _context(owner, step_key: str, offer_type: str = "saas", **pages) -> StepContext:
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    snapshot = snapshot_build(offer)
    for page, values in pages.items():
        snapshot["pages"][page].update(values)
    return StepContext(
        submission_id=11,
        snapshot=snapshot,
        account=owner.account,
        offer=offer,
        phase="certification",
        step_key=step_key,
        extra={"lead_send_now": outbox_send_now},
    )


def _outside_links() -> dict:
    return {
        "privacy_policy_url": f"{OUTSIDE}/privacy",
        "support_url": f"{OUTSIDE}/support",
        "useful_link_1_url": f"{OUTSIDE}/docs",
        "useful_link_2_url": f"{OUTSIDE}/faq",
    }


def _saas_endpoints(base: str) -> dict:
    return {"landing_page_url": f"{base}/activate", "connection_webhook": f"{base}/webhook"}


def test_with_no_network_each_outside_link_is_a_warning_that_it_could_not_be_verified(owner, no_network):
    findings = check_content(_context(owner, "content_checks", offer_listing=_outside_links()))
    assert {f.field for f in findings} == set(_outside_links())
    assert {(f.code, f.severity) for f in findings} == {("content.link_unverified", Severity.WARNING)}
    assert all(NO_NETWORK in f.message for f in findings)


def test_with_a_network_a_link_that_does_not_resolve_fails(owner, network):
    findings = check_content(_context(owner, "content_checks", offer_listing=_outside_links()))
    assert {(f.code, f.severity) for f in findings} == {("content.link_unreachable", Severity.CRITICAL)}


def test_without_offline_warnings_a_link_that_cannot_be_reached_fails(owner, settings):
    settings.OUTBOUND_OFFLINE_WARN = False
    settings.OUTBOUND_NETWORK_PROBE = "probe.portal.invalid:443"
    findings = check_content(_context(owner, "content_checks", offer_listing=_outside_links()))
    assert {f.severity for f in findings} == {Severity.CRITICAL}


def test_with_no_network_a_private_address_outside_the_sandbox_is_still_refused(owner, no_network, settings):
    settings.OUTBOUND_SANDBOX_URL = "https://127.0.0.1:8443"
    links = {**_outside_links(), "privacy_policy_url": "https://127.0.0.1:9443/privacy"}
    findings = check_content(_context(owner, "content_checks", offer_listing=links))
    by_field = {f.field: f for f in findings}
    assert by_field["privacy_policy_url"].severity == Severity.CRITICAL
    assert "private or reserved" in by_field["privacy_policy_url"].message
    assert by_field["support_url"].severity == Severity.WARNING


def test_with_no_network_the_landing_page_and_webhook_are_warnings_in_both_checks(owner, no_network):
    technical = _saas_endpoints(OUTSIDE)
    purchase = check_purchase_flow(_context(owner, "purchase_flow", technical_configuration=technical))
    functionality = check_functionality(_context(owner, "functionality", technical_configuration=technical))
    assert {(f.field, f.severity) for f in purchase} == {
        ("landing_page_url", Severity.WARNING),
        ("connection_webhook", Severity.WARNING),
    }
    assert {(f.field, f.severity) for f in functionality} == {
        ("landing_page_url", Severity.WARNING),
        ("connection_webhook", Severity.WARNING),
    }


def test_with_no_network_an_endpoint_that_answers_500_still_fails(owner, no_network, https_endpoint):
    https_endpoint.status = 500
    technical = _saas_endpoints(https_endpoint.base_url)
    findings = check_purchase_flow(_context(owner, "purchase_flow", technical_configuration=technical))
    assert {f.severity for f in findings} == {Severity.CRITICAL}


def test_with_no_network_an_outside_lead_destination_is_a_warning(owner, no_network):
    setup = {"leads_destination": "https", "leads_https_url": f"{OUTSIDE}/leads"}
    [finding] = check_lead_management(_context(owner, "lead_management", "consulting", offer_setup=setup))
    assert (finding.code, finding.severity, finding.field) == ("leads.unverified", Severity.WARNING, "leads_https_url")


def test_the_network_is_probed_once_per_step_run(owner, no_network, monkeypatch):
    import certification.checks.base as base

    probes = []
    monkeypatch.setattr(base, "outbound_network_down", lambda: probes.append(1) or True)
    check_content(_context(owner, "content_checks", offer_listing=_outside_links()))
    assert probes == [1]


def test_a_submission_whose_links_could_not_be_verified_goes_on_and_keeps_the_warnings(
    owner, no_network, https_endpoint, policies
):
    offer = complete_offer(owner, "saas", https_endpoint)
    listing = offer.pages.get(key="offer_listing")
    listing.data = {**listing.data, **_outside_links()}
    listing.save(update_fields=["data"])
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_REVIEW
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PUBLISH_IN_PROGRESS
    content = Step.objects.get(submission=submission, key="content_checks")
    assert content.state == Step.State.SUCCEEDED
    warnings = Finding.objects.filter(step=content, severity=Finding.Severity.WARNING)
    assert warnings.count() == len(_outside_links())


def test_the_reviewers_dossier_shows_what_could_not_be_verified_as_warnings(
    owner, no_network, https_endpoint, policies, client
):
    from certification.models import ReviewItem
    from certification.operations import staff_groups_ensure
    from tests.factories import UserFactory

    offer = complete_offer(owner, "saas", https_endpoint)
    listing = offer.pages.get(key="offer_listing")
    listing.data = {**listing.data, **_outside_links()}
    listing.save(update_fields=["data"])
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)
    item = ReviewItem.objects.get(submission=submission, state=ReviewItem.State.OPEN)
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])
    client.force_login(reviewer)

    page = client.get(f"/admin/certification/contentreviewitem/{item.pk}/review/").content.decode()

    assert page.count(NO_NETWORK) == len(_outside_links())
    assert "<td>Warning</td>" in page


def test_a_failure_report_lists_what_could_not_be_verified_beside_what_failed(
    owner, owner_client, no_network, https_endpoint, policies
):
    offer = complete_offer(owner, "saas", https_endpoint)
    listing = offer.pages.get(key="offer_listing")
    description = listing.data["description"] + "<p>The best in the world.</p>"
    listing.data = {**listing.data, **_outside_links(), "description": description}
    listing.save(update_fields=["data"])
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ATTENTION_NEEDED

    page = owner_client.get(f"/offers/{offer.pk}/").content.decode()
    report = page[page.index('data-testid="failure-report"') : page.index('data-testid="timeline"')]
    assert "best in the world" in report
    assert report.count(NO_NETWORK) == len(_outside_links())
