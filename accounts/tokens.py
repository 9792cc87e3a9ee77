"""API tokens of a publisher account: create (the secret shown once), revoke, authenticate."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import account_event_record
from accounts.models import AccountEvent, ApiToken, Membership

TOKEN_PREFIX = "pp"
LAST_USED_PRECISION = timedelta(minutes=1)  # last use is written at most once a minute per token


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _owner_only(membership: Membership) -> None:
    if not membership.is_owner:
        raise PermissionDenied(_("Only Owners of the account create and revoke API tokens."))


@transaction.atomic
def api_token_create(*, by: Membership, name: str, role: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token of the member's account; return it and its secret, which is never shown again."""
    _owner_only(by)
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                account_id=by.account_id,
                name=name,
                role=role,
                prefix=prefix,
                secret_hash=_digest(raw),
                created_by=by.user,
                expires_at=expires_at,
            )
    except IntegrityError as error:
        raise ValidationError({"name": _("The account already has an active token with this name.")}) from error
    account_event_record(
        by.account,
        AccountEvent.Kind.API_TOKEN_CREATED,
        actor=by.user,
        message=_("API token %(name)s (%(role)s)") % {"name": name, "role": token.get_role_display()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, by: Membership, token_id: int) -> ApiToken:
    """Revoke a token of the member's account; it stops working at once."""
    _owner_only(by)
    token = ApiToken.objects.select_for_update().get(pk=token_id, account_id=by.account_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by.user
        token.save(update_fields=["revoked_at", "revoked_by"])
        account_event_record(
            by.account,
            AccountEvent.Kind.API_TOKEN_REVOKED,
            actor=by.user,
            message=_("API token %(name)s") % {"name": token.name},
        )
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Return the active token whose secret this is, its creator still a member of its account; else None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) > 16:
        return None
    token = ApiToken.objects.select_related("account", "created_by").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.secret_hash, _digest(raw)) or not token.is_active:
        return None
    if not Membership.objects.filter(account_id=token.account_id, user_id=token.created_by_id).exists():
        return None  # its creator left the account: the token goes with them
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_membership(token: ApiToken) -> Membership:
    """Return the membership the token acts as: its account, its creator, its own role (never saved)."""
    return Membership(account=token.account, user=token.created_by, role=token.role)


def api_tokens_of(account_id: int):
    return ApiToken.objects.filter(account_id=account_id).select_related("created_by", "revoked_by")
