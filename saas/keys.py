"""The portal's signing keys: RS256 JWTs for API bearer tokens and webhooks, and the JWKS that publishes them."""

import json
import secrets
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from saas.models import SigningKey

ALGORITHM = "RS256"


@lru_cache(maxsize=8)
def _private_key(kid: str, pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _key_create() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(kid=secrets.token_urlsafe(12), private_pem=pem)
    except IntegrityError:  # pragma: no cover - two processes raced; either key serves
        return SigningKey.objects.filter(retired_at__isnull=True).first()


def signing_key() -> SigningKey:
    """Return the current signing key, creating the first one when there is none."""
    key = SigningKey.objects.filter(retired_at__isnull=True).first()
    return key or _key_create()


def jwt_sign(claims: dict) -> str:
    """Return the claims signed with the current key (RS256, ``kid`` in the header)."""
    key = signing_key()
    return jwt.encode(claims, _private_key(key.kid, key.private_pem), algorithm=ALGORITHM, headers={"kid": key.kid})


def jwt_verify(token: str, *, audience: str, issuer: str) -> dict:
    """Return the claims of a token the portal signed for this audience and issuer; raise jwt.InvalidTokenError."""
    kid = jwt.get_unverified_header(token).get("kid")
    key = SigningKey.objects.filter(kid=str(kid or "")).first()
    if key is None:
        raise jwt.InvalidTokenError("unknown key")
    public = _private_key(key.kid, key.private_pem).public_key()
    return jwt.decode(
        token,
        public,
        algorithms=[ALGORITHM],
        audience=audience,
        issuer=issuer,
        options={"require": ["exp", "iat", "aud", "iss", "sub"]},
    )


def jwks() -> dict:
    """Return the public keys of every key not retired, as a JSON Web Key Set."""
    signing_key()
    keys = []
    for key in SigningKey.objects.filter(retired_at__isnull=True):
        public = _private_key(key.kid, key.private_pem).public_key()
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        keys.append({**jwk, "kid": key.kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}
