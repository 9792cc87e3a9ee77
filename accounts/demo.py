"""Demo accounts of `make run`: one verified and ready to publish, one waiting in the operators' verification queue.

Everything goes through the services a publisher and an operator use; loading again changes nothing.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

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


# The demo staff's authenticator app secrets (base32), printed by `make run` beside their passwords so a newcomer
# can add them to an authenticator app and sign in to admin. Loaded only with DEBUG on (portal's demo_data).
DEMO_TOTP_SECRETS = {
    "reviewer@portal.example": "LW5JVL4YVBNMERW5EQA4HUFYIBVPWH4K",
    "operator@portal.example": "HGPOG2A2R5LKCJXGKUG7FD5RPS37FEOI",
}


def demo_totp_ensure(user, secret: str) -> None:
    """Give the demo user the authenticator app with this secret (and recovery codes), replacing any other one."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
