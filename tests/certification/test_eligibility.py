"""Publisher business eligibility: legal info, the current agreement, verification, fitting competencies; and the
wait for a pending verification instead of a failure."""

import pytest
from django.utils import timezone

from accounts.models import AgreementAcceptance, PublisherAccount, PublisherAgreement, VerificationRequest
from certification.checks.base import StepContext
from certification.checks.eligibility import check_eligibility, eligibility_awaits_verification
from offers.demo import offer_fill_all
from offers.snapshots import snapshot_build
from tests.factories import PublisherAccountFactory, agreement_ensure
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

Verification = PublisherAccount.Verification


@pytest.fixture(autouse=True)
def _agreement(db):
    """The current publisher agreement (a transactional test elsewhere may have flushed the seeded one)."""
    return agreement_ensure()


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


def _places(findings) -> list[tuple[str, str, str]]:
    return [(finding.code, finding.page, finding.field) for finding in findings]


def _decided(state: str, reasons: str) -> PublisherAccount:
    """Return an account whose last verification request an operator decided with these reasons."""
    account = PublisherAccountFactory(verification=state)
    VerificationRequest.objects.create(
        account=account, state=state, submitted_at=timezone.now(), decided_at=timezone.now(), reasons=reasons
    )
    return account


def test_a_verified_enrolled_account_with_complete_legal_info_passes():
    assert check_eligibility(_saas_context(PublisherAccountFactory())) == []


def test_an_account_never_submitted_for_verification_fails_with_a_link_to_verification():
    [finding] = check_eligibility(_saas_context(PublisherAccountFactory(verification=Verification.NOT_SUBMITTED)))
    assert (finding.code, finding.policy, finding.page) == (
        "eligibility.not_verified",
        "100.13",
        "account:verification",
    )


def test_an_account_that_never_accepted_the_agreement_fails_with_a_link_to_enrollment():
    findings = check_eligibility(_saas_context(PublisherAccountFactory(agreement_accepted=False)))
    assert _places(findings) == [("eligibility.agreement_not_accepted", "account:agreement", "")]


def test_a_new_agreement_version_asks_for_acceptance_again_before_the_next_publish():
    account = PublisherAccountFactory()
    assert check_eligibility(_saas_context(account)) == []
    PublisherAgreement.objects.create(version=agreement_ensure().version + 1, title="Agreement", text="New terms.")

    [finding] = check_eligibility(_saas_context(account))

    assert (finding.code, finding.page) == ("eligibility.agreement_outdated", "account:agreement")
    assert "Version 2" in finding.message


def test_accepting_the_new_version_makes_the_account_eligible_again():
    account = PublisherAccountFactory()
    newer = PublisherAgreement.objects.create(version=agreement_ensure().version + 1, title="A", text="New terms.")
    AgreementAcceptance.objects.create(account=account, agreement=newer, accepted_at=timezone.now())
    assert check_eligibility(_saas_context(account)) == []


def test_missing_legal_info_fails_naming_the_fields_and_linking_to_the_first():
    account = PublisherAccountFactory(legal_name="", city="")
    [finding] = check_eligibility(_saas_context(account))
    assert _places([finding]) == [("eligibility.legal_info_incomplete", "account:legal", "legal_name")]
    assert "Legal company name, City" in finding.message


def test_an_account_without_a_partner_id_fails_on_the_partner_id_field():
    findings = check_eligibility(_saas_context(PublisherAccountFactory(partner_id="")))
    assert _places(findings) == [("eligibility.no_partner_id", "account:legal", "partner_id")]


def test_a_rejected_verification_fails_with_the_operators_reasons():
    [finding] = check_eligibility(_saas_context(_decided(Verification.REJECTED, "The company is not registered.")))
    assert finding.code == "eligibility.verification_rejected"
    assert "The company is not registered." in finding.message


def test_a_request_for_more_information_fails_with_what_the_operators_need():
    [finding] = check_eligibility(_saas_context(_decided(Verification.MORE_INFO_NEEDED, "Send the VAT number")))
    assert finding.code == "eligibility.verification_more_info"
    assert "Send the VAT number." in finding.message


def test_a_pending_account_lacking_nothing_else_waits_instead_of_failing():
    ctx = _saas_context(PublisherAccountFactory(verification=Verification.PENDING))
    assert check_eligibility(ctx) == []
    assert eligibility_awaits_verification(ctx)


def test_a_pending_account_that_lacks_the_agreement_fails_at_once_instead_of_waiting():
    ctx = _saas_context(PublisherAccountFactory(verification=Verification.PENDING, agreement_accepted=False))
    assert not eligibility_awaits_verification(ctx)
    assert [f.code for f in check_eligibility(ctx)] == ["eligibility.agreement_not_accepted"]


@pytest.mark.parametrize("state", [Verification.VERIFIED, Verification.NOT_SUBMITTED, Verification.REJECTED])
def test_only_a_pending_verification_makes_the_step_wait(state):
    assert not eligibility_awaits_verification(_saas_context(PublisherAccountFactory(verification=state)))


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
