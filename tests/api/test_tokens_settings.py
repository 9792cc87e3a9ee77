"""API tokens in account settings: Owners create them (the secret shown once, stored hashed) and revoke them; every
member sees them with their last use; the account's history records both."""

import hashlib

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, ApiToken, Membership
from accounts.tokens import api_token_authenticate
from tests.api.support import BASE

pytestmark = pytest.mark.django_db

URL = "accounts:settings-api-tokens"


def _create(client, **values):
    return client.post(reverse(URL), {"name": "GitHub Actions", "role": Membership.Role.MANAGER, **values})


def test_an_owner_creates_a_token_and_sees_its_secret_once(owner_client, owner):
    response = _create(owner_client)
    secret = response.context["created"]["secret"]
    token = ApiToken.objects.get(account=owner.account)
    assert secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    assert token.role == Membership.Role.MANAGER
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert secret.encode() not in owner_client.get(reverse(URL)).content


def test_the_secret_authenticates_as_the_token(owner_client, owner):
    secret = _create(owner_client).context["created"]["secret"]
    assert api_token_authenticate(secret) == ApiToken.objects.get(account=owner.account)
    assert api_token_authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_a_developer_cannot_create_a_token(client, developer):
    client.force_login(developer.user)
    response = _create(client)
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_developer_sees_the_tokens_without_the_form(client, owner, developer):
    from accounts.tokens import api_token_create

    api_token_create(by=owner, name="CI", role=Membership.Role.DEVELOPER)
    client.force_login(developer.user)
    response = client.get(reverse(URL))
    assert b"CI" in response.content
    assert b'data-testid="api-token-form"' not in response.content


def test_an_expiry_in_the_past_is_refused_on_its_field(owner_client):
    response = _create(owner_client, expires_on="2000-01-01")
    assert "expires_on" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_two_active_tokens_cannot_share_a_name(owner_client):
    _create(owner_client)
    response = _create(owner_client)
    assert "name" in response.context["form"].errors
    assert ApiToken.objects.count() == 1


def test_an_owner_revokes_a_token_and_it_stops_working(owner_client, owner):
    secret = _create(owner_client).context["created"]["secret"]
    token = ApiToken.objects.get()
    owner_client.post(reverse("accounts:settings-api-token-revoke", args=[token.pk]))
    assert api_token_authenticate(secret) is None
    assert ApiToken.objects.get().is_revoked


def test_another_accounts_owner_cannot_revoke_a_token(client, owner, stranger):
    from accounts.tokens import api_token_create

    token, _secret = api_token_create(by=owner, name="CI", role=Membership.Role.DEVELOPER)
    client.force_login(stranger.user)
    assert client.post(reverse("accounts:settings-api-token-revoke", args=[token.pk])).status_code == 404
    assert not ApiToken.objects.get().is_revoked


def test_creating_and_revoking_are_in_the_accounts_history(owner_client, owner):
    _create(owner_client)
    owner_client.post(reverse("accounts:settings-api-token-revoke", args=[ApiToken.objects.get().pk]))
    kinds = set(AccountEvent.objects.filter(account=owner.account).values_list("kind", flat=True))
    assert {AccountEvent.Kind.API_TOKEN_CREATED, AccountEvent.Kind.API_TOKEN_REVOKED} <= kinds


def test_the_page_shows_when_a_token_was_last_used(owner_client, owner):
    from rest_framework.test import APIClient

    secret = _create(owner_client).context["created"]["secret"]
    assert b"Never used" in owner_client.get(reverse(URL)).content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get(f"{BASE}/offers/")
    assert ApiToken.objects.get().last_used_at is not None
    assert b"Never used" not in owner_client.get(reverse(URL)).content
