"""Demo accounts of `make run`: one verified and ready to publish, one waiting in the operators' verification queue.

Everything goes through the services a publisher and an operator use; loading again changes nothing.
"""

from accounts.enrollment import agreement_accept, legal_info_update
from accounts.models import Membership, PublisherAccount, VerificationRequest
from accounts.selectors import agreement_current
from accounts.verification import verification_claim, verification_decide, verification_submit


def _legal(name: str, partner_id: str, country: str, city: str, postal_code: str, domain: str, **more) -> dict:
    return {
        "legal_name": name,
        "address_line1": more.get("street", "1 Main Street"),
        "address_line2": "",
        "city": city,
        "region": more.get("region", ""),
        "postal_code": postal_code,
        "country": country,
        "website": f"https://www.{domain}",
        "contact_name": more.get("contact", "Legal Department"),
        "contact_email": f"legal@{domain}",
        "contact_phone": more.get("phone", "+1 425 555 0100"),
        "partner_id": partner_id,
        "competencies": more.get("competencies", []),
    }


CONTOSO_LEGAL = _legal(
    "Contoso Ltd",
    "4410001",
    "US",
    "Redmond",
    "98052",
    "contoso.example",
    street="1 Contoso Way",
    region="WA",
    contact="Olivia Owner",
    competencies=["Cloud Platform", "Data Analytics"],
)
FABRIKAM_LEGAL = _legal(
    "Fabrikam Inc",
    "4410002",
    "DE",
    "Berlin",
    "10115",
    "fabrikam.example",
    street="Friedrichstraße 100",
    contact="Olivia Owner",
    phone="+49 30 555 0100",
)


def _enroll(owner: Membership, legal: dict) -> PublisherAccount:
    """Fill the legal info, accept the current agreement and submit for verification (what is not done yet)."""
    legal_info_update(by=owner, values=legal)
    agreement = agreement_current()
    if agreement is not None:
        agreement_accept(by=owner, version=agreement.version, ip_address=None)
    account = PublisherAccount.objects.get(pk=owner.account_id)
    if account.can_submit_for_verification:
        verification_submit(by=owner)
    return PublisherAccount.objects.get(pk=owner.account_id)


def demo_accounts_onboard(*, ready: Membership, pending: Membership, operator) -> None:
    """Make the ``ready`` Owner's account verified, and leave the ``pending`` Owner's account in the queue."""
    account = _enroll(ready, CONTOSO_LEGAL)
    if account.is_verification_pending:
        request = VerificationRequest.objects.get(account=account, state=VerificationRequest.State.OPEN)
        verification_claim(request_id=request.pk, operator=operator)
        verification_decide(request_id=request.pk, decision=VerificationRequest.Decision.APPROVE, by=operator)
    _enroll(pending, FABRIKAM_LEGAL)
