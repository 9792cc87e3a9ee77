"""Publisher business eligibility: verified, enrolled, agreement accepted, partner ID, fitting competencies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PublisherAccount
from certification.checks.base import StepContext
from certification.checks.eligibility import check_eligibility, eligibility_decidable, eligibility_needs_review
from offers.demo import offer_fill_all
from offers.snapshots import snapshot_build
from tests.factories import PublisherAccountFactory
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _context(owner, offer_type="saas") -> StepContext:
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    return StepContext(
        submission_id=5,
        snapshot=snapshot_build(offer),
        account=owner.account,
        offer=offer,
        phase="certification",
        step_key="eligibility",
    )


def _saas_context(account) -> StepContext:
    """Return a context that holds only what eligibility reads of a SaaS offer."""
    snapshot = {"offer": {"type": "saas"}, "pages": {}}
    return StepContext(submission_id=5, snapshot=snapshot, account=account, offer=None)


def _codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def _aged(account, days: int):
    PublisherAccount.objects.filter(pk=account.pk).update(created_at=timezone.now() - timedelta(days=days))
    account.refresh_from_db()
    return account


def test_an_eligible_account_passes():
    assert check_eligibility(_saas_context(PublisherAccountFactory())) == []


def test_an_unverified_account_fails_citing_business_requirements():
    [finding] = check_eligibility(_saas_context(PublisherAccountFactory(verified=False)))
    assert (finding.code, finding.policy) == ("eligibility.not_verified", "100.13")


def test_an_account_not_enrolled_in_the_program_fails():
    findings = check_eligibility(_saas_context(PublisherAccountFactory(program_enrolled=False)))
    assert _codes(findings) == ["eligibility.not_enrolled"]


def test_an_account_that_has_not_accepted_the_publisher_agreement_fails():
    findings = check_eligibility(_saas_context(PublisherAccountFactory(agreement_accepted_at=None)))
    assert _codes(findings) == ["eligibility.agreement_not_accepted"]


def test_an_account_without_a_partner_id_fails():
    findings = check_eligibility(_saas_context(PublisherAccountFactory(partner_id="")))
    assert _codes(findings) == ["eligibility.no_partner_id"]


def test_a_consulting_service_passes_with_a_competency_fitting_its_product(owner):
    ctx = _context(owner, "consulting")
    assert ctx.snapshot["pages"]["properties"]["primary_product"] == "azure"
    owner.account.competencies = ["Cloud Platform", "Data Platform"]
    assert check_eligibility(ctx) == []


def test_a_consulting_service_fails_without_a_competency_fitting_its_product(owner):
    ctx = _context(owner, "consulting")
    owner.account.competencies = ["Cloud Platform", "Data Platform", "Messaging"]
    ctx.snapshot["pages"]["properties"].update(primary_product="dynamics_365", competencies=["Messaging"])
    [finding] = check_eligibility(ctx)
    assert (finding.code, finding.page, finding.field, finding.policy) == (
        "eligibility.no_competency",
        "properties",
        "primary_product",
        "100.13",
    )
    assert "Enterprise Resource Planning" in finding.message


def test_a_consulting_service_claiming_a_competency_the_account_does_not_hold_fails(owner):
    ctx = _context(owner, "consulting")
    owner.account.competencies = ["Cloud Platform"]
    ctx.snapshot["pages"]["properties"]["competencies"] = ["Cloud Platform", "Data Platform"]
    [finding] = check_eligibility(ctx)
    assert (finding.code, finding.field) == ("eligibility.competency_not_held", "competencies")
    assert "Data Platform" in finding.message


def test_a_new_unverified_account_with_a_partner_id_is_not_decidable_and_goes_to_a_reviewer():
    account = _aged(PublisherAccountFactory(verified=False), days=3)
    assert not eligibility_decidable(account)
    assert eligibility_needs_review(_saas_context(account))


def test_an_unverified_account_older_than_thirty_days_is_decidable():
    assert eligibility_decidable(_aged(PublisherAccountFactory(verified=False), days=31))


def test_a_verified_account_and_one_without_a_partner_id_are_decidable():
    assert eligibility_decidable(PublisherAccountFactory())
    assert eligibility_decidable(PublisherAccountFactory(verified=False, partner_id=""))
    assert not eligibility_needs_review(_saas_context(PublisherAccountFactory()))
