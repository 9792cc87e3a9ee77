"""Publisher API credentials: client secrets shown once and kept hashed, and the bearer tokens they buy."""

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass

import jwt
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer
from saas import constants as c
from saas.keys import jwt_sign, jwt_verify
from saas.models import ApiCredential

ISSUER = "publisher-portal:saas"
SECRET_PREFIX = "pps_"


class CredentialRefused(Exception):
    """The offer cannot have API credentials (no Entra application on its technical configuration)."""


class TokenRefused(Exception):
    """A token request or a bearer token the API does not accept; ``status`` and ``code`` say how to answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Caller:
    """Who calls the API: the credential's offer and application."""

    credential_id: int
    offer_id: int
    client_id: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def offer_app_id(offer: Offer) -> str:
    """Return the Entra application ID on the offer's technical configuration (lower case), or an empty string."""
    page = offer.pages.filter(key="technical_configuration").first()
    return str((page.data if page else {}).get("app_id") or "").lower()


@transaction.atomic
def credential_issue(*, offer: Offer, by) -> tuple[ApiCredential, str]:
    """Issue a new client secret for the offer, revoking any earlier one; return it and the secret (shown once)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    client_id = offer_app_id(offer)
    if not client_id:
        raise CredentialRefused(_("Enter the Microsoft Entra application ID on Technical configuration first."))
    ApiCredential.objects.filter(offer=offer, revoked_at__isnull=True).update(revoked_at=timezone.now())
    secret = SECRET_PREFIX + secrets.token_urlsafe(c.SECRET_BYTES)
    credential = ApiCredential.objects.create(
        offer=offer, client_id=client_id, secret_hash=_hash(secret), hint=secret[-4:], created_by=by
    )
    return credential, secret


def credential_revoke(*, offer: Offer, credential_id: int) -> bool:
    """Revoke one of the offer's credentials; tokens it bought stop working at once. Return whether it was active."""
    return bool(
        ApiCredential.objects.filter(offer=offer, pk=credential_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def token_issue(*, grant_type: str, client_id: str, client_secret: str) -> dict:
    """Answer an OAuth 2.0 client-credentials request with a short-lived signed bearer token for one offer."""
    if grant_type != "client_credentials":
        raise TokenRefused(400, "unsupported_grant_type", _("Only grant_type=client_credentials is supported."))
    if not client_id or not client_secret:
        raise TokenRefused(400, "invalid_request", _("Send client_id and client_secret."))
    credential = (
        ApiCredential.objects.filter(secret_hash=_hash(client_secret), revoked_at__isnull=True)
        .only("pk", "offer_id", "client_id")
        .first()
    )
    if credential is None or not secrets.compare_digest(credential.client_id, client_id.strip().lower()):
        raise TokenRefused(401, "invalid_client", _("The client ID and secret do not match an active credential."))
    ApiCredential.objects.filter(pk=credential.pk).update(last_used_at=timezone.now())
    now = int(time.time())
    token = jwt_sign(
        {
            "iss": ISSUER,
            "aud": c.TOKEN_AUDIENCE,
            "sub": credential.client_id,
            "cid": credential.pk,
            "oid": credential.offer_id,
            "iat": now,
            "nbf": now,
            "exp": now + c.ACCESS_TOKEN_SECONDS,
            "jti": uuid.uuid4().hex,
        }
    )
    return {
        "token_type": "Bearer",
        "expires_in": c.ACCESS_TOKEN_SECONDS,
        "ext_expires_in": c.ACCESS_TOKEN_SECONDS,
        "expires_on": now + c.ACCESS_TOKEN_SECONDS,
        "not_before": now,
        "resource": c.TOKEN_AUDIENCE,
        "access_token": token,
    }


def bearer_authenticate(authorization: str) -> Caller:
    """Return the caller of an ``Authorization: Bearer <token>`` header; raise TokenRefused (401) otherwise."""
    scheme, _sep, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused(401, "Unauthorized", _("Send Authorization: Bearer <access token>."))
    try:
        claims = jwt_verify(token.strip(), audience=c.TOKEN_AUDIENCE, issuer=ISSUER)
    except jwt.ExpiredSignatureError as error:
        raise TokenRefused(401, "Unauthorized", _("The access token has expired.")) from error
    except jwt.InvalidTokenError as error:
        raise TokenRefused(401, "Unauthorized", _("The access token is not valid.")) from error
    active = ApiCredential.objects.filter(pk=claims.get("cid"), offer_id=claims.get("oid"), revoked_at__isnull=True)
    if not active.exists():
        raise TokenRefused(401, "Unauthorized", _("The credential of this access token was revoked."))
    return Caller(credential_id=claims["cid"], offer_id=claims["oid"], client_id=claims["sub"])
